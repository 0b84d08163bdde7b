// es_qs8_layernorm_rndnu_scalar with AVX-512, each step the reference's exact integer operation. Row statistics:
// Σq and Σq² by vpmaddwd, the normalising power of four from the bit length (the reference's loop), then the
// reference's root and division (qs8-layernorm.h). Channels sixteen at a time: d = n·q − Σq in int32 lanes
// (|d| < 2^20), then z = round(d · inv / 2^z_shift) (inv <= 2^31, exactly 2^31 only when the root is 2^30, taken as
// a shift) and clamp(z_y + round((z · multiplier + offset) / 2^shift)) in int64 lanes, even and odd channels
// apart (vpmuldq), with the channels' parameters laid out that way once per call.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs8-layernorm.h"

enum { MAX_CHANNELS = 512 };

// Sixteen channels' parameters, [0] the even channels, [1] the odd ones. Channels past the end: multiplier 0.
typedef struct {
    int64_t multiplier[2][8], shift[2][8], half[2][8], offset[2][8];
} channel_block;

ES_AVX512 static es_layernorm_row row_stats_avx512(size_t channels, const int8_t *x, uint64_t eps_term) {
    __m512i s1 = _mm512_setzero_si512(), s2 = _mm512_setzero_si512();
    const __m512i ones = _mm512_set1_epi16(1);
    for (size_t c = 0; c < channels; c += 32) {
        __m512i q = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8((__mmask32)es_mask64(channels - c), x + c));
        s1 = _mm512_add_epi32(s1, _mm512_madd_epi16(q, ones));
        s2 = _mm512_add_epi32(s2, _mm512_madd_epi16(q, q));  // Σq² <= 4096 · 2^14 fits int32
    }
    int64_t n = (int64_t)channels, sum = _mm512_reduce_add_epi32(s1), squares = _mm512_reduce_add_epi32(s2);
    es_layernorm_row row = {n, sum, 0, 1};
    uint64_t d_total = (uint64_t)(n * squares - sum * sum);
    if (d_total != 0) {
        uint64_t v = (d_total << 22) + eps_term;                        // [2^22, 2^62)
        uint32_t top = 63 - (uint32_t)__builtin_clzll(v);                // the least j with v·4^j >= 2^60
        uint32_t j = top >= 60 ? 0 : (61 - top) / 2;
        uint64_t root = es_isqrt_u64(v << 2 * j);
        row.inv = (int64_t)((((uint64_t)1 << 61) + root / 2) / root);
        row.z_shift = 26 - j;
    }
    return row;
}

ES_AVX512 void es_qs8_layernorm_rndnu_avx512(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                             const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    if (channels > MAX_CHANNELS) {
        es_qs8_layernorm_rndnu_scalar(rows, channels, x, eps_term, per_channel, out, y);
        return;
    }
    channel_block blocks[MAX_CHANNELS / 16];
    size_t nblocks = (channels + 15) / 16;
    for (size_t c = 0; c < nblocks * 16; c++) {
        es_qs8_layernorm_channel ch = c < channels ? per_channel[c] : (es_qs8_layernorm_channel){0, 1, 0};
        channel_block *b = &blocks[c / 16];
        size_t parity = c % 2, lane = c % 16 / 2;
        b->multiplier[parity][lane] = ch.multiplier;
        b->shift[parity][lane] = ch.shift;
        b->half[parity][lane] = (int64_t)1 << (ch.shift - 1);
        b->offset[parity][lane] = ch.offset;
    }
    const __m512i lo = _mm512_set1_epi64((int64_t)out.min - out.zero_point);
    const __m512i hi = _mm512_set1_epi64((int64_t)out.max - out.zero_point);
    const __m512i zero_point = _mm512_set1_epi32(out.zero_point);
    for (size_t r = 0; r < rows; r++) {
        const int8_t *xr = x + r * channels;
        int8_t *yr = y + r * channels;
        es_layernorm_row row = row_stats_avx512(channels, xr, eps_term);
        const __m512i n = _mm512_set1_epi32((int32_t)row.n), sum = _mm512_set1_epi32((int32_t)row.sum);
        const __m512i inv = _mm512_set1_epi64(row.inv);
        const __m128i z_shift = _mm_cvtsi32_si128((int)row.z_shift);
        const __m512i z_half = _mm512_set1_epi64((int64_t)1 << (row.z_shift - 1));
        const int inv_is_2_31 = row.inv == ((int64_t)1 << 31);
        for (size_t b = 0; b < nblocks; b++) {
            __mmask16 lanes = es_mask16(channels - 16 * b);
            __m512i q = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(lanes, xr + 16 * b));
            __m512i d = _mm512_sub_epi32(_mm512_mullo_epi32(n, q), sum);
            __m512i half_d[2] = {_mm512_srai_epi64(_mm512_slli_epi64(d, 32), 32), _mm512_srai_epi64(d, 32)};
            const channel_block *cb = &blocks[b];
            __m512i result[2];
            for (int o = 0; o < 2; o++) {
                __m512i product = inv_is_2_31 ? _mm512_slli_epi64(half_d[o], 31) : _mm512_mul_epi32(half_d[o], inv);
                __m512i z = _mm512_sra_epi64(_mm512_add_epi64(product, z_half), z_shift);  // Q24, |z| < 2^30
                __m512i v = _mm512_add_epi64(_mm512_mul_epi32(z, _mm512_loadu_si512(cb->multiplier[o])),
                                             _mm512_loadu_si512(cb->offset[o]));
                v = _mm512_srav_epi64(_mm512_add_epi64(v, _mm512_loadu_si512(cb->half[o])), _mm512_loadu_si512(cb->shift[o]));
                result[o] = _mm512_min_epi64(_mm512_max_epi64(v, lo), hi);
            }
            __m512i both = _mm512_mask_shuffle_epi32(result[0], 0xAAAA, result[1], (_MM_PERM_ENUM)0xA0);
            _mm_mask_storeu_epi8(yr + 16 * b, lanes, _mm512_cvtepi32_epi8(_mm512_add_epi32(both, zero_point)));
        }
    }
}
#endif
