// es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar with AVX2, 16 channels at a time. The zero point is folded into
// the bias (bias − z·Σ_9 w) and a tap outside the map reads a row of z instead, so it adds z·w − z·w = 0:
// every pixel runs the same code. Taps are paired: codes and weights widened to int16 and interleaved, so
// vpmaddwd gives x_a·w_a + x_b·w_b (|.| <= 2·128·128) in int32. int32 sums modulo 2^32 whose true value fits
// (the reference's bound) are exact, and requantization is the reference's, per channel (in int32 lanes from the
// products' high halves when a block's shifts are all >= 33).
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

enum { CB = 16, CHUNK = 256 };  // channels per block; channels whose weights are prepared at a time

typedef struct {
    __m256i w_lo[5], w_hi[5];  // tap pairs (0,1) (2,3) (4,5) (6,7) (8,none), interleaved like the codes
    int32_t bias[CB], multiplier[CB], shift[CB];  // missing channels of a tail block: 0, 0, 33
    int32_t rounding[CB], high_shift[CB];           // 2^(shift − 33), shift − 32
    int high;                                       // every shift >= 33
} block_params;

ES_AVX2 static void prepare_block(size_t c, size_t c0, size_t nc, const int8_t *weights, const int32_t *bias,
                                  const es_requant *requant, int32_t x_zero_point, block_params *bp) {
    int16_t w[10][CB] = {{0}};
    for (size_t l = 0; l < CB; l++) {
        int32_t sum = 0;
        for (size_t t = 0; t < 9 && l < nc; t++) {
            w[t][l] = weights[t * c + c0 + l];
            sum += w[t][l];
        }
        uint32_t b = l < nc && bias ? (uint32_t)bias[c0 + l] : 0;
        bp->bias[l] = (int32_t)(b - (uint32_t)(x_zero_point * sum));
        bp->multiplier[l] = l < nc ? requant[c0 + l].multiplier : 0;
        bp->shift[l] = l < nc ? requant[c0 + l].shift : 33;
        bp->rounding[l] = bp->shift[l] >= 33 ? (int32_t)1 << (bp->shift[l] - 33) : 0;
        bp->high_shift[l] = bp->shift[l] - 32;
    }
    bp->high = 1;
    for (size_t l = 0; l < CB; l++) bp->high &= bp->shift[l] >= 33;
    for (size_t p = 0; p < 5; p++) {
        __m256i a = _mm256_loadu_si256((const __m256i *)w[2 * p]), b = _mm256_loadu_si256((const __m256i *)w[2 * p + 1]);
        bp->w_lo[p] = _mm256_unpacklo_epi16(a, b);
        bp->w_hi[p] = _mm256_unpackhi_epi16(a, b);
    }
}

// 16 outputs from the 9 taps' codes at tap[t] + off.
ES_AVX2 static inline __m128i block(const int8_t *const tap[9], size_t off, const block_params *bp, es_qs8_out out) {
    __m256i x[9];
    for (size_t t = 0; t < 9; t++) x[t] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(tap[t] + off)));
    __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();  // channels 0-3, 8-11 | 4-7, 12-15
    for (size_t p = 0; p < 5; p++) {
        __m256i xa = x[2 * p], xb = p < 4 ? x[2 * p + 1] : x[8];
        lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(xa, xb), bp->w_lo[p]));
        hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(xa, xb), bp->w_hi[p]));
    }
    __m256i a = _mm256_permute2x128_si256(lo, hi, 0x20), b = _mm256_permute2x128_si256(lo, hi, 0x31);
    a = _mm256_add_epi32(a, _mm256_loadu_si256((const __m256i *)bp->bias));
    b = _mm256_add_epi32(b, _mm256_loadu_si256((const __m256i *)(bp->bias + 8)));
    const __m256i ma = _mm256_loadu_si256((const __m256i *)bp->multiplier);
    const __m256i mb = _mm256_loadu_si256((const __m256i *)(bp->multiplier + 8));
    if (bp->high) {
        a = es_avx2_requantize_high_epi32(a, ma, _mm256_srli_epi64(ma, 32), _mm256_loadu_si256((const __m256i *)bp->rounding),
                                          _mm256_loadu_si256((const __m256i *)bp->high_shift), out);
        b = es_avx2_requantize_high_epi32(b, mb, _mm256_srli_epi64(mb, 32), _mm256_loadu_si256((const __m256i *)(bp->rounding + 8)),
                                          _mm256_loadu_si256((const __m256i *)(bp->high_shift + 8)), out);
    } else {
        a = es_avx2_requantize_epi32(a, ma, _mm256_loadu_si256((const __m256i *)bp->shift), out);
        b = es_avx2_requantize_epi32(b, mb, _mm256_loadu_si256((const __m256i *)(bp->shift + 8)), out);
    }
    return es_avx2_pack_epi32_epi8(a, b);
}

ES_AVX2 void es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_avx2(size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                                                     const int8_t *x, int32_t x_zero_point, const int8_t *weights,
                                                     const int32_t *bias, const es_requant *requant, es_qs8_out out,
                                                     int8_t *y) {
    int8_t zrow[CHUNK];
    memset(zrow, (int8_t)x_zero_point, sizeof zrow);
    block_params bp[CHUNK / CB];
    for (size_t c0 = 0; c0 < c; c0 += CHUNK) {
        size_t cc = c - c0 < CHUNK ? c - c0 : CHUNK, full = cc / CB * CB;
        for (size_t b = 0; b * CB < cc; b++) {
            size_t nc = cc - b * CB < CB ? cc - b * CB : CB;
            prepare_block(c, c0 + b * CB, nc, weights, bias, requant, x_zero_point, &bp[b]);
        }
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            for (size_t ox = 0; ox < w; ox++) {
                const int8_t *tap[9];
                for (size_t ky = 0; ky < 3; ky++) {
                    for (size_t kx = 0; kx < 3; kx++) {
                        int inside = oy + ky >= 1 && oy + ky <= h && ox + kx >= 1 && ox + kx <= w;
                        tap[ky * 3 + kx] = inside ? x + ((oy + ky - 1) * w + (ox + kx - 1)) * c + c0 : zrow;
                    }
                }
                int8_t *dst = y + ((oy - first_row) * w + ox) * c + c0;
                for (size_t off = 0; off < full; off += CB)
                    _mm_storeu_si128((__m128i *)(dst + off), block(tap, off, &bp[off / CB], out));
                if (full < cc) {  // tail: the codes copied out so that no load passes the row's end
                    int8_t buf[9][CB], res[CB];
                    const int8_t *tail[9];
                    for (size_t t = 0; t < 9; t++) {
                        memcpy(buf[t], tap[t] + full, cc - full);
                        tail[t] = buf[t];
                    }
                    _mm_storeu_si128((__m128i *)res, block(tail, 0, &bp[full / CB], out));
                    memcpy(dst + full, res, cc - full);
                }
            }
        }
    }
}
#endif
