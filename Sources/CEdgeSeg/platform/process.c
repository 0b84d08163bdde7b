#include "es_process.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void es_write_stderr(const char *text) {
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(2, text, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        text += n;
        left -= (size_t)n;
    }
}

int es_make_directories(const char *path) {
    char partial[4096];
    size_t length = strlen(path);
    if (length == 0) return ENOENT;
    if (length >= sizeof partial) return ENAMETOOLONG;
    memcpy(partial, path, length + 1);
    // Create each prefix that ends before a '/', then the whole path; existing folders are fine.
    for (size_t i = 1; i <= length; i++) {
        if (partial[i] != '/' && partial[i] != '\0') continue;
        char saved = partial[i];
        partial[i] = '\0';
        if (mkdir(partial, 0755) != 0 && errno != EEXIST) return errno;
        partial[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0) return errno;
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

void es_exit(int status) {
    fflush(stdout);
    exit(status);
}
