#include "es_input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int es_input_open(const char *path, int *regular_file, int *err_no) {
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err_no = errno;
        return -1;
    }
    struct stat st;
    *regular_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    return fd;
}

void es_input_close(int fd) {
    if (fd > STDIN_FILENO) close(fd);
}
