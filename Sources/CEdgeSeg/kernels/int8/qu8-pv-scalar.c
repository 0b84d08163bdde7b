// P·V of one head, accumulated: uint8 softmax weights (relative to the row maximum) times int8 values,
// added to o so that key tiles can be summed one after another. |o| <= Σ_j w_j · 255.
#include "es_int8.h"

void es_qu8_pv_scalar(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                      size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride) {
    for (size_t i = 0; i < nq; i++) {
        for (size_t c = 0; c < d; c++) {
            int32_t acc = o[i * o_stride + c];
            for (size_t j = 0; j < nk; j++) acc += (int32_t)p[i * p_stride + j] * ((int32_t)v[j * v_stride + c] - v_zero_point);
            o[i * o_stride + c] = acc;
        }
    }
}
