#include "es_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const uint8_t es_empty_file[1];

const uint8_t *es_file_map(const char *path, size_t *size, int *err_no) {
    *size = 0;
    *err_no = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { *err_no = errno; return NULL; }
    struct stat st;
    if (fstat(fd, &st) != 0) { *err_no = errno; close(fd); return NULL; }
    if (S_ISDIR(st.st_mode)) { *err_no = EISDIR; close(fd); return NULL; }
    if (st.st_size == 0) { close(fd); return es_empty_file; }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int saved = errno;
    close(fd);
    if (p == MAP_FAILED) { *err_no = saved; return NULL; }
    *size = (size_t)st.st_size;
    return (const uint8_t *)p;
}

void es_file_unmap(const uint8_t *data, size_t size) {
    if (data != NULL && data != es_empty_file && size > 0) munmap((void *)data, size);
}

void es_file_release(const uint8_t *data, size_t size) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = ((uintptr_t)data + page - 1) & ~(page - 1), end = ((uintptr_t)data + size) & ~(page - 1);
    if (data != NULL && data != es_empty_file && end > start) madvise((void *)start, end - start, MADV_DONTNEED);
}

int es_file_write_atomic(const char *path, const void *data, size_t size) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) return ENAMETOOLONG;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return errno;
    const uint8_t *p = (const uint8_t *)data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno; close(fd); unlink(tmp); return e;
        }
        p += n; size -= (size_t)n;
    }
    if (close(fd) != 0) { int e = errno; unlink(tmp); return e; }
    if (rename(tmp, path) != 0) { int e = errno; unlink(tmp); return e; }
    return 0;
}

const char *es_strerror(int err_no) {
    const char *s = strerror(err_no);
    return s ? s : "unknown error";
}
