// es_qs8_layernorm_rndnu_scalar with AVX2, each step the reference's exact integer operation. Row statistics: Σq and
// Σq² by vpmaddwd, then the reference's root and division (qs8-layernorm.h). Channels eight at a time, even and odd
// channels apart in int64 lanes (vpmuldq):
// - z = round(d · inv / 2^z_shift), |d · inv| < 2^51: 2^52 (a multiple of 2^z_shift) is added so that a logical
//   shift floors, and taken off again in int32 lanes (|z| < 2^30). inv = 2^31 (the root is 2^30) does not fit
//   vpmuldq, so it is taken as 2^30 with z_shift − 1.
// - clamp(z_y + round((z · multiplier + offset) / 2^shift)): the int64 sum with 2^(shift−1) added, then its high
//   int32 shifted by shift − 32 (floor(floor(x / 2^32) / 2^(s−32)) = floor(x / 2^s)) in int32 lanes, so every shift
//   must be 32 or more: the init's are (gamma / out_scale / 2^24 < 2^-2 gives shift >= 33); any other call takes
//   the scalar kernel.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs8-layernorm.h"

enum { MAX_CHANNELS = 512 };

// Eight channels' parameters: [0] the even channels, [1] the odd ones (in the low int32 of int64 lanes for
// vpmuldq). Channels past the end: multiplier 0.
typedef struct {
    int64_t multiplier[2][4];
    int64_t offset_half[2][4];  // offset + 2^(shift − 1)
    int32_t high_shift[8];      // shift − 32, channel order
} channel_block;

// Eight int8 (channels past `count` read as 0) as int32 lanes.
ES_AVX2 static inline __m256i load8(const int8_t *x, size_t count) {
    if (count >= 8) return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)x));
    int8_t buf[8] = {0};
    memcpy(buf, x, count);
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)buf));
}

ES_AVX2 static es_layernorm_row row_stats_avx2(size_t channels, const int8_t *x, uint64_t eps_term) {
    __m256i s1 = _mm256_setzero_si256(), s2 = _mm256_setzero_si256();
    const __m256i ones = _mm256_set1_epi16(1);
    for (size_t c = 0; c < channels; c += 16) {
        __m128i bytes;
        if (channels - c >= 16) {
            bytes = _mm_loadu_si128((const __m128i *)(x + c));
        } else {
            int8_t buf[16] = {0};
            memcpy(buf, x + c, channels - c);
            bytes = _mm_loadu_si128((const __m128i *)buf);
        }
        __m256i q = _mm256_cvtepi8_epi16(bytes);
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(q, ones));
        s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(q, q));  // Σq² <= 4096 · 2^14 fits int32
    }
    __m256i both = _mm256_hadd_epi32(s1, s2);  // per 128-bit half: s1 pairs, s2 pairs
    __m128i sums = _mm_add_epi32(_mm256_castsi256_si128(both), _mm256_extracti128_si256(both, 1));
    sums = _mm_hadd_epi32(sums, sums);  // [Σq, Σq², ...]
    return es_layernorm_row_from_sums((int64_t)channels, _mm_cvtsi128_si32(sums), _mm_extract_epi32(sums, 1), eps_term);
}

ES_AVX2 void es_qs8_layernorm_rndnu_avx2(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                         const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    int high = channels <= MAX_CHANNELS;
    for (size_t c = 0; c < channels && high; c++) high = per_channel[c].shift >= 32;
    if (!high) {
        es_qs8_layernorm_rndnu_scalar(rows, channels, x, eps_term, per_channel, out, y);
        return;
    }
    channel_block blocks[MAX_CHANNELS / 8];
    size_t nblocks = (channels + 7) / 8;
    for (size_t c = 0; c < nblocks * 8; c++) {
        es_qs8_layernorm_channel ch = c < channels ? per_channel[c] : (es_qs8_layernorm_channel){0, 32, 0};
        channel_block *b = &blocks[c / 8];
        size_t parity = c % 2, lane = c % 8 / 2;
        b->multiplier[parity][lane] = ch.multiplier;
        b->offset_half[parity][lane] = ch.offset + ((int64_t)1 << (ch.shift - 1));
        b->high_shift[c % 8] = ch.shift - 32;
    }
    const __m256i lo = _mm256_set1_epi32(out.min - out.zero_point), hi = _mm256_set1_epi32(out.max - out.zero_point);
    const __m256i zero_point = _mm256_set1_epi32(out.zero_point);
    for (size_t r = 0; r < rows; r++) {
        const int8_t *xr = x + r * channels;
        int8_t *yr = y + r * channels;
        es_layernorm_row row = row_stats_avx2(channels, xr, eps_term);
        int inv_is_2_31 = row.inv == ((int64_t)1 << 31);
        uint32_t z_shift = row.z_shift - (uint32_t)inv_is_2_31;
        const __m256i n = _mm256_set1_epi32((int32_t)row.n), sum = _mm256_set1_epi32((int32_t)row.sum);
        const __m256i inv = _mm256_set1_epi64x(inv_is_2_31 ? (int64_t)1 << 30 : row.inv);
        const __m256i z_round = _mm256_set1_epi64x(((int64_t)1 << 52) + ((int64_t)1 << (z_shift - 1)));
        const __m256i z_bias = _mm256_set1_epi32(z_shift > 20 ? (int32_t)((uint32_t)1 << (52 - z_shift)) : 0);  // 2^(52 − z_shift) mod 2^32 (unsigned: 2^31 is no int32)
        const __m128i z_count = _mm_cvtsi32_si128((int)z_shift);
        for (size_t b = 0; b < nblocks; b++) {
            size_t count = channels - 8 * b;
            __m256i d = _mm256_sub_epi32(_mm256_mullo_epi32(n, load8(xr + 8 * b, count)), sum);
            __m256i z_even = _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epi32(d, inv), z_round), z_count);
            __m256i z_odd = _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(d, 32), inv), z_round), z_count);
            __m256i z = _mm256_sub_epi32(_mm256_blend_epi32(z_even, _mm256_slli_epi64(z_odd, 32), 0xAA), z_bias);  // Q24
            const channel_block *cb = &blocks[b];
            __m256i v_even = _mm256_add_epi64(_mm256_mul_epi32(z, _mm256_loadu_si256((const __m256i *)cb->multiplier[0])),
                                              _mm256_loadu_si256((const __m256i *)cb->offset_half[0]));
            __m256i v_odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(z, 32), _mm256_loadu_si256((const __m256i *)cb->multiplier[1])),
                                             _mm256_loadu_si256((const __m256i *)cb->offset_half[1]));
            __m256i top = _mm256_blend_epi32(_mm256_srli_epi64(v_even, 32), v_odd, 0xAA);
            __m256i q = _mm256_srav_epi32(top, _mm256_loadu_si256((const __m256i *)cb->high_shift));
            q = _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(q, lo), hi), zero_point);
            __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
            __m128i bytes = _mm_packs_epi16(w, w);
            if (count >= 8) {
                _mm_storel_epi64((__m128i *)(yr + 8 * b), bytes);
            } else {
                int8_t buf[16];
                _mm_storeu_si128((__m128i *)buf, bytes);
                memcpy(yr + 8 * b, buf, count);
            }
        }
    }
}
#endif
