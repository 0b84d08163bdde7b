// es_qs8_layernorm_rndnu_scalar with AVX-512: the row statistics are the reference's (qs8-layernorm.h); the
// channels go eight at a time in int64 lanes, each step the reference's exact integer operation:
// z = round(d · inv / 2^z_shift) (d fits int32; inv <= 2^31, exactly 2^31 only when the root is 2^30, taken as
// a shift), then clamp(z_y + round((z · multiplier + offset) / 2^shift)) with per-lane shifts.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs8-layernorm.h"

// The per-channel parameters of the `lanes` (<= 8) channels at p (es_qs8_layernorm_channel is {multiplier,
// shift, offset}: two int64 words): multiplier | shift << 32 in one vector, offset in another.
ES_AVX512 static inline void load_channels(const es_qs8_layernorm_channel *p, size_t lanes, __m512i *ms, __m512i *offset) {
    const int64_t *words = (const int64_t *)p;
    size_t first = lanes < 4 ? lanes : 4, second = lanes - first;
    __m512i a = _mm512_maskz_loadu_epi64((__mmask8)((1u << (2 * first)) - 1), words);
    __m512i b = _mm512_maskz_loadu_epi64((__mmask8)((1u << (2 * second)) - 1), words + 8);
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    *ms = _mm512_permutex2var_epi64(a, even, b);
    *offset = _mm512_permutex2var_epi64(a, odd, b);
}

ES_AVX512 static void layernorm_row(size_t channels, const int8_t *x, uint64_t eps_term,
                                    const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    es_layernorm_row row = es_layernorm_row_stats(channels, x, eps_term);
    const __m512i n = _mm512_set1_epi64(row.n), sum = _mm512_set1_epi64(row.sum), inv = _mm512_set1_epi64(row.inv);
    const __m128i z_shift = _mm_cvtsi32_si128((int)row.z_shift);
    const __m512i z_half = _mm512_set1_epi64((int64_t)1 << (row.z_shift - 1));
    const int inv_is_2_31 = row.inv == ((int64_t)1 << 31);
    for (size_t c = 0; c < channels; c += 8) {
        size_t lanes = channels - c < 8 ? channels - c : 8;
        __mmask8 valid = (__mmask8)((1u << lanes) - 1);
        __m512i q = _mm512_cvtepi8_epi64(_mm_maskz_loadu_epi8((__mmask16)valid, x + c));
        __m512i d = _mm512_sub_epi64(_mm512_mul_epi32(n, q), sum);  // n·q fits int32; |d| < 2^20
        __m512i product = inv_is_2_31 ? _mm512_slli_epi64(d, 31) : _mm512_mul_epi32(d, inv);
        __m512i z = _mm512_sra_epi64(_mm512_add_epi64(product, z_half), z_shift);  // Q24, |z| < 2^30
        __m512i ms, offset;
        load_channels(per_channel + c, lanes, &ms, &offset);
        __m512i v = _mm512_add_epi64(_mm512_mul_epi32(z, ms), offset);
        __m512i r = es_avx512_round_shift_clamp_epi64(v, _mm512_srli_epi64(ms, 32), out);
        _mm_mask_storeu_epi8(y + c, (__mmask16)valid, _mm512_cvtepi64_epi8(r));
    }
}

ES_AVX512 void es_qs8_layernorm_rndnu_avx512(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                             const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    for (size_t r = 0; r < rows; r++) layernorm_row(channels, x + r * channels, eps_term, per_channel, out, y + r * channels);
}
#endif
