// Softmax weights of each row of int32 attention scores, relative to the row's maximum:
// w_j = round(255 · exp(s·(S_j − max))) in [0, 255] (the maximum gets exactly 255), and their sum.
// Normalising later (es_qs32_attention_normalize) divides P·V by that sum once per row. Unlike
// probabilities in steps of 1/255, which round a flat attention over hundreds of keys to 0 or 1 step,
// the large weights that carry the result keep all 8 bits however many keys there are.
#include "es-int8-math.h"

// 2^((score - max) · scale · log2 e) in Q30: the largest score gives exactly 2^30.
static int64_t score_exp(int32_t score, int32_t max, es_requant rq) {
    int64_t diff = (int64_t)score - max;  // [-(2^32 - 1), 0]; · multiplier (< 2^31) stays above -2^63
    int64_t t = es_round_shift(diff * rq.multiplier, (uint32_t)rq.shift);
    return es_q30_exp2(t < -32 * 65536 ? -32 * 65536 : (int32_t)t);
}

void es_qs32_softmax_weights_rndnu_scalar(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                          uint8_t *w, size_t w_stride, uint32_t *sums) {
    for (size_t i = 0; i < rows; i++) {
        const int32_t *row = s + i * s_stride;
        uint8_t *out = w + i * w_stride;
        int32_t max = row[0];
        for (size_t j = 1; j < n; j++) max = row[j] > max ? row[j] : max;
        uint32_t sum = 0;  // >= 255 (the maximum's weight); <= 255 · n
        for (size_t j = 0; j < n; j++) {
            out[j] = (uint8_t)es_round_shift(score_exp(row[j], max, rq) * 255, 30);
            sum += out[j];
        }
        sums[i] = sum;
    }
}
