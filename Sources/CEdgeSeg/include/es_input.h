// Frames from a pipe, a FIFO or a file of raw frames (`camera --source -|PATH`): the descriptor is read with
// es_socket_read (poll, then read: it works on any descriptor), so the reader wakes to look at stop signals.
#ifndef ES_INPUT_H
#define ES_INPUT_H

// Opens `path` for reading ("-": standard input, not duplicated). Sets *regular_file to 1 for a plain file
// (a recording, read at the pace the caller chooses), 0 for a pipe, FIFO or device. Returns the descriptor,
// or -1 with *err_no set.
int es_input_open(const char *path, int *regular_file, int *err_no);

// Closes a descriptor from es_input_open (standard input is left open).
void es_input_close(int fd);

#endif
