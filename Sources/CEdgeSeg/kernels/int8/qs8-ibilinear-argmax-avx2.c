// es_qs8_ibilinear_argmax_scalar with AVX2, 8 classes at a time in int32 lanes: the AVX-512 kernel's scheme
// (exact int32 values, |v| <= 2^29; each lane's first maximum and its class; the smallest class among the
// lanes at the overall maximum). The last, partial group of classes is read with 8-byte loads where the map
// goes on past it (copied out at its very end), and its missing lanes are set to INT32_MIN.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

enum { COLUMNS = 128 };  // output columns whose taps are kept at a time

// a·2048 + (b − a)·frac on eight int32 lanes.
ES_AVX2 static inline __m256i lerp(__m256i a, __m256i b, __m256i frac) {
    return _mm256_add_epi32(_mm256_slli_epi32(a, 11), _mm256_mullo_epi32(_mm256_sub_epi32(b, a), frac));
}

ES_AVX2 static inline __m256i codes(const int8_t *p) {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

// op (max or min) of the eight lanes, in every lane.
ES_AVX2 static inline __m256i all_lanes(__m256i v, __m256i (*op)(__m256i, __m256i)) {
    v = op(v, _mm256_permute2x128_si256(v, v, 1));
    v = op(v, _mm256_shuffle_epi32(v, 0x4E));
    return op(v, _mm256_shuffle_epi32(v, 0xB1));
}

ES_AVX2 void es_qs8_ibilinear_argmax_avx2(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h,
                                          size_t out_w, size_t first_row, size_t rows, uint8_t *labels) {
    es_tap tx[COLUMNS];
    size_t full = c / 8 * 8;
    const int8_t *end = x + in_h * in_w * c;
    // Lanes of the last, partial group of classes that hold real classes; the others are set to INT32_MIN,
    // which never wins (every real value is >= −2^29).
    __m256i missing = _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)(c - full)),
                                         _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (size_t ox0 = 0; ox0 < out_w; ox0 += COLUMNS) {
        size_t columns = out_w - ox0 < COLUMNS ? out_w - ox0 : COLUMNS;
        for (size_t i = 0; i < columns; i++) tx[i] = es_bilinear_tap(ox0 + i, in_w, out_w);
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            es_tap ty = es_bilinear_tap(oy, in_h, out_h);
            const int8_t *r0 = x + ty.i0 * in_w * c, *r1 = x + ty.i1 * in_w * c;
            __m256i fy = _mm256_set1_epi32(ty.frac);
            for (size_t i = 0; i < columns; i++) {
                __m256i fx = _mm256_set1_epi32(tx[i].frac);
                const int8_t *p[4] = {r0 + tx[i].i0 * c, r0 + tx[i].i1 * c, r1 + tx[i].i0 * c, r1 + tx[i].i1 * c};
                __m256i best = _mm256_set1_epi32(INT32_MIN), best_class = _mm256_setzero_si256();
                __m256i classes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
                for (size_t ch = 0; ch < c; ch += 8) {
                    const int8_t *q[4] = {p[0] + ch, p[1] + ch, p[2] + ch, p[3] + ch};
                    int8_t tail[4][8];
                    for (size_t t = 0; t < 4 && ch == full; t++) {  // fewer than 8 classes left, at the map's end
                        if ((size_t)(end - q[t]) < 8) {
                            memcpy(tail[t], q[t], c - full);
                            q[t] = tail[t];
                        }
                    }
                    __m256i top = lerp(codes(q[0]), codes(q[1]), fx), bottom = lerp(codes(q[2]), codes(q[3]), fx);
                    __m256i v = lerp(top, bottom, fy);
                    if (ch == full) v = _mm256_blendv_epi8(_mm256_set1_epi32(INT32_MIN), v, missing);
                    __m256i better = _mm256_cmpgt_epi32(v, best);
                    best = _mm256_blendv_epi8(best, v, better);
                    best_class = _mm256_blendv_epi8(best_class, classes, better);
                    classes = _mm256_add_epi32(classes, _mm256_set1_epi32(8));
                }
                __m256i at_max = _mm256_cmpeq_epi32(best, all_lanes(best, _mm256_max_epi32));
                int32_t first = _mm256_cvtsi256_si32(
                    all_lanes(_mm256_blendv_epi8(_mm256_set1_epi32(INT32_MAX), best_class, at_max), _mm256_min_epi32));
                labels[(oy - first_row) * out_w + ox0 + i] = (uint8_t)first;
            }
        }
    }
}
#endif
