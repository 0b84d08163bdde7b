#include "es_console.h"

#include <stdio.h>

void es_print_line(const char *text) {
    fputs(text, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}
