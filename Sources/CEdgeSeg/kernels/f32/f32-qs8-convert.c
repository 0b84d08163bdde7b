// The boundaries of a float layer in a mixed-precision int8 model: int8 codes to floats before it, floats to
// int8 codes after it, with the activation point's scale and zero point.
#include "es_f32.h"

#include <math.h>

void es_f32_dequantize_qs8(size_t count, const int8_t *x, float scale, int32_t zero_point, float *y) {
    for (size_t i = 0; i < count; i++) y[i] = (float)((int32_t)x[i] - zero_point) * scale;
}

void es_f32_quantize_qs8(size_t count, const float *x, double inverse_scale, int32_t zero_point, int8_t *y) {
    for (size_t i = 0; i < count; i++) {
        double q = round((double)x[i] * inverse_scale) + zero_point;
        y[i] = (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
    }
}
