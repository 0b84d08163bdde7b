// Paths and folders: what is at a path, and a folder's entries (for data sets, calibration folders and
// recorded frames, on the Pi too).
#ifndef ES_PATH_H
#define ES_PATH_H

#define ES_PATH_MISSING 0
#define ES_PATH_FILE 1
#define ES_PATH_DIRECTORY 2

// ES_PATH_DIRECTORY, ES_PATH_FILE (anything else that exists) or ES_PATH_MISSING; follows symlinks.
int es_path_kind(const char *path);

// Iterates a folder's entry names, without "." and "..". es_dir_open returns NULL (errno set) if the folder
// cannot be read; es_dir_next returns NULL at the end. The returned name is valid until the next call.
void *es_dir_open(const char *path);
const char *es_dir_next(void *dir);
void es_dir_close(void *dir);

#endif
