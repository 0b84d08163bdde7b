// LayerNorm over channels in integers. With q the int8 codes (the input scale and zero point cancel):
//   d_c = C·q_c - Σq = C·(q_c - mean),  D = C·Σq² - (Σq)² = C²·variance  (both exact),
//   z_c = d_c / sqrt(D + E),  E = C²·eps/in_scale²  (eps_term = E·2^22, from the init).
// 1/sqrt is one exact integer square root and one division per row; z_c goes to Q24, then each
// channel applies gamma/out_scale and beta/out_scale with one rounding.
#include "es-int8-math.h"

// floor(sqrt(u)), digit by digit.
static uint64_t isqrt_u64(uint64_t u) {
    uint64_t root = 0, bit = (uint64_t)1 << 62;
    while (bit > u) bit >>= 2;
    for (; bit != 0; bit >>= 2) {
        if (u >= root + bit) {
            u -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
    }
    return root;
}

static void layernorm_row(size_t channels, const int8_t *x, uint64_t eps_term,
                          const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    int64_t n = (int64_t)channels, s1 = 0, s2 = 0;
    for (size_t c = 0; c < channels; c++) {
        s1 += x[c];
        s2 += (int32_t)x[c] * x[c];
    }
    uint64_t d_total = (uint64_t)(n * s2 - s1 * s1);  // < 2^38 for channels <= 4096
    int64_t inv = 0;  // with D = 0 every d_c is 0 and z = 0
    uint32_t z_shift = 1;
    if (d_total != 0) {
        uint64_t v = (d_total << 22) + eps_term;  // (D + E)·2^22, in [2^22, 2^62)
        uint32_t j = 0;
        while (v < (uint64_t)1 << 60) { v <<= 2; j++; }  // v·4^j in [2^60, 2^62), j <= 19
        uint64_t root = isqrt_u64(v);  // [2^30, 2^31)
        inv = (int64_t)((((uint64_t)1 << 61) + root / 2) / root);  // ≈ 2^61 / sqrt(v·4^j)
        z_shift = 26 - j;  // z·2^24 = d · inv · 2^(j + 11 - 61 + 24)
    }
    for (size_t c = 0; c < channels; c++) {
        int64_t z = es_round_shift((n * x[c] - s1) * inv, z_shift);  // Q24, |z| < 64·2^24
        es_qs8_layernorm_channel ch = per_channel[c];
        int64_t v = es_round_shift(z * ch.multiplier + ch.offset, (uint32_t)ch.shift);
        y[c] = (int8_t)es_clamp(out.zero_point + v, out.min, out.max);
    }
}

void es_qs8_layernorm_rndnu_scalar(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                   const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    for (size_t r = 0; r < rows; r++) layernorm_row(channels, x + r * channels, eps_term, per_channel, out, y + r * channels);
}
