// es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar with AVX-512 VNNI, 32 channels at a time: the AVX2 kernel's
// scheme (zero point folded into the bias, taps outside the map read a row of z, taps paired in int16) with
// vpdpwssd adding x_a·w_a + x_b·w_b straight into the int32 accumulators, and masked loads and stores for
// the channel tail. Exact for the same reasons; requantization is the reference's, per channel (in int32 lanes
// from the products' high halves when a block's shifts are all >= 33).
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

enum { CB = 32, CHUNK = 256 };  // channels per block; channels whose weights are prepared at a time

typedef struct {
    __m512i w_lo[5], w_hi[5];  // tap pairs (0,1) (2,3) (4,5) (6,7) (8,none), interleaved like the codes
    int32_t bias[CB], multiplier[CB], shift[CB];  // missing channels of a tail block: 0, 0, 33
    int32_t rounding[CB], high_shift[CB];           // 2^(shift − 33), shift − 32
    int high;                                       // every shift >= 33
} block_params;

ES_AVX512VNNI static void prepare_block(size_t c, size_t c0, size_t nc, const int8_t *weights, const int32_t *bias,
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
        __m512i a = _mm512_loadu_si512(w[2 * p]), b = _mm512_loadu_si512(w[2 * p + 1]);
        bp->w_lo[p] = _mm512_unpacklo_epi16(a, b);
        bp->w_hi[p] = _mm512_unpackhi_epi16(a, b);
    }
}

// nc (<= 32) outputs from the 9 taps' codes at tap[t] + off.
ES_AVX512VNNI static inline void block(const int8_t *const tap[9], size_t off, size_t nc, const block_params *bp,
                                   es_qs8_out out, int8_t *dst) {
    __mmask32 mask = nc >= CB ? ~(__mmask32)0 : (((__mmask32)1 << nc) - 1);
    __m512i x[9];
    for (size_t t = 0; t < 9; t++) x[t] = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, tap[t] + off));
    // Lanes of 128 bits: lo holds channels 0-3, 8-11, 16-19, 24-27; hi the other four of each eight.
    __m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
    for (size_t p = 0; p < 5; p++) {
        __m512i xa = x[2 * p], xb = p < 4 ? x[2 * p + 1] : x[8];
        lo = _mm512_dpwssd_epi32(lo, _mm512_unpacklo_epi16(xa, xb), bp->w_lo[p]);
        hi = _mm512_dpwssd_epi32(hi, _mm512_unpackhi_epi16(xa, xb), bp->w_hi[p]);
    }
    __m512i a = _mm512_permutex2var_epi64(lo, _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), hi);
    __m512i b = _mm512_permutex2var_epi64(lo, _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15), hi);
    a = _mm512_add_epi32(a, _mm512_loadu_si512(bp->bias));
    b = _mm512_add_epi32(b, _mm512_loadu_si512(bp->bias + 16));
    if (bp->high) {
        __m512i ma = _mm512_loadu_si512(bp->multiplier), mb = _mm512_loadu_si512(bp->multiplier + 16);
        a = es_avx512_requantize_high_epi32(a, ma, _mm512_srli_epi64(ma, 32), _mm512_loadu_si512(bp->rounding),
                                            _mm512_loadu_si512(bp->high_shift), out);
        b = es_avx512_requantize_high_epi32(b, mb, _mm512_srli_epi64(mb, 32), _mm512_loadu_si512(bp->rounding + 16),
                                            _mm512_loadu_si512(bp->high_shift + 16), out);
    } else {
        a = es_avx512_requantize_epi32(a, _mm512_loadu_si512(bp->multiplier), _mm512_loadu_si512(bp->shift), out);
        b = es_avx512_requantize_epi32(b, _mm512_loadu_si512(bp->multiplier + 16), _mm512_loadu_si512(bp->shift + 16), out);
    }
    __m256i bytes = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm512_cvtsepi32_epi8(a)), _mm512_cvtsepi32_epi8(b), 1);
    _mm256_mask_storeu_epi8(dst, mask, bytes);
}

ES_AVX512VNNI void es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_avx512vnni(size_t h, size_t w, size_t c, size_t first_row,
                                                                 size_t rows, const int8_t *x, int32_t x_zero_point,
                                                                 const int8_t *weights, const int32_t *bias,
                                                                 const es_requant *requant, es_qs8_out out, int8_t *y) {
    int8_t zrow[CHUNK];
    memset(zrow, (int8_t)x_zero_point, sizeof zrow);
    block_params bp[CHUNK / CB];
    for (size_t c0 = 0; c0 < c; c0 += CHUNK) {
        size_t cc = c - c0 < CHUNK ? c - c0 : CHUNK;
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
                for (size_t off = 0; off < cc; off += CB) block(tap, off, cc - off, &bp[off / CB], out, dst + off);
            }
        }
    }
}
#endif
