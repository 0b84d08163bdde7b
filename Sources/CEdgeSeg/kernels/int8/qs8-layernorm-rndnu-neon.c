// es_qs8_layernorm_rndnu_scalar with NEON, each step the reference's exact integer operation. Row statistics: Σq
// and Σq² by widening adds and multiplies, then the reference's root and division (qs8-layernorm.h). Channels four
// at a time in int64 lanes (SMULL): z = round(d · inv / 2^z_shift) and
// clamp(z_y + round((z · multiplier + offset) / 2^shift)), each rounding one SRSHL (floor((x + 2^(s−1)) / 2^s), no
// overflow). inv = 2^31 (the root is 2^30) does not fit SMULL's int32, so it is taken as 2^30 with z_shift − 1.
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"
#include "qs8-layernorm.h"

static es_layernorm_row row_stats_neon(size_t channels, const int8_t *x, uint64_t eps_term) {
    int32x4_t s1 = vdupq_n_s32(0), s2 = vdupq_n_s32(0);
    for (size_t c = 0; c < channels; c += 16) {
        int8x16_t q = es_load_s8_upto16(x + c, channels - c);  // zeros past the row add nothing
        s1 = vpadalq_s16(s1, vpaddlq_s8(q));
        s2 = vpadalq_s16(s2, vmull_s8(vget_low_s8(q), vget_low_s8(q)));  // q² <= 2^14 fits int16
        s2 = vpadalq_s16(s2, vmull_high_s8(q, q));
    }
    return es_layernorm_row_from_sums((int64_t)channels, vaddvq_s32(s1), vaddvq_s32(s2), eps_term);
}

// Four channels of the row: d = n·q − Σq in q (int32), per_channel[0..4) as SMULL and SRSHL want them.
static inline int32x4_t channels4(int32x4_t d, int32x4_t inv, int64x2_t neg_z_shift, const es_qs8_layernorm_channel *ch,
                                  es_qs8_out out) {
    int64x2_t z_lo = vrshlq_s64(vmull_s32(vget_low_s32(d), vget_low_s32(inv)), neg_z_shift);
    int64x2_t z_hi = vrshlq_s64(vmull_high_s32(d, inv), neg_z_shift);
    int32x4_t z = vcombine_s32(vmovn_s64(z_lo), vmovn_s64(z_hi));  // Q24, |z| < 2^30
    int32x4x4_t p = vld4q_s32((const int32_t *)ch);  // multiplier, shift, offset low and high halves
    int64x2_t offset_lo = vreinterpretq_s64_s32(vzip1q_s32(p.val[2], p.val[3]));
    int64x2_t offset_hi = vreinterpretq_s64_s32(vzip2q_s32(p.val[2], p.val[3]));
    int32x4_t neg_shift = vnegq_s32(p.val[1]);
    int64x2_t v_lo = vaddq_s64(vmull_s32(vget_low_s32(z), vget_low_s32(p.val[0])), offset_lo);
    int64x2_t v_hi = vaddq_s64(vmull_high_s32(z, p.val[0]), offset_hi);
    return es_round_shift_clamp_s64x4(v_lo, v_hi, vmovl_s32(vget_low_s32(neg_shift)), vmovl_high_s32(neg_shift), out);
}

void es_qs8_layernorm_rndnu_neon(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                 const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    _Static_assert(sizeof(es_qs8_layernorm_channel) == 16, "vld4q_s32 reads four channels as 4 × 4 int32");
    size_t full = channels / 16 * 16;
    es_qs8_layernorm_channel tail[16];  // the channels past the last full 16, then harmless ones
    for (size_t c = 0; c < 16; c++) tail[c] = full + c < channels ? per_channel[full + c] : (es_qs8_layernorm_channel){0, 1, 0};
    for (size_t r = 0; r < rows; r++) {
        const int8_t *xr = x + r * channels;
        int8_t *yr = y + r * channels;
        es_layernorm_row row = row_stats_neon(channels, xr, eps_term);
        int inv_is_2_31 = row.inv == ((int64_t)1 << 31);
        const int32x4_t inv = vdupq_n_s32((int32_t)(inv_is_2_31 ? (int64_t)1 << 30 : row.inv));
        const int64x2_t neg_z_shift = vdupq_n_s64(-(int64_t)(row.z_shift - (uint32_t)inv_is_2_31));
        const int32x4_t sum = vdupq_n_s32((int32_t)row.sum);
        const int16_t n = (int16_t)row.n;  // <= 4096
        for (size_t c = 0; c < channels; c += 16) {
            size_t count = channels - c < 16 ? channels - c : 16;
            const es_qs8_layernorm_channel *ch = count == 16 ? per_channel + c : tail;
            int8x16_t q = es_load_s8_upto16(xr + c, count);
            int16x8_t q_lo = vmovl_s8(vget_low_s8(q)), q_hi = vmovl_high_s8(q);
            int32x4_t d[4] = {vsubq_s32(vmull_n_s16(vget_low_s16(q_lo), n), sum), vsubq_s32(vmull_high_n_s16(q_lo, n), sum),
                              vsubq_s32(vmull_n_s16(vget_low_s16(q_hi), n), sum), vsubq_s32(vmull_high_n_s16(q_hi, n), sum)};
            int32x4_t v[4];
            for (int g = 0; g < 4; g++) v[g] = channels4(d[g], inv, neg_z_shift, ch + 4 * g, out);
            int16x8_t h0 = vcombine_s16(vmovn_s32(v[0]), vmovn_s32(v[1])), h1 = vcombine_s16(vmovn_s32(v[2]), vmovn_s32(v[3]));
            es_store_s8_upto16(yr + c, vcombine_s8(vmovn_s16(h0), vmovn_s16(h1)), count);
        }
    }
}
#endif
