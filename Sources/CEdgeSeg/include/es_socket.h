// Plain TCP sockets for the camera's small HTTP viewer: listen, accept with a timeout, read, write.
#ifndef ES_SOCKET_H
#define ES_SOCKET_H
#include <stddef.h>

// Listens on `host` (an IPv4 address; NULL or "" for all interfaces) and `port` (0: any free port).
// Returns the socket, or -1 with *err_no set.
int es_tcp_listen(const char *host, int port, int *err_no);

// The port a listening socket is bound to, or -1.
int es_tcp_port(int socket);

// Waits up to `timeout_ms` for a connection. Returns its socket (whose sends fail with EAGAIN after 5 s without
// progress), or -1 with *err_no set (ETIMEDOUT, EINTR, ...).
int es_tcp_accept(int socket, int timeout_ms, int *err_no);

// Reads what is available, waiting up to `timeout_ms` for something. Returns the byte count (0 at the
// end of the stream), or -1 with *err_no set (ETIMEDOUT on a silent peer).
long es_socket_read(int socket, void *buffer, size_t size, int timeout_ms, int *err_no);

// Whether an err_no from es_socket_read means it timed out (the peer is silent, not gone).
int es_socket_timed_out(int err_no);

// Writes all `size` bytes (EINTR retried). Returns 0 or an errno value (EPIPE when the peer went away).
int es_socket_write_all(int socket, const void *data, size_t size);

void es_socket_close(int socket);

#endif
