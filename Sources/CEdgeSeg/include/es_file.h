// Thin POSIX file shims, so the Swift runtime needs neither Foundation nor Glibc (Embedded Swift has neither).
#ifndef ES_FILE_H
#define ES_FILE_H
#include <stddef.h>
#include <stdint.h>

// Maps a whole file read-only. Returns NULL and sets *err_no on failure; an empty file maps to a
// non-NULL dummy pointer with *size = 0.
const uint8_t *es_file_map(const char *path, size_t *size, int *err_no);
void es_file_unmap(const uint8_t *data, size_t size);

// Lets the kernel drop the resident pages wholly inside [data, data + size) of a mapping from es_file_map
// (madvise MADV_DONTNEED): they are read from the file again if touched. For data used once, e.g. weights
// copied into a packed layout at load.
void es_file_release(const uint8_t *data, size_t size);

// Writes a file atomically: to "<path>.tmp.<pid>", then rename. Returns 0 or an errno value.
int es_file_write_atomic(const char *path, const void *data, size_t size);

// The text for an errno value (strerror), never NULL.
const char *es_strerror(int err_no);

#endif
