// What is at a path, for error messages that say "this is a folder" instead of "cannot open".
#ifndef ES_PATH_H
#define ES_PATH_H

#define ES_PATH_MISSING 0
#define ES_PATH_FILE 1
#define ES_PATH_DIRECTORY 2

// ES_PATH_DIRECTORY, ES_PATH_FILE (anything else that exists) or ES_PATH_MISSING; follows symlinks.
int es_path_kind(const char *path);

#endif
