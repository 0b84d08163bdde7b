// The int8 model's input straight from an 8-bit RGB picture, with no float image in between: each output
// value is computed exactly as preprocess() computes it (bilinear resize of the float samples, then
// (v / 255 − mean) / std in float) and quantized as the int8 model quantizes it (round half away from zero
// in double, clamp). The camera loop and the arena session call it once per frame, in bands of rows; it
// needs no scratch. Speed without changing a bit: the columns' taps are computed once per chunk of columns
// for all the rows of the call, and the rounding is done without a libm call (see round_clamp). On CPUs with
// AVX-512 sixteen values go at a time, each through the same IEEE operations in the same order (so the same
// bits): the four taps by byte permutes of one 64-byte window per source row (VBMI, when a vector's taps fit
// one) or by byte gathers, the float mix and normalisation, then the rounding in double lanes.
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

// One vector of output values from their four taps, es_f32_bilinear_weights_of and es_f32_bilinear_mix operation
// for operation, then the normalisation and the rounding; a = 1 − fy, b = fy, g = 1 − fx.
ES_AVX512 static inline __attribute__((always_inline)) void store_values(
    __m512 p00, __m512 p01, __m512 p10, __m512 p11, __m512 a, __m512 b, __m512 f, __m512 g, __m512 mu, __m512 sigma,
    __m512d inverse, __m256i zero_point, __mmask16 lanes, int8_t *dst) {
    __m512 v = _mm512_mul_ps(_mm512_mul_ps(a, g), p00);
    v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(a, f), p01));
    v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(b, g), p10));
    v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_mul_ps(b, f), p11));
    __m512 x = _mm512_div_ps(_mm512_sub_ps(_mm512_div_ps(v, _mm512_set1_ps(255.0f)), mu), sigma);
    __m256i lo = round_clamp8(_mm512_mul_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(x)), inverse), zero_point);
    __m256i hi = round_clamp8(_mm512_mul_pd(_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1))), inverse),
                              zero_point);
    _mm512_mask_cvtepi32_storeu_epi8(dst, lanes, _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1));
}

// Per value of a chunk of columns (pixel i, channel c at 3i + c): its taps' byte offsets within a row, fx, 1 − fx,
// mean and std; per vector of sixteen values the least offset and the offsets relative to it (when all of them
// fit one 64-byte window).
typedef struct {
    int32_t at0[3 * COLUMNS], at1[3 * COLUMNS];
    float fx[3 * COLUMNS], gx[3 * COLUMNS], mu[3 * COLUMNS], sigma[3 * COLUMNS];
    int32_t base[3 * COLUMNS / 16];
    uint8_t rel0[3 * COLUMNS], rel1[3 * COLUMNS];
    int windows;
} chunk_taps;

typedef struct {
    const uint8_t *rgb;
    size_t h, w, oh, ow, first_row, rows;
    double inverse_scale;
    int32_t zero_point;
    int8_t *y;
} picture_job;

#define ES_AVX512_VBMI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi")))

// Sixteen bytes of a 64-byte window at the byte offsets in idx's low sixteen bytes, as floats.
ES_AVX512_VBMI static inline __m512 window_bytes(__m512i window, __m512i idx) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(_mm512_permutexvar_epi8(idx, window))));
}

// The rows of a chunk whose vectors each read one 64-byte window per source row (byte permutes, AVX-512 VBMI).
ES_AVX512_VBMI static void chunk_rows_windowed(const picture_job *job, const chunk_taps *t, size_t ox0, size_t values) {
    const size_t bytes = job->h * job->w * 3;
    const __m256i zp = _mm256_set1_epi32(job->zero_point);
    const __m512d inverse = _mm512_set1_pd(job->inverse_scale);
    for (size_t oy = job->first_row; oy < job->first_row + job->rows; oy++) {
        size_t y0, y1; float fy;
        es_f32_bilinear_source(oy, job->h, job->oh, &y0, &y1, &fy);
        const __m512 a = _mm512_set1_ps(1 - fy), b = _mm512_set1_ps(fy);
        int8_t *dst = job->y + ((oy - job->first_row) * job->ow + ox0) * 3;
        for (size_t j = 0; j < values; j += 16) {
            __mmask16 lanes = values - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (values - j)) - 1);
            size_t s0 = y0 * job->w * 3 + (size_t)t->base[j / 16], s1 = y1 * job->w * 3 + (size_t)t->base[j / 16];
            __m512i w0 = _mm512_maskz_loadu_epi8(bytes - s0 >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (bytes - s0)) - 1), job->rgb + s0);
            __m512i w1 = _mm512_maskz_loadu_epi8(bytes - s1 >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (bytes - s1)) - 1), job->rgb + s1);
            __m512i i0 = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(t->rel0 + j)));
            __m512i i1 = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(t->rel1 + j)));
            store_values(window_bytes(w0, i0), window_bytes(w0, i1), window_bytes(w1, i0), window_bytes(w1, i1), a, b,
                         _mm512_maskz_loadu_ps(lanes, t->fx + j), _mm512_maskz_loadu_ps(lanes, t->gx + j),
                         _mm512_maskz_loadu_ps(lanes, t->mu + j), _mm512_mask_loadu_ps(_mm512_set1_ps(1), lanes, t->sigma + j),
                         inverse, zp, lanes, dst + j);
        }
    }
}

// The rows of a chunk with byte gathers.
ES_AVX512 static void chunk_rows_gathered(const picture_job *job, const chunk_taps *t, size_t ox0, size_t values) {
    const __m256i zp = _mm256_set1_epi32(job->zero_point);
    const __m512d inverse = _mm512_set1_pd(job->inverse_scale);
    for (size_t oy = job->first_row; oy < job->first_row + job->rows; oy++) {
        size_t y0, y1; float fy;
        es_f32_bilinear_source(oy, job->h, job->oh, &y0, &y1, &fy);
        const __m512i row0 = _mm512_set1_epi32((int32_t)(y0 * job->w * 3)), row1 = _mm512_set1_epi32((int32_t)(y1 * job->w * 3));
        const __m512 a = _mm512_set1_ps(1 - fy), b = _mm512_set1_ps(fy);
        int8_t *dst = job->y + ((oy - job->first_row) * job->ow + ox0) * 3;
        for (size_t j = 0; j < values; j += 16) {
            __mmask16 lanes = values - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (values - j)) - 1);
            __m512i x0 = _mm512_maskz_loadu_epi32(lanes, t->at0 + j), x1 = _mm512_maskz_loadu_epi32(lanes, t->at1 + j);
            store_values(bytes_at(job->rgb, _mm512_add_epi32(row0, x0)), bytes_at(job->rgb, _mm512_add_epi32(row0, x1)),
                         bytes_at(job->rgb, _mm512_add_epi32(row1, x0)), bytes_at(job->rgb, _mm512_add_epi32(row1, x1)), a, b,
                         _mm512_maskz_loadu_ps(lanes, t->fx + j), _mm512_maskz_loadu_ps(lanes, t->gx + j),
                         _mm512_maskz_loadu_ps(lanes, t->mu + j), _mm512_mask_loadu_ps(_mm512_set1_ps(1), lanes, t->sigma + j),
                         inverse, zp, lanes, dst + j);
        }
    }
}

static void quantize_rgb8_avx512(const picture_job *job, const float mean[3], const float std[3], int vbmi) {
    chunk_taps t;
    for (size_t ox0 = 0; ox0 < job->ow; ox0 += COLUMNS) {
        size_t columns = job->ow - ox0 < COLUMNS ? job->ow - ox0 : COLUMNS, values = 3 * columns;
        for (size_t i = 0; i < columns; i++) {
            column_taps c;
            es_f32_bilinear_source(ox0 + i, job->w, job->ow, &c.x0, &c.x1, &c.fx);
            for (size_t ch = 0; ch < 3; ch++) {
                t.at0[3 * i + ch] = (int32_t)(c.x0 * 3 + ch);
                t.at1[3 * i + ch] = (int32_t)(c.x1 * 3 + ch);
                t.fx[3 * i + ch] = c.fx;
                t.gx[3 * i + ch] = 1 - c.fx;
                t.mu[3 * i + ch] = mean[ch];
                t.sigma[3 * i + ch] = std[ch];
            }
        }
        t.windows = vbmi;
        for (size_t j = 0; j < values && t.windows; j += 16) {
            size_t end = values - j < 16 ? values : j + 16;
            int32_t low = t.at0[j], high = t.at1[j];
            for (size_t l = j; l < end; l++) {
                low = t.at0[l] < low ? t.at0[l] : low;
                high = t.at1[l] > high ? t.at1[l] : high;  // at1 >= at0 lane by lane
            }
            t.base[j / 16] = low;
            t.windows = high - low < 64;
            for (size_t l = j; l < j + 16; l++) {  // lanes past the end read byte 0 (and are not stored)
                t.rel0[l] = l < end ? (uint8_t)(t.at0[l] - low) : 0;
                t.rel1[l] = l < end ? (uint8_t)(t.at1[l] - low) : 0;
            }
        }
        if (t.windows)
            chunk_rows_windowed(job, &t, ox0, values);
        else
            chunk_rows_gathered(job, &t, ox0, values);
    }
}

static int has_avx512, has_vbmi;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static void probe(void) {
    es_int8_cpu_features f = es_int8_cpu_probe();
    has_avx512 = f.avx512vnni;
    has_vbmi = f.avx512vbmi;
}
#endif

void es_f32_quantize_rgb8(const uint8_t *rgb, size_t h, size_t w, size_t oh, size_t ow, size_t first_row, size_t rows,
                          const float mean[3], const float std[3], double inverse_scale, int32_t zero_point,
                          int8_t *y) {
#if defined(__x86_64__)
    pthread_once(&probe_once, probe);
    if (has_avx512 && h * w >= 2 && h * w * 3 < ((size_t)1 << 31)) {  // int32 byte offsets, 4-byte reads
        picture_job job = {rgb, h, w, oh, ow, first_row, rows, inverse_scale, zero_point, y};
        quantize_rgb8_avx512(&job, mean, std, has_vbmi);
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
