// es_qu8_pv_scalar with AVX-512 VNNI: the broadcast GEMM of qs8-bcast-gemm-avx512vnni.h with A = the uint8
// weights and B = v (signed), each column a channel, accumulating onto o:
// Σ p·(v − z_v) = Σ p·v − z_v·Σ p, per chunk of keys.
#if defined(__x86_64__)
#include "es_int8_dispatch.h"
#include "qs8-bcast-gemm-avx512vnni.h"

// Keys p0 + 4g .. p0 + 4g + 3 of channel j as pack[g][j][0..3]: four rows' bytes interleaved.
ES_AVX512VNNI static void pack_values(const int8_t *v, size_t v_stride, size_t j0, size_t ncols, size_t p0, size_t len,
                                      size_t width, int8_t *pack) {
    for (size_t g = 0; 4 * g < len; g++) {
        const int8_t *rows[4];
        for (size_t t = 0; t < 4; t++) rows[t] = 4 * g + t < len ? v + (p0 + 4 * g + t) * v_stride + j0 : NULL;
        for (size_t c = 0; c < width; c += 16) {
            __mmask16 mask = c < ncols ? es_mask16(ncols - c) : 0;
            __m128i r[4];
            for (size_t t = 0; t < 4; t++) r[t] = rows[t] ? _mm_maskz_loadu_epi8(mask, rows[t] + c) : _mm_setzero_si128();
            __m128i lo01 = _mm_unpacklo_epi8(r[0], r[1]), hi01 = _mm_unpackhi_epi8(r[0], r[1]);
            __m128i lo23 = _mm_unpacklo_epi8(r[2], r[3]), hi23 = _mm_unpackhi_epi8(r[2], r[3]);
            __m128i *dst = (__m128i *)(pack + (g * width + c) * 4);
            _mm_store_si128(dst, _mm_unpacklo_epi16(lo01, lo23));
            _mm_store_si128(dst + 1, _mm_unpackhi_epi16(lo01, lo23));
            _mm_store_si128(dst + 2, _mm_unpacklo_epi16(hi01, hi23));
            _mm_store_si128(dst + 3, _mm_unpackhi_epi16(hi01, hi23));
        }
    }
}

ES_AVX512VNNI void es_qu8_pv_avx512vnni(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride,
                                        const int8_t *v, size_t v_stride, int32_t v_zero_point, int32_t *o,
                                        size_t o_stride) {
    es_bg_problem pr = {p, p_stride, 0, v, v_stride, pack_values, -v_zero_point, 0, 0, 1};
    es_bg_run(nq, d, nk, pr, o, o_stride);
}
#endif
