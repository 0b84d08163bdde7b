// es_qs8_ibilinear_argmax_scalar with AVX-512, 16 classes at a time in int32 lanes. The reference's int64 is
// not needed: both weight pairs sum to 2^11, so |top|, |bottom| <= 128·2^11 and |v| <= 128·2^22 = 2^29, and
// top·(2048 − fy) + bottom·fy = top·2048 + (bottom − top)·fy exactly (likewise along x), so every value is
// the reference's. The pixel's class is the reference's first maximum (first_maximum).
// Columns' taps are computed once per chunk of columns for all the rows of the call. When a chunk's source
// columns fit a small buffer, each output row first blends its two source rows once per source column
// (V = lerp_y), then each pixel blends two of those (lerp_x(V0, V1)): the same exact sum Σ wy·wx·x in another
// order, one blend per pixel instead of three.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

enum { COLUMNS = 128, BLENDED = 8192 };  // output columns whose taps are kept; int32 values of a row's blend

// a·2048 + (b − a)·frac on sixteen int32 lanes.
ES_AVX512 static inline __m512i lerp(__m512i a, __m512i b, __m512i frac) {
    return _mm512_add_epi32(_mm512_slli_epi32(a, 11), _mm512_mullo_epi32(_mm512_sub_epi32(b, a), frac));
}

ES_AVX512 static inline __m512i codes(__mmask16 mask, const int8_t *p) {
    return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, p));
}

// One pixel's first maximum over its classes, fed sixteen classes at a time: each lane keeps its first maximum
// (strict >) and its class; the pixel's class is the smallest class among the lanes holding the overall maximum.
typedef struct {
    __m512i best, best_class, classes;
} first_maximum;

ES_AVX512 static inline first_maximum first_maximum_start(void) {
    first_maximum m = {_mm512_set1_epi32(INT32_MIN), _mm512_setzero_si512(),
                       _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)};
    return m;
}

ES_AVX512 static inline void first_maximum_add(first_maximum *m, __m512i v, __mmask16 mask) {
    __mmask16 better = _mm512_mask_cmpgt_epi32_mask(mask, v, m->best);
    m->best = _mm512_mask_mov_epi32(m->best, better, v);
    m->best_class = _mm512_mask_mov_epi32(m->best_class, better, m->classes);
    m->classes = _mm512_add_epi32(m->classes, _mm512_set1_epi32(16));
}

ES_AVX512 static inline uint8_t first_maximum_class(const first_maximum *m) {
    __mmask16 at_max = _mm512_cmpeq_epi32_mask(m->best, _mm512_set1_epi32(_mm512_reduce_max_epi32(m->best)));
    return (uint8_t)_mm512_mask_reduce_min_epi32(at_max, m->best_class);
}

ES_AVX512 void es_qs8_ibilinear_argmax_avx512(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h,
                                              size_t out_w, size_t first_row, size_t rows, uint8_t *labels) {
    es_tap tx[COLUMNS];
    _Alignas(64) int32_t blended[BLENDED];
    for (size_t ox0 = 0; ox0 < out_w; ox0 += COLUMNS) {
        size_t columns = out_w - ox0 < COLUMNS ? out_w - ox0 : COLUMNS;
        for (size_t i = 0; i < columns; i++) tx[i] = es_bilinear_tap(ox0 + i, in_w, out_w);
        size_t width = (c + 15) / 16 * 16, first_column = tx[0].i0, last_column = tx[columns - 1].i1;
        int separable = (last_column - first_column + 1) * width <= BLENDED;
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            es_tap ty = es_bilinear_tap(oy, in_h, out_h);
            const int8_t *r0 = x + ty.i0 * in_w * c, *r1 = x + ty.i1 * in_w * c;
            __m512i fy = _mm512_set1_epi32(ty.frac);
            uint8_t *dst = labels + (oy - first_row) * out_w + ox0;
            if (separable) {
                for (size_t sx = first_column; sx <= last_column; sx++)
                    for (size_t ch = 0; ch < c; ch += 16) {
                        __mmask16 mask = es_mask16(c - ch);
                        _mm512_store_si512(blended + (sx - first_column) * width + ch,
                                           lerp(codes(mask, r0 + sx * c + ch), codes(mask, r1 + sx * c + ch), fy));
                    }
                for (size_t i = 0; i < columns; i++) {
                    __m512i fx = _mm512_set1_epi32(tx[i].frac);
                    const int32_t *v0 = blended + (tx[i].i0 - first_column) * width, *v1 = blended + (tx[i].i1 - first_column) * width;
                    first_maximum m = first_maximum_start();
                    for (size_t ch = 0; ch < c; ch += 16)
                        first_maximum_add(&m, lerp(_mm512_load_si512(v0 + ch), _mm512_load_si512(v1 + ch), fx), es_mask16(c - ch));
                    dst[i] = first_maximum_class(&m);
                }
                continue;
            }
            for (size_t i = 0; i < columns; i++) {
                __m512i fx = _mm512_set1_epi32(tx[i].frac);
                const int8_t *p00 = r0 + tx[i].i0 * c, *p01 = r0 + tx[i].i1 * c;
                const int8_t *p10 = r1 + tx[i].i0 * c, *p11 = r1 + tx[i].i1 * c;
                first_maximum m = first_maximum_start();
                for (size_t ch = 0; ch < c; ch += 16) {
                    __mmask16 mask = es_mask16(c - ch);
                    __m512i top = lerp(codes(mask, p00 + ch), codes(mask, p01 + ch), fx);
                    __m512i bottom = lerp(codes(mask, p10 + ch), codes(mask, p11 + ch), fx);
                    first_maximum_add(&m, lerp(top, bottom, fy), mask);
                }
                dst[i] = first_maximum_class(&m);
            }
        }
    }
}
#endif
