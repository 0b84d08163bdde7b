// es_qu8_pv_scalar for ARMv8.0 NEON: tiles of 4 queries × 16 channels held in int32 lanes while the keys
// go by. Each value row is widened once to int16 minus its zero point (|v − z_v| <= 255) and serves the 4
// queries; SMLAL by lane multiplies it by a weight (<= 255, so int16 too) into int32: exact products, int32
// sums in a different order than the reference's, which is the same sum (|o| stays below 2^31).
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"
#include "qs8-gemm-tile.h"

enum { MR = 4 };

// Value row j's chunk minus the zero point, as two int16x8.
static inline void load_v(const int8_t *v, size_t count, int16x8_t zv, int16x8_t vv[2]) {
    int8x16_t x = es_load_s8_upto16(v, count);
    vv[0] = vsubq_s16(vmovl_s8(vget_low_s8(x)), zv);
    vv[1] = vsubq_s16(vmovl_high_s8(x), zv);
}

#define ES_PV_LANE(L)                                                                              \
    do {                                                                                           \
        load_v(v + (j + L) * v_stride + c0, cn, zv, vv);                                           \
        for (int r = 0; r < MR; r++) {                                                             \
            acc[r][0] = vmlal_laneq_s16(acc[r][0], vget_low_s16(vv[0]), pw[r], L);                 \
            acc[r][1] = vmlal_high_laneq_s16(acc[r][1], vv[0], pw[r], L);                          \
            acc[r][2] = vmlal_laneq_s16(acc[r][2], vget_low_s16(vv[1]), pw[r], L);                 \
            acc[r][3] = vmlal_high_laneq_s16(acc[r][3], vv[1], pw[r], L);                          \
        }                                                                                          \
    } while (0)

void es_qu8_pv_neon(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                    size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride) {
    const int16x8_t zv = vdupq_n_s16((int16_t)v_zero_point);
    for (size_t i0 = 0; i0 < nq; i0 += MR) {
        size_t mr = nq - i0 < MR ? nq - i0 : MR;
        const uint8_t *pr[MR];
        for (size_t r = 0; r < MR; r++) pr[r] = p + (i0 + (r < mr ? r : mr - 1)) * p_stride;
        for (size_t c0 = 0; c0 < d; c0 += 16) {
            size_t cn = d - c0 < 16 ? d - c0 : 16;
            int32x4_t acc[MR][4];
            for (size_t r = 0; r < MR; r++) es_load_s32_upto16(o + (i0 + (r < mr ? r : mr - 1)) * o_stride + c0, cn, acc[r]);
            int16x8_t vv[2], pw[MR];
            size_t j = 0;
            for (; j + 8 <= nk; j += 8) {
                for (size_t r = 0; r < MR; r++) pw[r] = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(pr[r] + j)));
                ES_PV_LANE(0); ES_PV_LANE(1); ES_PV_LANE(2); ES_PV_LANE(3);
                ES_PV_LANE(4); ES_PV_LANE(5); ES_PV_LANE(6); ES_PV_LANE(7);
            }
            for (; j < nk; j++) {
                for (size_t r = 0; r < MR; r++) pw[r] = vdupq_n_s16(pr[r][j]);
                ES_PV_LANE(0);
            }
            for (size_t r = 0; r < mr; r++) es_store_s32_upto16(o + (i0 + r) * o_stride + c0, cn, acc[r]);
        }
    }
}
#endif
