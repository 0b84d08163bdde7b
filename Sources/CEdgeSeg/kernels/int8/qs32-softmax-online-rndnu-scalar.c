// Online softmax over key tiles (FlashAttention's running max and sum, in integers), so attention never holds
// more than one tile of scores. Weights are relative to the running maximum of each row:
// w_j = round(255 · exp(s·(S_j − max))) in [0, 255] (the maximum gets exactly 255). When a later tile raises
// the maximum, the row's earlier weights shrink by e = exp(s·(old − new)) in Q30: the weight sum and the P·V
// accumulators are scaled by e with one rounding each. A row whose maximum sits in its first tile is never
// rescaled, so one tile of all the keys gives exactly the one-pass result. es_qs32_attention_normalize divides
// P·V by the final sum once per row.
#include "es-int8-math.h"

// 2^((score - max) · scale · log2 e) in Q30: a score equal to max gives exactly 2^30.
static int64_t score_exp(int32_t score, int32_t max, es_requant rq) {
    int64_t diff = (int64_t)score - max;  // [-(2^32 - 1), 0]; · multiplier (< 2^31) stays above -2^63
    int64_t t = es_round_shift(diff * rq.multiplier, (uint32_t)rq.shift);
    return es_q30_exp2(t < -32 * 65536 ? -32 * 65536 : (int32_t)t);
}

void es_qs32_softmax_online_rndnu_scalar(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                         int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                         size_t d, uint8_t *w, size_t w_stride) {
    for (size_t i = 0; i < rows; i++) {
        const int32_t *row = s + i * s_stride;
        uint8_t *out = w + i * w_stride;
        int32_t *acc = o + i * o_stride;
        int32_t max = row[0];
        for (size_t j = 1; j < n; j++) max = row[j] > max ? row[j] : max;
        if (first) {
            sums[i] = 0;
            for (size_t c = 0; c < d; c++) acc[c] = 0;
        } else if (max > row_max[i]) {
            int64_t e = score_exp(row_max[i], max, rq);  // < 2^30: the old weights shrink
            sums[i] = (uint32_t)es_round_shift((int64_t)sums[i] * e, 30);
            for (size_t c = 0; c < d; c++) acc[c] = (int32_t)es_round_shift((int64_t)acc[c] * e, 30);
        } else {
            max = row_max[i];
        }
        row_max[i] = max;
        uint32_t sum = 0;
        for (size_t j = 0; j < n; j++) {
            out[j] = (uint8_t)es_round_shift(score_exp(row[j], max, rq) * 255, 30);
            sum += out[j];
        }
        sums[i] += sum;
    }
}
