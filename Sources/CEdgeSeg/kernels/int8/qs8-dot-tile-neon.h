// Inner products of 4 int8 rows with 4 int8 rows (a 4×4 tile of a GEMM or of Q·Kᵀ) on NEON, two ways:
//  - ARMv8.0 (Cortex-A72), XNNPACK's "mlal" scheme made exact for −128·−128: SMLAL + SMLAL2 add two byte
//    products to each int16 lane of a start value, and UADALP adds neighbouring lanes into the int32
//    accumulators: one pairwise accumulate per 16 products instead of the two of SMULL + SADALP (those go
//    to one pipe, F1, on the A72). Two products lie in [−2·128·127, 2·128²] = [−32512, 32768], one value
//    too many for int16; the start value 32512 shifts them to [0, 65280], an exact uint16. The 2·32512 each
//    step adds to every int32 lane is subtracted up front.
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

// One step of 16 k: acc[r][c] lanes += products of av[r] and bv[c] (plus a constant excess, see es_dot_method).
typedef void es_dot_step_fn(int32x4_t acc[ES_DOT_TILE][ES_DOT_TILE], const int8x16_t av[ES_DOT_TILE],
                            const int8x16_t bv[ES_DOT_TILE]);

enum { ES_DOT_MLAL_START = 32512 };  // int16 lane start: two byte products + this fit uint16

static inline void es_dot_step_mlal(int32x4_t acc[ES_DOT_TILE][ES_DOT_TILE], const int8x16_t av[ES_DOT_TILE],
                                    const int8x16_t bv[ES_DOT_TILE]) {
    const int16x8_t start = vdupq_n_s16(ES_DOT_MLAL_START);
    for (int r = 0; r < ES_DOT_TILE; r++) {
        for (int c = 0; c < ES_DOT_TILE; c++) {
            int16x8_t pair = vmlal_high_s8(vmlal_s8(start, vget_low_s8(av[r]), vget_low_s8(bv[c])), av[r], bv[c]);
            acc[r][c] = vreinterpretq_s32_u32(vpadalq_u16(vreinterpretq_u32_s32(acc[r][c]), vreinterpretq_u16_s16(pair)));
        }
    }
}

ES_NEONDOT static inline void es_dot_step_sdot(int32x4_t acc[ES_DOT_TILE][ES_DOT_TILE],
                                               const int8x16_t av[ES_DOT_TILE], const int8x16_t bv[ES_DOT_TILE]) {
    for (int r = 0; r < ES_DOT_TILE; r++)
        for (int c = 0; c < ES_DOT_TILE; c++) acc[r][c] = vdotq_s32(acc[r][c], av[r], bv[c]);
}

// A step and what it adds to every int32 lane besides the products.
typedef struct {
    es_dot_step_fn *step;
    uint32_t excess;
} es_dot_method;

#define ES_DOT_MLAL ((es_dot_method){es_dot_step_mlal, 2 * ES_DOT_MLAL_START})
#define ES_DOT_SDOT ((es_dot_method){es_dot_step_sdot, 0})

// The 4×4 tile's products: sums[r] lane c = Σ_{p<k} a[r][p] · b[c][p] (modulo 2^32). Inlined into each kernel
// with a constant method, so the step is a direct (inlined) call there.
__attribute__((always_inline)) static inline void es_dot_tile(size_t k, const int8_t *const a[ES_DOT_TILE],
                                                              const int8_t *const b[ES_DOT_TILE],
                                                              int32x4_t sums[ES_DOT_TILE], es_dot_method method) {
    es_dot_step_fn *step = method.step;
    const int32x4_t start = vdupq_n_s32((int32_t)(0u - method.excess * (uint32_t)((k + 15) / 16)));
    int32x4_t acc[ES_DOT_TILE][ES_DOT_TILE];
    for (int r = 0; r < ES_DOT_TILE; r++)
        for (int c = 0; c < ES_DOT_TILE; c++) acc[r][c] = start;
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
