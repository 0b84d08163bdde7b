// Shared by the SIMD GEMMs: tiles of MR rows × NR channels over es_qs8_qc8w_gemm's operands.
// Edge tiles reuse the last row or channel for the missing ones (XNNPACK's trick), so every tile runs
// the full-size code; only the valid results are stored.
#ifndef ES_QS8_GEMM_TILE_H
#define ES_QS8_GEMM_TILE_H
#include "es-int8-math.h"

// Row `first + r` of a matrix with `count` rows, or its last row past the end.
static inline const int8_t *es_tile_row(const int8_t *base, size_t stride, size_t first, size_t r, size_t count) {
    size_t i = first + r < count ? first + r : count - 1;
    return base + i * stride;
}

// Requantizes the accumulators of channels j0.. of one output row (the reference's es_requantize).
static inline void es_tile_store_row(const int32_t *acc, size_t nr, size_t j0, const es_requant *requant,
                                     es_qs8_out out, int8_t *y_row) {
    for (size_t c = 0; c < nr; c++) y_row[j0 + c] = (int8_t)es_requantize(acc[c], requant[j0 + c], out);
}

#endif
