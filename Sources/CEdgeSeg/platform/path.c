#include "es_path.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

int es_path_kind(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return ES_PATH_MISSING;
    return S_ISDIR(st.st_mode) ? ES_PATH_DIRECTORY : ES_PATH_FILE;
}

void *es_dir_open(const char *path) { return opendir(path); }

const char *es_dir_next(void *dir) {
    struct dirent *entry;
    while ((entry = readdir((DIR *)dir)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) return entry->d_name;
    }
    return NULL;
}

void es_dir_close(void *dir) { closedir((DIR *)dir); }
