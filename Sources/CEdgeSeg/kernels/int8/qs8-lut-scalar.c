// Table lookup: any int8 → int8 function of one value (GELU) is a 256-entry table built at quantize time.
#include "es_int8.h"

void es_qs8_lut_scalar(size_t n, const int8_t *x, const int8_t table[256], int8_t *y) {
    for (size_t i = 0; i < n; i++) y[i] = table[(int32_t)x[i] + 128];
}
