// What a Foundation-free command-line program needs from the OS beyond files: stderr, folders, exit status.
#ifndef ES_PROCESS_H
#define ES_PROCESS_H

// Writes text to stderr unbuffered (errors must not sit in a buffer when the process exits).
void es_write_stderr(const char *text);

// Creates a folder and any missing parents (mkdir -p, mode 0755). Returns 0 or an errno value.
int es_make_directories(const char *path);

// Ends the process with this exit status, flushing stdout first.
void es_exit(int status) __attribute__((noreturn));

#endif
