// es_qs8_lut_scalar with AVX-512 VBMI: the 256-byte table in four registers, 64 lookups by two two-register
// byte permutes (each indexed by the low 7 bits of x) and a blend on x's sign. CPUs with AVX-512 VNNI but no
// VBMI (Cascade Lake) run the scalar loop.
#if defined(__x86_64__)
#include <pthread.h>

#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

static int has_vbmi;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static void probe(void) { has_vbmi = es_int8_cpu_probe().avx512vbmi; }

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static void lut_vbmi(size_t n, const int8_t *x,
                                                                           const int8_t table[256], int8_t *y) {
    // table[x + 128]: x < 0 reads table[0..127] at x & 127, x >= 0 reads table[128..255] at x.
    const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
    const __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
    for (size_t i = 0; i < n; i += 64) {
        __mmask64 lanes = es_mask64(n - i);
        __m512i v = _mm512_maskz_loadu_epi8(lanes, x + i);
        __m512i negative = _mm512_permutex2var_epi8(t0, v, t1), positive = _mm512_permutex2var_epi8(t2, v, t3);
        _mm512_mask_storeu_epi8(y + i, lanes, _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), positive, negative));
    }
}

void es_qs8_lut_avx512vbmi(size_t n, const int8_t *x, const int8_t table[256], int8_t *y) {
    pthread_once(&probe_once, probe);
    if (has_vbmi)
        lut_vbmi(n, x, table, y);
    else
        es_qs8_lut_scalar(n, x, table, y);
}
#endif
