// Inner products of 4 int8 rows with 4 int8 rows (a 4×4 tile of a GEMM or of Q·Kᵀ) on NEON, two ways:
//  - ARMv8.0 (Cortex-A72): SMULL multiplies 8 byte pairs into int16 (|a·b| <= 2^14 fits, even −128·−128),
//    SADALP adds neighbouring products into the int32 lanes. Two instructions per 8 products.
//  - ARMv8.2 dot product (Cortex-A76): SDOT adds groups of 4 byte products into int32 lanes, one
//    instruction per 16 products.
// The products are of the raw codes, without zero points: callers subtract z·Σ(row) after (modulo 2^32,
// which gives the reference's int32 sum exactly since that sum fits int32). Sixteen int32x4 accumulators
// run along k and are folded into one vector per row at the end (lane c = row c of b).
#ifndef ES_QS8_DOT_TILE_NEON_H
#define ES_QS8_DOT_TILE_NEON_H
#if defined(__aarch64__)
#include "es-int8-neon.h"

enum { ES_DOT_TILE = 4 };

// Row r's four accumulators → one vector of four totals.
static inline int32x4_t es_dot_tile_fold(const int32x4_t acc[ES_DOT_TILE]) {
    return vpaddq_s32(vpaddq_s32(acc[0], acc[1]), vpaddq_s32(acc[2], acc[3]));
}

// One step of 16 k: acc[r][c] lanes += products of av[r] and bv[c].
typedef void es_dot_step_fn(int32x4_t acc[ES_DOT_TILE][ES_DOT_TILE], const int8x16_t av[ES_DOT_TILE],
                            const int8x16_t bv[ES_DOT_TILE]);

static inline void es_dot_step_smull(int32x4_t acc[ES_DOT_TILE][ES_DOT_TILE], const int8x16_t av[ES_DOT_TILE],
                                     const int8x16_t bv[ES_DOT_TILE]) {
    for (int r = 0; r < ES_DOT_TILE; r++) {
        for (int c = 0; c < ES_DOT_TILE; c++) {
            acc[r][c] = vpadalq_s16(acc[r][c], vmull_s8(vget_low_s8(av[r]), vget_low_s8(bv[c])));
            acc[r][c] = vpadalq_s16(acc[r][c], vmull_high_s8(av[r], bv[c]));
        }
    }
}

ES_NEONDOT static inline void es_dot_step_sdot(int32x4_t acc[ES_DOT_TILE][ES_DOT_TILE],
                                               const int8x16_t av[ES_DOT_TILE], const int8x16_t bv[ES_DOT_TILE]) {
    for (int r = 0; r < ES_DOT_TILE; r++)
        for (int c = 0; c < ES_DOT_TILE; c++) acc[r][c] = vdotq_s32(acc[r][c], av[r], bv[c]);
}

// The 4×4 tile's products: sums[r] lane c = Σ_{p<k} a[r][p] · b[c][p]. Inlined into each kernel with its
// step, so the step is a direct (inlined) call there.
__attribute__((always_inline)) static inline void es_dot_tile(size_t k, const int8_t *const a[ES_DOT_TILE],
                                                              const int8_t *const b[ES_DOT_TILE],
                                                              int32x4_t sums[ES_DOT_TILE], es_dot_step_fn *step) {
    int32x4_t acc[ES_DOT_TILE][ES_DOT_TILE];
    for (int r = 0; r < ES_DOT_TILE; r++)
        for (int c = 0; c < ES_DOT_TILE; c++) acc[r][c] = vdupq_n_s32(0);
    int8x16_t av[ES_DOT_TILE], bv[ES_DOT_TILE];
    size_t p = 0;
    for (; p + 16 <= k; p += 16) {
        for (int i = 0; i < ES_DOT_TILE; i++) {
            av[i] = vld1q_s8(a[i] + p);
            bv[i] = vld1q_s8(b[i] + p);
        }
        step(acc, av, bv);
    }
    if (p < k) {  // zero-padded tail: zeros add nothing
        for (int i = 0; i < ES_DOT_TILE; i++) {
            av[i] = es_load_s8_partial(a[i] + p, k - p);
            bv[i] = es_load_s8_partial(b[i] + p, k - p);
        }
        step(acc, av, bv);
    }
    for (int r = 0; r < ES_DOT_TILE; r++) sums[r] = es_dot_tile_fold(acc[r]);
}

// Σ p[0..k) as int32 (|Σ| <= 128·k).
static inline int32_t es_sum_s8_neon(size_t k, const int8_t *p) {
    int32x4_t acc = vdupq_n_s32(0);
    size_t i = 0;
    for (; i + 16 <= k; i += 16) acc = vpadalq_s16(acc, vpaddlq_s8(vld1q_s8(p + i)));
    if (i < k) acc = vpadalq_s16(acc, vpaddlq_s8(es_load_s8_partial(p + i, k - i)));
    return vaddvq_s32(acc);
}

#endif
#endif
