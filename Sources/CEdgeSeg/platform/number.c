#include "es_number.h"

#include <stdlib.h>
#include <string.h>

double es_parse_double(const uint8_t *text, size_t length) {
    char small[64];
    char *buffer = length < sizeof small ? small : malloc(length + 1);
    if (buffer == NULL) return 0.0 / 0.0;  // NaN: the caller rejects non-finite numbers
    memcpy(buffer, text, length);
    buffer[length] = '\0';
    double value = strtod(buffer, NULL);
    if (buffer != small) free(buffer);
    return value;
}
