// es_qs8_upsample_sum_rndnu_scalar with AVX2, 16 channels at a time in int32 lanes. The reference's Q22
// value Σ_ab (x_ab − z)·wx_b·wy_a is computed as Σ_ab x_ab·W_ab − z·2^22 (the four corner weights
// W_ab = wx_b·wy_a <= 2^22 sum to exactly 2^22, so |Σ x·W| <= 2^29 and |z·2^22| <= 2^29), which is the same
// integer; then the reference's round half up to Q11 (+1024, arithmetic shift), times the input's multiplier
// in int64, and after all inputs one rounding shift by shift + 11, zero point and clamp in int64. An output
// pixel that lands on an input pixel (both fractions 0, e.g. an input already at the output size) takes
// the shortcut (x − z)·2^11, the same value. The taps are es_bilinear_tap's, once per pixel and input.
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

ES_AVX2 static inline __m256i load8(const int8_t *p) { return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)); }

// round(v / 2^11) of 8 channels of one input, int32.
ES_AVX2 static inline __m256i q11(const input_taps *t, size_t off) {
    if (t->exact) return _mm256_slli_epi32(_mm256_sub_epi32(load8(t->corner[0] + off), _mm256_set1_epi32(t->zero_point)), 11);
    __m256i v = _mm256_set1_epi32(t->offset);
    for (size_t k = 0; k < 4; k++) v = _mm256_add_epi32(v, _mm256_mullo_epi32(load8(t->corner[k] + off), _mm256_set1_epi32(t->weight[k])));
    return _mm256_srai_epi32(v, 11);
}

// Eight channels' int64 sums (lanes 0-3 in lo, 4-7 in hi) plus one input.
ES_AVX2 static inline void add_input(const input_taps *t, size_t off, __m256i *lo, __m256i *hi) {
    __m256i r = q11(t, off), m = _mm256_set1_epi64x(t->multiplier);
    *lo = _mm256_add_epi64(*lo, _mm256_mul_epi32(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(r)), m));
    *hi = _mm256_add_epi64(*hi, _mm256_mul_epi32(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(r, 1)), m));
}

// 16 outputs: channels off.. of every input, bias_q from bias.
ES_AVX2 static inline __m128i block(size_t inputs, const input_taps *taps, size_t off, const int64_t *bias, __m256i s,
                                    es_qs8_out out) {
    __m256i acc[4];
    for (size_t q = 0; q < 4; q++) acc[q] = _mm256_loadu_si256((const __m256i *)(bias + 4 * q));
    for (size_t i = 0; i < inputs; i++) {
        add_input(&taps[i], off, &acc[0], &acc[1]);
        add_input(&taps[i], off + 8, &acc[2], &acc[3]);
    }
    __m256i a = es_avx2_narrow_epi64(es_avx2_round_shift_clamp_epi64(acc[0], s, out), es_avx2_round_shift_clamp_epi64(acc[1], s, out));
    __m256i b = es_avx2_narrow_epi64(es_avx2_round_shift_clamp_epi64(acc[2], s, out), es_avx2_round_shift_clamp_epi64(acc[3], s, out));
    return es_avx2_pack_epi32_epi8(a, b);
}

ES_AVX2 void es_qs8_upsample_sum_rndnu_avx2(size_t inputs, const es_qs8_upsample_input *in, size_t out_h, size_t out_w,
                                            size_t c, size_t first_row, size_t rows,
                                            const int32_t *multipliers, int32_t shift, const int64_t *bias_q,
                                            es_qs8_out out, int8_t *y) {
    const __m256i s = _mm256_set1_epi64x(shift + 11);
    size_t n = inputs ? inputs : 1, full = c / CB * CB;
    es_tap ty[n];
    input_taps taps[n], tail[n];
    int8_t buf[n][4][CB];
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
            for (size_t off = 0; off < full; off += CB)
                _mm_storeu_si128((__m128i *)(dst + off), block(inputs, taps, off, bias_q + off, s, out));
            if (full < c) {  // tail: codes and bias copied out so that no load passes the row's end
                int64_t bias[CB] = {0};
                int8_t res[CB];
                memcpy(bias, bias_q + full, (c - full) * sizeof *bias);
                for (size_t i = 0; i < inputs; i++) {
                    tail[i] = taps[i];
                    for (size_t k = 0; k < 4; k++) {
                        memcpy(buf[i][k], taps[i].corner[k] + full, c - full);
                        tail[i].corner[k] = buf[i][k];
                    }
                }
                _mm_storeu_si128((__m128i *)res, block(inputs, tail, 0, bias, s, out));
                memcpy(dst + full, res, c - full);
            }
        }
    }
}
#endif
