// The per-row part of the integer LayerNorm (es_qs8_layernorm_rndnu_*), shared by the reference and the SIMD
// kernels, which differ only in how they apply it to the channels (private to CEdgeSeg).
// With q the int8 codes (the input scale and zero point cancel):
//   d_c = C·q_c - Σq = C·(q_c - mean),  D = C·Σq² - (Σq)² = C²·variance  (both exact),
//   z_c = d_c / sqrt(D + E),  E = C²·eps/in_scale²  (eps_term = E·2^22, from the init).
// 1/sqrt is one exact integer square root and one division per row; z_c goes to Q24:
//   z_c = round(d_c · inv / 2^z_shift).
#ifndef ES_QS8_LAYERNORM_H
#define ES_QS8_LAYERNORM_H
#include "es-int8-math.h"

typedef struct {
    int64_t n;          // channels
    int64_t sum;        // Σq
    int64_t inv;        // ≈ 2^61 / sqrt((D + E)·2^22·4^j), in [0, 2^31]; 0 when D = 0 (then every d_c is 0)
    uint32_t z_shift;   // in [7, 26]
} es_layernorm_row;

// The row's statistics from n = channels, s1 = Σq and s2 = Σq².
static inline es_layernorm_row es_layernorm_row_from_sums(int64_t n, int64_t s1, int64_t s2, uint64_t eps_term) {
    es_layernorm_row row = {n, s1, 0, 1};
    uint64_t d_total = (uint64_t)(n * s2 - s1 * s1);  // < 2^38 for channels <= 4096
    if (d_total != 0) {
        uint64_t v = (d_total << 22) + eps_term;  // (D + E)·2^22, in [2^22, 2^62)
        uint32_t j = 0;
        while (v < (uint64_t)1 << 60) { v <<= 2; j++; }  // v·4^j in [2^60, 2^62), j <= 19
        uint64_t root = es_isqrt_u64(v);  // [2^30, 2^31)
        row.inv = (int64_t)((((uint64_t)1 << 61) + root / 2) / root);  // ≈ 2^61 / sqrt(v·4^j)
        row.z_shift = 26 - j;  // z·2^24 = d · inv · 2^(j + 11 - 61 + 24)
    }
    return row;
}

static inline es_layernorm_row es_layernorm_row_stats(size_t channels, const int8_t *x, uint64_t eps_term) {
    int64_t s1 = 0, s2 = 0;
    for (size_t c = 0; c < channels; c++) {
        s1 += x[c];
        s2 += (int32_t)x[c] * x[c];
    }
    return es_layernorm_row_from_sums((int64_t)channels, s1, s2, eps_term);
}

#endif
