// es_qs32_softmax_online_rndnu_scalar with NEON: the row maximum four lanes at a time, and the reference's exponents
// t = round((S − max) · m / 2^shift) (es_softmax_exponent) four at a time, SMULL then one SRSHL (exact, no overflow)
// and a saturating narrow before the floor at −32·2^16. NEON has no gather, so each weight then comes from the
// bucket table (es_softmax_bucket_weight) one lane at a time: q30-exp2.c's steps in uint32 lanes (UMULL + URSHRN per
// Q30 product) are exact too but came out only 2.5% fewer instructions under qemu (Cortex-A72). Rows whose score
// range passes 2^31 take the scalar loop. Row state: the reference's (qs32-softmax-online.h).
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"
#include "qs32-softmax-online.h"

void es_qs32_softmax_online_rndnu_neon(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                       int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                       size_t d, uint8_t *w, size_t w_stride) {
    const int32_t *buckets = es_softmax_weight_buckets();
    const int32x2_t m = vdup_n_s32(rq.multiplier);
    const int64x2_t neg_shift = vdupq_n_s64(-(int64_t)rq.shift);
    const int32x4_t floor = vdupq_n_s32(-32 * 65536);
    size_t body = n / 4 * 4;
    for (size_t i = 0; i < rows; i++) {
        const int32_t *row = s + i * s_stride;
        uint8_t *out = w + i * w_stride;
        int32x4_t top = vdupq_n_s32(INT32_MIN), bottom = vdupq_n_s32(INT32_MAX);
        for (size_t j = 0; j < body; j += 4) {
            int32x4_t v = vld1q_s32(row + j);
            top = vmaxq_s32(top, v);
            bottom = vminq_s32(bottom, v);
        }
        int32_t tile_max = vmaxvq_s32(top), tile_min = vminvq_s32(bottom);
        for (size_t j = body; j < n; j++) {
            tile_max = row[j] > tile_max ? row[j] : tile_max;
            tile_min = row[j] < tile_min ? row[j] : tile_min;
        }
        int32_t max = es_softmax_row_start(first, tile_max, &row_max[i], &sums[i], o + i * o_stride, d, rq);
        uint32_t sum = 0;
        size_t j = 0;
        if ((int64_t)max - tile_min <= INT32_MAX) {  // else S − max would overflow int32
            const int32x4_t max_v = vdupq_n_s32(max);
            for (; j < body; j += 4) {
                int32x4_t diff = vsubq_s32(vld1q_s32(row + j), max_v);
                int64x2_t lo = vrshlq_s64(vmull_s32(vget_low_s32(diff), m), neg_shift);
                int64x2_t hi = vrshlq_s64(vmull_high_s32(diff, vcombine_s32(m, m)), neg_shift);
                int32_t t[4];
                vst1q_s32(t, vmaxq_s32(vcombine_s32(vqmovn_s64(lo), vqmovn_s64(hi)), floor));
                for (int l = 0; l < 4; l++) {
                    out[j + l] = es_softmax_bucket_weight(buckets, t[l]);
                    sum += out[j + l];
                }
            }
        }
        for (; j < n; j++) {
            out[j] = es_softmax_bucket_weight(buckets, es_softmax_exponent(row[j], max, rq));
            sum += out[j];
        }
        sums[i] += sum;
    }
}
#endif
