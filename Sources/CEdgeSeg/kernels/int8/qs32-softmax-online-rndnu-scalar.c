// Online softmax over key tiles (FlashAttention's running max and sum, in integers), so attention never holds
// more than one tile of scores. Weights are relative to the running maximum of each row:
// w_j = round(255 · exp(s·(S_j − max))) in [0, 255] (the maximum gets exactly 255). When a later tile raises
// the maximum, the row's earlier weights shrink by e = exp(s·(old − new)) in Q30: the weight sum and the P·V
// accumulators are scaled by e with one rounding each. A row whose maximum sits in its first tile is never
// rescaled, so one tile of all the keys gives exactly the one-pass result. es_qs32_attention_normalize divides
// P·V by the final sum once per row.
#include "qs32-softmax-online.h"

uint8_t es_qs32_softmax_weight_scalar(int32_t t_q16) {
    return (uint8_t)es_round_shift((int64_t)es_q30_exp2(t_q16) * 255, 30);
}

void es_qs32_softmax_online_rndnu_scalar(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                         int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                         size_t d, uint8_t *w, size_t w_stride) {
    es_softmax_online_rows(rows, n, s, s_stride, rq, first, row_max, sums, o, o_stride, d, w, w_stride,
                           es_qs32_softmax_weight_scalar);
}
