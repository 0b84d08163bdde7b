// es_qs8_lut_scalar with AVX2, 32 lookups at a time: the 256-byte table as 16 sub-tables of 16 bytes (each in both
// 128-bit halves), index i = x + 128 = x XOR 0x80. vpshufb looks the low nibble of i up in every sub-table, and
// four levels of byte blends on the bits of i's high nibble pick the sub-table's result (bit 4 between pairs of
// sub-tables, ..., bit 7 between the two halves of the table).
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

ES_AVX2 static inline __m256i lookup32(const __m256i sub[16], __m256i x) {
    __m256i i = _mm256_xor_si256(x, _mm256_set1_epi8((char)0x80));
    __m256i low = _mm256_and_si256(i, _mm256_set1_epi8(0x0F));
    __m256i r[16];
    for (int k = 0; k < 16; k++) r[k] = _mm256_shuffle_epi8(sub[k], low);
    // vpblendvb selects by each byte's top bit: bit b of i moved there by a 16-bit shift of 7 − b (no bits cross
    // into a byte's top bit from its neighbour).
    for (int level = 0, width = 16; level < 4; level++, width /= 2) {
        __m256i select = _mm256_slli_epi16(i, 3 - level);
        for (int k = 0; k < width / 2; k++) r[k] = _mm256_blendv_epi8(r[2 * k], r[2 * k + 1], select);
    }
    return r[0];
}

ES_AVX2 void es_qs8_lut_avx2(size_t n, const int8_t *x, const int8_t table[256], int8_t *y) {
    __m256i sub[16];
    for (int k = 0; k < 16; k++) sub[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + 16 * k)));
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        _mm256_storeu_si256((__m256i *)(y + i), lookup32(sub, _mm256_loadu_si256((const __m256i *)(x + i))));
    if (i < n) {
        int8_t buf[32] = {0};
        memcpy(buf, x + i, n - i);
        _mm256_storeu_si256((__m256i *)buf, lookup32(sub, _mm256_loadu_si256((const __m256i *)buf)));
        memcpy(y + i, buf, n - i);
    }
}
#endif
