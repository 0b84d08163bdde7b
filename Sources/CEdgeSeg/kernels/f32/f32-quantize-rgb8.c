// The int8 model's input straight from an 8-bit RGB picture, with no float image in between: each output
// value is computed exactly as preprocess() computes it (bilinear resize of the float samples, then
// (v / 255 − mean) / std in float) and quantized as the int8 model quantizes it (round half away from zero
// in double, clamp). The camera loop and the arena session call it once per frame, in bands of rows; it
// needs no scratch. Speed without changing a bit: the columns' taps are computed once per chunk of columns
// for all the rows of the call, and the rounding is done without a libm call (see round_clamp). On CPUs with
// AVX-512 sixteen values go at a time, each through the same IEEE operations in the same order (so the same
// bits): the four taps by byte gathers, the float mix and normalisation, then the rounding in double lanes.
#include <pthread.h>

#include "es_f32.h"
#include "es_int8_dispatch.h"
#include "f32-bilinear-taps.h"

enum { COLUMNS = 128 };  // output columns whose taps are kept at a time

typedef struct {
    size_t x0, x1;
    float fx;
} column_taps;

// clamp(round(d) + zero_point) with round half away from zero, as the reference's
// round((double)x · inverse_scale) + zero_point and clamp: d is first clamped to ±1024 (beyond it the result
// saturates either way, zero_point being in [-128, 127]), so the truncation to an integer is exact and so is
// d − t, whose comparison with ±0.5 decides the rounding.
static inline int8_t round_clamp(double d, int32_t zero_point) {
    d = d < -1024 ? -1024 : d > 1024 ? 1024 : d;
    int32_t t = (int32_t)d;
    double rest = d - (double)t;
    int32_t q = t + (rest >= 0.5) - (rest <= -0.5) + zero_point;
    return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

#if defined(__x86_64__)
#include <immintrin.h>

#define ES_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))

// Sixteen bytes of the picture at byte offsets `at` (>= 0): each lane gathers the 32-bit word that ends at its byte
// (or, in the picture's first three bytes, starts there), so no read leaves a picture of two pixels or more.
ES_AVX512 static inline __m512 bytes_at(const uint8_t *rgb, __m512i at) {
    __mmask16 back = _mm512_cmpge_epi32_mask(at, _mm512_set1_epi32(3));
    __m512i words = _mm512_i32gather_epi32(_mm512_mask_sub_epi32(at, back, at, _mm512_set1_epi32(3)), (const void *)rgb, 1);
    __m512i shift = _mm512_maskz_mov_epi32(back, _mm512_set1_epi32(24));
    return _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srlv_epi32(words, shift), _mm512_set1_epi32(0xFF)));
}

// round_clamp on eight doubles: clamp to ±1024, truncate, compare the rest with ±0.5, add the zero point, clamp.
ES_AVX512 static inline __m256i round_clamp8(__m512d d, __m256i zero_point) {
    d = _mm512_min_pd(_mm512_max_pd(d, _mm512_set1_pd(-1024)), _mm512_set1_pd(1024));
    __m256i t = _mm512_cvttpd_epi32(d);
    __m512d rest = _mm512_sub_pd(d, _mm512_cvtepi32_pd(t));
    __mmask8 up = _mm512_cmp_pd_mask(rest, _mm512_set1_pd(0.5), _CMP_GE_OQ);
    __mmask8 down = _mm512_cmp_pd_mask(rest, _mm512_set1_pd(-0.5), _CMP_LE_OQ);
    t = _mm256_mask_add_epi32(t, up, t, _mm256_set1_epi32(1));
    t = _mm256_mask_sub_epi32(t, down, t, _mm256_set1_epi32(1));
    t = _mm256_add_epi32(t, zero_point);
    return _mm256_min_epi32(_mm256_max_epi32(t, _mm256_set1_epi32(-128)), _mm256_set1_epi32(127));
}

ES_AVX512 static void quantize_rgb8_avx512(const uint8_t *rgb, size_t h, size_t w, size_t oh, size_t ow,
                                           size_t first_row, size_t rows, const float mean[3], const float std[3],
                                           double inverse_scale, int32_t zero_point, int8_t *y) {
    // Per value of a chunk of columns (pixel i, channel c at 3i + c): its taps' byte offsets within a row, fx,
    // 1 − fx, mean and std.
    int32_t at0[3 * COLUMNS], at1[3 * COLUMNS];
    float fx[3 * COLUMNS], gx[3 * COLUMNS], mu[3 * COLUMNS], sigma[3 * COLUMNS];
    const __m256i zp = _mm256_set1_epi32(zero_point);
    const __m512d inverse = _mm512_set1_pd(inverse_scale);
    for (size_t ox0 = 0; ox0 < ow; ox0 += COLUMNS) {
        size_t columns = ow - ox0 < COLUMNS ? ow - ox0 : COLUMNS, values = 3 * columns;
        for (size_t i = 0; i < columns; i++) {
            column_taps t;
            es_f32_bilinear_source(ox0 + i, w, ow, &t.x0, &t.x1, &t.fx);
            for (size_t c = 0; c < 3; c++) {
                at0[3 * i + c] = (int32_t)(t.x0 * 3 + c);
                at1[3 * i + c] = (int32_t)(t.x1 * 3 + c);
                fx[3 * i + c] = t.fx;
                gx[3 * i + c] = 1 - t.fx;
                mu[3 * i + c] = mean[c];
                sigma[3 * i + c] = std[c];
            }
        }
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            size_t y0, y1; float fy;
            es_f32_bilinear_source(oy, h, oh, &y0, &y1, &fy);
            const __m512i row0 = _mm512_set1_epi32((int32_t)(y0 * w * 3)), row1 = _mm512_set1_epi32((int32_t)(y1 * w * 3));
            const __m512 a = _mm512_set1_ps(1 - fy), b = _mm512_set1_ps(fy);
            int8_t *dst = y + ((oy - first_row) * ow + ox0) * 3;
            for (size_t j = 0; j < values; j += 16) {
                __mmask16 lanes = values - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (values - j)) - 1);
                __m512i x0 = _mm512_maskz_loadu_epi32(lanes, at0 + j), x1 = _mm512_maskz_loadu_epi32(lanes, at1 + j);
                __m512 f = _mm512_maskz_loadu_ps(lanes, fx + j), g = _mm512_maskz_loadu_ps(lanes, gx + j);
                // es_f32_bilinear_weights_of and es_f32_bilinear_mix, operation for operation.
                __m512 v = _mm512_mul_ps(_mm512_mul_ps(a, g), bytes_at(rgb, _mm512_add_epi32(row0, x0)));
                v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(a, f), bytes_at(rgb, _mm512_add_epi32(row0, x1))));
                v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(b, g), bytes_at(rgb, _mm512_add_epi32(row1, x0))));
                v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(b, f), bytes_at(rgb, _mm512_add_epi32(row1, x1))));
                __m512 x = _mm512_sub_ps(_mm512_div_ps(v, _mm512_set1_ps(255.0f)), _mm512_maskz_loadu_ps(lanes, mu + j));
                x = _mm512_div_ps(x, _mm512_mask_loadu_ps(_mm512_set1_ps(1), lanes, sigma + j));
                __m256i lo = round_clamp8(_mm512_mul_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(x)), inverse), zp);
                __m256i hi = round_clamp8(_mm512_mul_pd(_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1))), inverse), zp);
                _mm512_mask_cvtepi32_storeu_epi8(dst + j, lanes, _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1));
            }
        }
    }
}

static int has_avx512;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static void probe(void) { has_avx512 = es_int8_cpu_probe().avx512vnni; }
#endif

void es_f32_quantize_rgb8(const uint8_t *rgb, size_t h, size_t w, size_t oh, size_t ow, size_t first_row, size_t rows,
                          const float mean[3], const float std[3], double inverse_scale, int32_t zero_point,
                          int8_t *y) {
#if defined(__x86_64__)
    pthread_once(&probe_once, probe);
    if (has_avx512 && h * w >= 2 && h * w * 3 < ((size_t)1 << 31)) {  // int32 byte offsets, 4-byte reads
        quantize_rgb8_avx512(rgb, h, w, oh, ow, first_row, rows, mean, std, inverse_scale, zero_point, y);
        return;
    }
#endif
    column_taps taps[COLUMNS];
    for (size_t ox0 = 0; ox0 < ow; ox0 += COLUMNS) {
        size_t columns = ow - ox0 < COLUMNS ? ow - ox0 : COLUMNS;
        for (size_t i = 0; i < columns; i++)
            es_f32_bilinear_source(ox0 + i, w, ow, &taps[i].x0, &taps[i].x1, &taps[i].fx);
        for (size_t oy = first_row; oy < first_row + rows; oy++) {
            size_t y0, y1; float fy;
            es_f32_bilinear_source(oy, h, oh, &y0, &y1, &fy);
            const uint8_t *row0 = rgb + y0 * w * 3, *row1 = rgb + y1 * w * 3;
            int8_t *dst = y + ((oy - first_row) * ow + ox0) * 3;
            for (size_t i = 0; i < columns; i++, dst += 3) {
                const uint8_t *p00 = row0 + taps[i].x0 * 3, *p01 = row0 + taps[i].x1 * 3;
                const uint8_t *p10 = row1 + taps[i].x0 * 3, *p11 = row1 + taps[i].x1 * 3;
                es_f32_bilinear_weights wt = es_f32_bilinear_weights_of(fy, taps[i].fx);
                for (size_t c = 0; c < 3; c++) {
                    float v = es_f32_bilinear_mix(wt, (float)p00[c], (float)p01[c], (float)p10[c], (float)p11[c]);
                    float x = (v / 255.0f - mean[c]) / std[c];
                    dst[c] = round_clamp((double)x * inverse_scale, zero_point);
                }
            }
        }
    }
}
