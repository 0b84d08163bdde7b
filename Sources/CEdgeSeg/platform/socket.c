#define _GNU_SOURCE   // accept4
#include "es_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int es_tcp_listen(const char *host, int port, int *err_no) {
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (host && host[0] && inet_pton(AF_INET, host, &addr.sin_addr) != 1) { *err_no = EINVAL; return -1; }
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) { *err_no = errno; return -1; }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);   // restart without waiting out TIME_WAIT
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s, 128) != 0) {
        *err_no = errno;
        close(s);
        return -1;
    }
    return s;
}

int es_tcp_port(int s) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    if (getsockname(s, (struct sockaddr *)&addr, &len) != 0) return -1;
    return ntohs(addr.sin_port);
}

static int wait_for(int s, short events, int timeout_ms, int *err_no) {
    struct pollfd p = { .fd = s, .events = events };
    int r = poll(&p, 1, timeout_ms);
    if (r < 0) { *err_no = errno; return -1; }
    if (r == 0) { *err_no = ETIMEDOUT; return -1; }
    return 0;
}

int es_tcp_accept(int s, int timeout_ms, int *err_no) {
    if (wait_for(s, POLLIN, timeout_ms, err_no) != 0) return -1;
    int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
        *err_no = errno;
        return -1;
    }
    // A peer that stops reading must not hold a writer forever: a send that makes no progress for 5 s fails.
    struct timeval limit = {5, 0};
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    return c;
}

long es_socket_read(int s, void *buffer, size_t size, int timeout_ms, int *err_no) {
    for (;;) {
        if (wait_for(s, POLLIN, timeout_ms, err_no) != 0) return -1;
        ssize_t n = read(s, buffer, size);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) *err_no = errno;
        return (long)n;
    }
}

int es_socket_timed_out(int err_no) { return err_no == ETIMEDOUT; }

int es_socket_write_all(int s, const void *data, size_t size) {
    const char *p = data;
    while (size > 0) {
        ssize_t n = send(s, p, size, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

void es_socket_close(int s) {
    if (s >= 0) close(s);
}
