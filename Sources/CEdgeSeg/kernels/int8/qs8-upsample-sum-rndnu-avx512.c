// es_qs8_upsample_sum_rndnu_scalar with AVX-512, 16 channels at a time in int32 lanes: the AVX2 kernel's
// arithmetic (Σ_ab x_ab·W_ab − z·2^22 in int32, round half up to Q11, times the multiplier in int64, one
// rounding shift by shift + 11 after all inputs), with AVX-512's 64-bit arithmetic shift, min and max, and
// masked loads and stores for the channel tail. Exact for the same reasons.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

enum { CB = 16 };

// Where one input's four corners of one output pixel are and how they are weighted.
typedef struct {
    const int8_t *corner[4];  // (y0,x0) (y0,x1) (y1,x0) (y1,x1), channel 0
    int32_t weight[4];
    int32_t offset;  // 1024 − z·2^22: the zero point and the Q22 → Q11 rounding
    int32_t zero_point;
    int exact;  // both fractions 0: the value is corner 0 itself
    int64_t multiplier;
} input_taps;

ES_AVX512 static inline __m512i load16(__mmask16 mask, const int8_t *p) {
    return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, p));
}

// round(v / 2^11) of 16 channels of one input, int32.
ES_AVX512 static inline __m512i q11(const input_taps *t, size_t off, __mmask16 mask) {
    if (t->exact) return _mm512_slli_epi32(_mm512_sub_epi32(load16(mask, t->corner[0] + off), _mm512_set1_epi32(t->zero_point)), 11);
    __m512i v = _mm512_set1_epi32(t->offset);
    for (size_t k = 0; k < 4; k++) v = _mm512_add_epi32(v, _mm512_mullo_epi32(load16(mask, t->corner[k] + off), _mm512_set1_epi32(t->weight[k])));
    return _mm512_srai_epi32(v, 11);
}

ES_AVX512 void es_qs8_upsample_sum_rndnu_avx512(size_t inputs, const es_qs8_upsample_input *in, size_t out_h,
                                                size_t out_w, size_t c, size_t first_row, size_t rows,
                                                const int32_t *multipliers, int32_t shift,
                                                const int64_t *bias_q, es_qs8_out out, int8_t *y) {
    const __m512i s = _mm512_set1_epi64(shift + 11);
    size_t n = inputs ? inputs : 1;
    es_tap ty[n];
    input_taps taps[n];
    for (size_t oy = first_row; oy < first_row + rows; oy++) {
        for (size_t i = 0; i < inputs; i++) ty[i] = es_bilinear_tap(oy, in[i].h, out_h);
        for (size_t ox = 0; ox < out_w; ox++) {
            for (size_t i = 0; i < inputs; i++) {
                const es_qs8_upsample_input *p = &in[i];
                es_tap tx = es_bilinear_tap(ox, p->w, out_w);
                int32_t wx[2] = {2048 - tx.frac, tx.frac}, wy[2] = {2048 - ty[i].frac, ty[i].frac};
                size_t rows[2] = {ty[i].i0, ty[i].i1}, cols[2] = {tx.i0, tx.i1};
                for (size_t k = 0; k < 4; k++) {
                    taps[i].corner[k] = p->x + ((rows[k / 2] - p->first_row) * p->w + cols[k % 2]) * c;
                    taps[i].weight[k] = wy[k / 2] * wx[k % 2];
                }
                taps[i].offset = 1024 - p->zero_point * (1 << 22);
                taps[i].zero_point = p->zero_point;
                taps[i].exact = tx.frac == 0 && ty[i].frac == 0;
                taps[i].multiplier = multipliers[i];
            }
            int8_t *dst = y + ((oy - first_row) * out_w + ox) * c;
            for (size_t off = 0; off < c; off += CB) {
                __mmask16 mask = es_mask16(c - off);
                __m512i lo = _mm512_maskz_loadu_epi64((__mmask8)mask, bias_q + off);
                __m512i hi = _mm512_maskz_loadu_epi64((__mmask8)(mask >> 8), bias_q + off + 8);
                for (size_t i = 0; i < inputs; i++) {
                    __m512i r = q11(&taps[i], off, mask), m = _mm512_set1_epi64(taps[i].multiplier);
                    lo = _mm512_add_epi64(lo, _mm512_mul_epi32(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(r)), m));
                    hi = _mm512_add_epi64(hi, _mm512_mul_epi32(_mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(r, 1)), m));
                }
                __m128i a = _mm512_cvtepi64_epi8(es_avx512_round_shift_clamp_epi64(lo, s, out));
                __m128i b = _mm512_cvtepi64_epi8(es_avx512_round_shift_clamp_epi64(hi, s, out));
                _mm_mask_storeu_epi8(dst + off, mask, _mm_unpacklo_epi64(a, b));
            }
        }
    }
}
#endif
