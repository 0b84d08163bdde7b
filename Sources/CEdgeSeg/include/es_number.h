// Decimal text to double, for the JSON parser: correctly rounded conversion is subtle, libc already has it.
#ifndef ES_NUMBER_H
#define ES_NUMBER_H
#include <stddef.h>
#include <stdint.h>

// Converts `length` bytes of a number the caller has already checked against the JSON grammar.
// Uses strtod; EdgeSeg never calls setlocale, so the decimal point is '.'.
double es_parse_double(const uint8_t *text, size_t length);

#endif
