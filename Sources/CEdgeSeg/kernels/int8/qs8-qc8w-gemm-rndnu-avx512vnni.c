// es_qs8_qc8w_gemm_rndnu_scalar with AVX-512 VNNI. vpdpbusd multiplies unsigned by signed bytes and adds
// groups of four products into int32 without saturation, so activations are biased to unsigned
// (a + 128 = a XOR 0x80) and the bias is corrected per channel:
//   Σ (a − z_a)·w = Σ (a + 128)·w − (128 + z_a)·Σ w.
// All of it is int32 arithmetic modulo 2^32 whose true result fits int32, so it equals the reference's sum
// exactly; requantization is the reference's, sixteen outputs of a row at a time once the row's block of
// channels is summed. The k tail uses masked loads (zeros contribute nothing since a masked weight is 0).
// Compiled for the baseline x86-64 with AVX-512 enabled per function.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"
#include "qs8-gemm-tile.h"


// 4×4 tiles: 16 accumulators + 4 weight vectors + 1 activation vector of the 32 zmm registers.
enum { MR = 4, NR = 4 };
// Channels per block: their bias-minus-correction terms sit on the stack, and their weights
// (NC·k bytes) stay in L2 while every row passes over them.
enum { NC = 256 };

ES_AVX512VNNI static inline __mmask64 tail_mask(size_t k, size_t p) {
    return k - p >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (k - p)) - 1);
}

// The four channel sums of one row: lanes of acc[0..3] added, as one vector.
ES_AVX512VNNI static inline __m128i sum4(const __m512i acc[NR]) {
    __m256i h[NR];
    for (size_t c = 0; c < NR; c++)
        h[c] = _mm256_add_epi32(_mm512_castsi512_si256(acc[c]), _mm512_extracti64x4_epi64(acc[c], 1));
    __m256i s = _mm256_hadd_epi32(_mm256_hadd_epi32(h[0], h[1]), _mm256_hadd_epi32(h[2], h[3]));
    return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

// bias[j] − (128 + z_a)·Σ_k w[j,k] (modulo 2^32) for channels j0 .. j0 + count.
ES_AVX512VNNI static void corrected_bias(size_t j0, size_t count, size_t k, const int8_t *w, const int32_t *bias,
                                     int32_t a_zero_point, int32_t *base) {
    const __m512i ones = _mm512_set1_epi8(1);
    const __m512i offset = _mm512_set1_epi32(128 + a_zero_point);
    for (size_t c = 0; c < count; c += 16) {
        size_t lanes = count - c < 16 ? count - c : 16;
        int32_t sums[16] = {0};
        for (size_t l = 0; l < lanes; l++) {
            const int8_t *wr = w + (j0 + c + l) * k;
            __m512i s = _mm512_setzero_si512();
            for (size_t p = 0; p < k; p += 64) s = _mm512_dpbusd_epi32(s, ones, _mm512_maskz_loadu_epi8(tail_mask(k, p), wr + p));
            sums[l] = _mm512_reduce_add_epi32(s);
        }
        __mmask16 valid = (__mmask16)((1u << lanes) - 1);
        __m512i b = bias ? _mm512_maskz_loadu_epi32(valid, bias + j0 + c) : _mm512_setzero_si512();
        __m512i corr = _mm512_mullo_epi32(offset, _mm512_loadu_si512(sums));
        _mm512_mask_storeu_epi32(base + c, valid, _mm512_sub_epi32(b, corr));
    }
}

ES_AVX512VNNI void es_qs8_qc8w_gemm_rndnu_avx512vnni(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                                 int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                                 const es_requant *requant, es_qs8_out out, int8_t *y,
                                                 size_t y_stride) {
    const __m512i sign = _mm512_set1_epi8((char)0x80);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    int32_t base[NC], multiplier[NC], shift[NC], totals[MR][NC];
    for (size_t jb = 0; jb < n; jb += NC) {
        size_t nb = n - jb < NC ? n - jb : NC;
        corrected_bias(jb, nb, k, w, bias, a_zero_point, base);
        for (size_t c = 0; c < nb; c += 16) {  // es_requant is {multiplier, shift}: split into two rows
            __mmask16 lanes = es_mask16(nb - c);
            const int32_t *words = (const int32_t *)(requant + jb + c);
            __m512i lo = _mm512_maskz_loadu_epi32(es_mask16(2 * (nb - c)), words);
            __m512i hi = _mm512_maskz_loadu_epi32(nb - c > 8 ? es_mask16(2 * (nb - c) - 16) : 0, words + 16);
            _mm512_mask_storeu_epi32(multiplier + c, lanes, _mm512_permutex2var_epi32(lo, even, hi));
            _mm512_mask_storeu_epi32(shift + c, lanes, _mm512_permutex2var_epi32(lo, odd, hi));
        }
        for (size_t i0 = 0; i0 < m; i0 += MR) {
            const int8_t *ar[MR];
            for (size_t r = 0; r < MR; r++) ar[r] = es_tile_row(a, a_stride, i0, r, m);
            size_t mr = m - i0 < MR ? m - i0 : MR;
            for (size_t j0 = jb; j0 < jb + nb; j0 += NR) {
                const int8_t *wr[NR];
                for (size_t c = 0; c < NR; c++) wr[c] = es_tile_row(w, k, j0, c, jb + nb);
                size_t nr = jb + nb - j0 < NR ? jb + nb - j0 : NR;
                __m512i acc[MR][NR];
                for (size_t r = 0; r < MR; r++)
                    for (size_t c = 0; c < NR; c++) acc[r][c] = _mm512_setzero_si512();
                for (size_t p = 0; p < k; p += 64) {
                    __mmask64 mask = tail_mask(k, p);
                    __m512i wv[NR];
                    for (size_t c = 0; c < NR; c++) wv[c] = _mm512_maskz_loadu_epi8(mask, wr[c] + p);
                    for (size_t r = 0; r < MR; r++) {
                        __m512i av = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, ar[r] + p), sign);
                        for (size_t c = 0; c < NR; c++) acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], av, wv[c]);
                    }
                }
                __m128i b = _mm_maskz_loadu_epi32((__mmask8)((1u << nr) - 1), base + (j0 - jb));
                for (size_t r = 0; r < MR; r++) _mm_storeu_si128((__m128i *)(totals[r] + (j0 - jb)), _mm_add_epi32(sum4(acc[r]), b));
            }
            for (size_t r = 0; r < mr; r++) {
                for (size_t c = 0; c < nb; c += 16) {
                    __mmask16 lanes = es_mask16(nb - c);
                    __m512i q = es_avx512_requantize_epi32(_mm512_maskz_loadu_epi32(lanes, totals[r] + c),
                                                           _mm512_maskz_loadu_epi32(lanes, multiplier + c),
                                                           _mm512_mask_loadu_epi32(_mm512_set1_epi32(1), lanes, shift + c), out);
                    _mm_mask_storeu_epi8(y + (i0 + r) * y_stride + jb + c, lanes, _mm512_cvtepi32_epi8(q));
                }
            }
        }
    }
}
#endif
