#include "es_path.h"

#include <sys/stat.h>

int es_path_kind(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return ES_PATH_MISSING;
    return S_ISDIR(st.st_mode) ? ES_PATH_DIRECTORY : ES_PATH_FILE;
}
