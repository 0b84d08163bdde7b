// es_qs8_ibilinear_argmax_scalar with AVX-512, 16 classes at a time in int32 lanes. The reference's int64 is
// not needed: both weight pairs sum to 2^11, so |top|, |bottom| <= 128·2^11 and |v| <= 128·2^22 = 2^29, and
// top·(2048 − fy) + bottom·fy = top·2048 + (bottom − top)·fy exactly (likewise along x), so every value is
// the reference's. Each lane keeps its first maximum (strict >) and its class; the pixel's class is the
// smallest class among the lanes holding the overall maximum, i.e. the reference's first maximum.
// Columns' taps are computed once per chunk of columns for all the rows of the call.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

enum { COLUMNS = 128 };  // output columns whose taps are kept at a time

// a·2048 + (b − a)·frac on sixteen int32 lanes.
ES_AVX512 static inline __m512i lerp(__m512i a, __m512i b, __m512i frac) {
    return _mm512_add_epi32(_mm512_slli_epi32(a, 11), _mm512_mullo_epi32(_mm512_sub_epi32(b, a), frac));
}

ES_AVX512 static inline __m512i codes(__mmask16 mask, const int8_t *p) {
    return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, p));
}

ES_AVX512 void es_qs8_ibilinear_argmax_avx512(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h,
                                              size_t out_w, size_t first_row, size_t rows, uint8_t *labels) {
    es_tap tx[COLUMNS];
    for (size_t ox0 = 0; ox0 < out_w; ox0 += COLUMNS) {
        size_t columns = out_w - ox0 < COLUMNS ? out_w - ox0 : COLUMNS;
        for (size_t i = 0; i < columns; i++) tx[i] = es_bilinear_tap(ox0 + i, in_w, out_w);
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            es_tap ty = es_bilinear_tap(oy, in_h, out_h);
            const int8_t *r0 = x + ty.i0 * in_w * c, *r1 = x + ty.i1 * in_w * c;
            __m512i fy = _mm512_set1_epi32(ty.frac);
            for (size_t i = 0; i < columns; i++) {
                __m512i fx = _mm512_set1_epi32(tx[i].frac);
                const int8_t *p00 = r0 + tx[i].i0 * c, *p01 = r0 + tx[i].i1 * c;
                const int8_t *p10 = r1 + tx[i].i0 * c, *p11 = r1 + tx[i].i1 * c;
                __m512i best = _mm512_set1_epi32(INT32_MIN), best_class = _mm512_setzero_si512();
                __m512i classes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
                for (size_t ch = 0; ch < c; ch += 16) {
                    __mmask16 mask = es_mask16(c - ch);
                    __m512i top = lerp(codes(mask, p00 + ch), codes(mask, p01 + ch), fx);
                    __m512i bottom = lerp(codes(mask, p10 + ch), codes(mask, p11 + ch), fx);
                    __m512i v = lerp(top, bottom, fy);
                    __mmask16 better = _mm512_mask_cmpgt_epi32_mask(mask, v, best);
                    best = _mm512_mask_mov_epi32(best, better, v);
                    best_class = _mm512_mask_mov_epi32(best_class, better, classes);
                    classes = _mm512_add_epi32(classes, _mm512_set1_epi32(16));
                }
                __mmask16 at_max = _mm512_cmpeq_epi32_mask(best, _mm512_set1_epi32(_mm512_reduce_max_epi32(best)));
                int32_t first = _mm512_mask_reduce_min_epi32(at_max, best_class);
                labels[(oy - first_row) * out_w + ox0 + i] = (uint8_t)first;
            }
        }
    }
}
#endif
