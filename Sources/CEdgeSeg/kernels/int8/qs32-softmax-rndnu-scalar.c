// Softmax along each row of int32 attention scores → uint8 probabilities (scale 1/255, zero point 0).
// Three passes with no scratch: max, Σ exp, then exp again · one reciprocal per row (no division per
// element, so SIMD versions can match bit for bit).
#include "es-int8-math.h"

// 2^((score - max) · scale · log2 e) in Q30: the largest score gives exactly 2^30.
static int64_t score_exp(int32_t score, int32_t max, es_requant rq) {
    int64_t diff = (int64_t)score - max;  // [-(2^32 - 1), 0]; · multiplier (< 2^31) stays above -2^63
    int64_t t = es_round_shift(diff * rq.multiplier, (uint32_t)rq.shift);
    return es_q30_exp2(t < -32 * 65536 ? -32 * 65536 : (int32_t)t);
}

static void softmax_row(size_t n, const int32_t *s, es_requant rq, uint8_t *p) {
    int32_t max = s[0];
    for (size_t j = 1; j < n; j++) max = s[j] > max ? s[j] : max;
    uint64_t sum = 0;  // >= 2^30
    for (size_t j = 0; j < n; j++) sum += (uint64_t)score_exp(s[j], max, rq);
    uint32_t h = 0;  // sum ≈ top · 2^h with top in [2^30, 2^32)
    while ((sum >> h) >= ((uint64_t)1 << 32)) h++;
    int64_t recip = (int64_t)(((uint64_t)255 << 53) / (sum >> h));  // ≈ 255 · 2^(53+h) / sum, < 2^31
    for (size_t j = 0; j < n; j++) {
        // e · recip < 2^61; a shift past 62 leaves less than one half, i.e. 0.
        int64_t q = 53 + h <= 62 ? es_round_shift(score_exp(s[j], max, rq) * recip, 53 + h) : 0;
        p[j] = (uint8_t)es_clamp(q, 0, 255);
    }
}

void es_qs32_softmax_rndnu_scalar(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                  uint8_t *p, size_t p_stride) {
    if (n == 0) return;
    for (size_t i = 0; i < rows; i++) softmax_row(n, s + i * s_stride, rq, p + i * p_stride);
}
