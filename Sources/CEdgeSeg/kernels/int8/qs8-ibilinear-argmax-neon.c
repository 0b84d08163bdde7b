// es_qs8_ibilinear_argmax_scalar with NEON, 8 classes at a time in two int32x4 halves: the same exact values
// (a·2048 + (b − a)·frac is a·(2048 − frac) + b·frac in integers, |v| <= 2^29), each lane's first maximum and its
// class, then the smallest class among the lanes at the overall maximum. The last, partial group of classes is
// read with 8-byte loads where the map goes on past it (copied out at its very end), and its missing lanes are
// set to INT32_MIN, which never wins.
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"

enum { COLUMNS = 128 };  // output columns whose taps are kept at a time

static inline int32x4_t lerp(int32x4_t a, int32x4_t b, int32x4_t frac) {
    return vmlaq_s32(vshlq_n_s32(a, 11), vsubq_s32(b, a), frac);
}

// Eight codes at p as two int32x4 halves: only `count` of them are real, and fewer than 8 bytes are left before
// `end` only at the map's end.
static inline int32x4x2_t codes(const int8_t *p, size_t count, const int8_t *end) {
    int8x8_t v = end - p >= 8 ? vld1_s8(p) : vget_low_s8(es_load_s8_partial(p, count));
    int16x8_t wide = vmovl_s8(v);
    return (int32x4x2_t){{vmovl_s16(vget_low_s16(wide)), vmovl_s16(vget_high_s16(wide))}};
}

void es_qs8_ibilinear_argmax_neon(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h, size_t out_w,
                                  size_t first_row, size_t rows, uint8_t *labels) {
    es_tap tx[COLUMNS];
    const int32x4_t lane = {0, 1, 2, 3};
    const int8_t *end = x + in_h * in_w * c;
    for (size_t ox0 = 0; ox0 < out_w; ox0 += COLUMNS) {
        size_t columns = out_w - ox0 < COLUMNS ? out_w - ox0 : COLUMNS;
        for (size_t i = 0; i < columns; i++) tx[i] = es_bilinear_tap(ox0 + i, in_w, out_w);
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            es_tap ty = es_bilinear_tap(oy, in_h, out_h);
            const int8_t *r0 = x + ty.i0 * in_w * c, *r1 = x + ty.i1 * in_w * c;
            int32x4_t fy = vdupq_n_s32(ty.frac);
            for (size_t i = 0; i < columns; i++) {
                int32x4_t fx = vdupq_n_s32(tx[i].frac);
                const int8_t *p[4] = {r0 + tx[i].i0 * c, r0 + tx[i].i1 * c, r1 + tx[i].i0 * c, r1 + tx[i].i1 * c};
                int32x4_t best[2] = {vdupq_n_s32(INT32_MIN), vdupq_n_s32(INT32_MIN)};
                int32x4_t best_class[2] = {vdupq_n_s32(0), vdupq_n_s32(0)};
                for (size_t ch = 0; ch < c; ch += 8) {
                    size_t count = c - ch < 8 ? c - ch : 8;
                    int32x4x2_t a = codes(p[0] + ch, count, end), b = codes(p[1] + ch, count, end);
                    int32x4x2_t d = codes(p[2] + ch, count, end), e = codes(p[3] + ch, count, end);
                    for (int h = 0; h < 2; h++) {
                        int32x4_t v = lerp(lerp(a.val[h], b.val[h], fx), lerp(d.val[h], e.val[h], fx), fy);
                        int32x4_t classes = vaddq_s32(lane, vdupq_n_s32((int32_t)(ch + 4 * (size_t)h)));
                        uint32x4_t real = vcltq_s32(classes, vdupq_n_s32((int32_t)c));
                        v = vbslq_s32(real, v, vdupq_n_s32(INT32_MIN));
                        uint32x4_t better = vcgtq_s32(v, best[h]);
                        best[h] = vbslq_s32(better, v, best[h]);
                        best_class[h] = vbslq_s32(better, classes, best_class[h]);
                    }
                }
                int32_t top = vmaxvq_s32(vmaxq_s32(best[0], best[1]));
                int32x4_t none = vdupq_n_s32(INT32_MAX);
                int32x4_t lo = vbslq_s32(vceqq_s32(best[0], vdupq_n_s32(top)), best_class[0], none);
                int32x4_t hi = vbslq_s32(vceqq_s32(best[1], vdupq_n_s32(top)), best_class[1], none);
                labels[(oy - first_row) * out_w + ox0 + i] = (uint8_t)vminvq_s32(vminq_s32(lo, hi));
            }
        }
    }
}
#endif
