// es_qu8_pv_scalar for ARMv8.2 NEON with dot product (Cortex-A76). SDOT multiplies signed bytes only, and
// it sums groups of 4 along a row while P·V sums down the columns of V, so:
//  - weights are biased to signed bytes, p' = p − 128 (p XOR 0x80), and the bias comes back as column sums:
//      Σ_j p·(v − z_v) = Σ_j p'·v + 128·Σ_j v[j,c] − z_v·Σ_j p
//  - each group of 4 value rows × 16 channels is transposed by two rounds of ZIP into 4 vectors of
//    (4 channels × 4 keys), and SDOT by lane multiplies each with 4 weights of a query.
// Tiles of 4 queries × 16 channels; all sums are int32 modulo 2^32 whose true total (|o| < 2^31) is the
// reference's. Keys past the end get weight p' = 0 and read a real row, so they add nothing.
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"

enum { MR = 4 };

// Weights p[0..count) (count <= 16) as p − 128; missing keys get 0.
static inline int8x16_t load_biased_weights(const uint8_t *p, size_t count) {
    uint8_t buf[16];
    if (count < 16) {
        memset(buf, 128, sizeof buf);
        memcpy(buf, p, count);
        p = buf;
    }
    return vreinterpretq_s8_u8(veorq_u8(vld1q_u8(p), vdupq_n_u8(0x80)));
}

// Σ p[0..n) (<= 255·n).
static inline uint32_t weight_sum(const uint8_t *p, size_t n) {
    uint32x4_t acc = vdupq_n_u32(0);
    size_t j = 0;
    for (; j + 16 <= n; j += 16) acc = vpadalq_u16(acc, vpaddlq_u8(vld1q_u8(p + j)));
    uint32_t sum = vaddvq_u32(acc);
    for (; j < n; j++) sum += p[j];
    return sum;
}

// Rows r[0..3] (16 channels each) → t[q] = channels 4q..4q+3, each as its 4 keys' bytes.
static inline void transpose_4x16(const int8x16_t r[4], int8x16_t t[4]) {
    int8x16_t z01lo = vzip1q_s8(r[0], r[1]), z01hi = vzip2q_s8(r[0], r[1]);
    int8x16_t z23lo = vzip1q_s8(r[2], r[3]), z23hi = vzip2q_s8(r[2], r[3]);
    t[0] = vreinterpretq_s8_s16(vzip1q_s16(vreinterpretq_s16_s8(z01lo), vreinterpretq_s16_s8(z23lo)));
    t[1] = vreinterpretq_s8_s16(vzip2q_s16(vreinterpretq_s16_s8(z01lo), vreinterpretq_s16_s8(z23lo)));
    t[2] = vreinterpretq_s8_s16(vzip1q_s16(vreinterpretq_s16_s8(z01hi), vreinterpretq_s16_s8(z23hi)));
    t[3] = vreinterpretq_s8_s16(vzip2q_s16(vreinterpretq_s16_s8(z01hi), vreinterpretq_s16_s8(z23hi)));
}

// Keys j + 4L .. j + 4L + 3 (rows past nk read row nk − 1; their weights are 0) into the tile.
#define ES_PV_DOT_GROUP(L)                                                                              \
    do {                                                                                                \
        if (4 * (L) < kn) {                                                                             \
            int8x16_t rows[4], t[4];                                                                    \
            for (size_t g = 0; g < 4; g++) {                                                            \
                size_t key = j + 4 * (L) + g < nk ? j + 4 * (L) + g : nk - 1;                           \
                rows[g] = es_load_s8_upto16(v + key * v_stride + c0, cn);                               \
            }                                                                                           \
            transpose_4x16(rows, t);                                                                    \
            for (int r = 0; r < MR; r++)                                                                \
                for (int q = 0; q < 4; q++) acc[r][q] = vdotq_laneq_s32(acc[r][q], t[q], pw[r], (L));   \
        }                                                                                               \
    } while (0)

ES_NEONDOT void es_qu8_pv_neondot(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride,
                                  const int8_t *v, size_t v_stride, int32_t v_zero_point, int32_t *o,
                                  size_t o_stride) {
    for (size_t c0 = 0; c0 < d; c0 += 16) {
        size_t cn = d - c0 < 16 ? d - c0 : 16;
        // 128·Σ_j v[j,c] for this chunk's channels.
        int32x4_t column[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
        for (size_t j = 0; j < nk; j++) {
            int8x16_t x = es_load_s8_upto16(v + j * v_stride + c0, cn);
            int16x8_t lo = vmovl_s8(vget_low_s8(x)), hi = vmovl_high_s8(x);
            column[0] = vaddw_s16(column[0], vget_low_s16(lo));
            column[1] = vaddw_high_s16(column[1], lo);
            column[2] = vaddw_s16(column[2], vget_low_s16(hi));
            column[3] = vaddw_high_s16(column[3], hi);
        }
        for (int q = 0; q < 4; q++) column[q] = vshlq_n_s32(column[q], 7);
        for (size_t i0 = 0; i0 < nq; i0 += MR) {
            size_t mr = nq - i0 < MR ? nq - i0 : MR;
            const uint8_t *pr[MR];
            int32x4_t acc[MR][4];
            for (size_t r = 0; r < MR; r++) {
                size_t i = i0 + (r < mr ? r : mr - 1);
                pr[r] = p + i * p_stride;
                es_load_s32_upto16(o + i * o_stride + c0, cn, acc[r]);
                // + 128·Σ v − z_v·Σ_j p[i,j]
                int32_t row = (int32_t)(0u - (uint32_t)v_zero_point * weight_sum(pr[r], nk));
                for (int q = 0; q < 4; q++) acc[r][q] = vaddq_s32(acc[r][q], vaddq_s32(column[q], vdupq_n_s32(row)));
            }
            for (size_t j = 0; j < nk; j += 16) {
                size_t kn = nk - j < 16 ? nk - j : 16;
                int8x16_t pw[MR];
                for (int r = 0; r < MR; r++) pw[r] = load_biased_weights(pr[r] + j, kn);
                ES_PV_DOT_GROUP(0);
                ES_PV_DOT_GROUP(1);
                ES_PV_DOT_GROUP(2);
                ES_PV_DOT_GROUP(3);
            }
            for (size_t r = 0; r < mr; r++) es_store_s32_upto16(o + (i0 + r) * o_stride + c0, cn, acc[r]);
        }
    }
}
#endif
