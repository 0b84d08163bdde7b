// es_qs8_lut_scalar with NEON, sixteen lookups at a time (XNNPACK's x8-lut scheme): the 256-byte table in four
// groups of four registers, index i = x + 128 = x XOR 0x80. TBL looks i up in the first 64 bytes (0 past them), and
// TBX in each further 64 bytes at i − 64, i − 128, i − 192, leaving the byte alone where that index is past 64
// (wrapped below 0 included).
#if defined(__aarch64__)
#include "es-int8-neon.h"
#include "es_int8_dispatch.h"

static inline uint8x16_t lookup16(const uint8x16x4_t t[4], uint8x16_t x) {
    const uint8x16_t step = vdupq_n_u8(64);
    uint8x16_t i = veorq_u8(x, vdupq_n_u8(0x80));
    uint8x16_t r = vqtbl4q_u8(t[0], i);
    i = vsubq_u8(i, step);
    r = vqtbx4q_u8(r, t[1], i);
    i = vsubq_u8(i, step);
    r = vqtbx4q_u8(r, t[2], i);
    i = vsubq_u8(i, step);
    return vqtbx4q_u8(r, t[3], i);
}

void es_qs8_lut_neon(size_t n, const int8_t *x, const int8_t table[256], int8_t *y) {
    uint8x16x4_t t[4];
    for (int g = 0; g < 4; g++) t[g] = vld1q_u8_x4((const uint8_t *)table + 64 * g);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) vst1q_u8((uint8_t *)y + i, lookup16(t, vld1q_u8((const uint8_t *)x + i)));
    if (i < n)
        es_store_s8_upto16(y + i, vreinterpretq_s8_u8(lookup16(t, vreinterpretq_u8_s8(es_load_s8_partial(x + i, n - i)))),
                           n - i);
}
#endif
