// The row logic of the online softmax (es_qs32_softmax_online_*), shared by the reference and the table
// version, which differ only in how a weight is computed from its base-2 exponent (private to CEdgeSeg).
#ifndef ES_QS32_SOFTMAX_ONLINE_H
#define ES_QS32_SOFTMAX_ONLINE_H
#include "es-int8-math.h"

// The base-2 exponent in Q16 of exp(s·(score − max)): round((score − max) · m / 2^shift), at least −32·2^16.
static inline int32_t es_softmax_exponent(int32_t score, int32_t max, es_requant rq) {
    int64_t diff = (int64_t)score - max;  // [-(2^32 - 1), 0]; · multiplier (< 2^31) stays above -2^63
    int64_t t = es_round_shift(diff * rq.multiplier, (uint32_t)rq.shift);
    return t < -32 * 65536 ? -32 * 65536 : (int32_t)t;
}

// Starts row i of a tile whose own largest score is tile_max: a first tile sets the state (sum 0, accumulators
// zeroed); a later tile that raises the maximum first shrinks the old weights by 2^t, t < 0, in Q30 (rare).
// Returns the maximum the tile's weights are relative to, which becomes the row's running maximum.
static inline int32_t es_softmax_row_start(int first, int32_t tile_max, int32_t *row_max, uint32_t *sum, int32_t *acc,
                                           size_t d, es_requant rq) {
    int32_t max = tile_max;
    if (first) {
        *sum = 0;
        for (size_t c = 0; c < d; c++) acc[c] = 0;
    } else if (max > *row_max) {
        int64_t e = es_q30_exp2(es_softmax_exponent(*row_max, max, rq));
        *sum = (uint32_t)es_round_shift((int64_t)*sum * e, 30);
        for (size_t c = 0; c < d; c++) acc[c] = (int32_t)es_round_shift((int64_t)acc[c] * e, 30);
    } else {
        max = *row_max;
    }
    *row_max = max;
    return max;
}

static inline void es_softmax_online_rows(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                          int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                          size_t d, uint8_t *w, size_t w_stride, uint8_t (*weight)(int32_t t)) {
    for (size_t i = 0; i < rows; i++) {
        const int32_t *row = s + i * s_stride;
        uint8_t *out = w + i * w_stride;
        int32_t tile_max = row[0];
        for (size_t j = 1; j < n; j++) tile_max = row[j] > tile_max ? row[j] : tile_max;
        int32_t max = es_softmax_row_start(first, tile_max, &row_max[i], &sums[i], o + i * o_stride, d, rq);
        uint32_t sum = 0;
        for (size_t j = 0; j < n; j++) {
            out[j] = weight(es_softmax_exponent(row[j], max, rq));
            sum += out[j];
        }
        sums[i] += sum;
    }
}

// The weight tables of the table version (qs32-softmax-online-rndnu-lut.c), built on first use: for the bucket
// (−t) >> 8 of an exponent t, (the t at which the weight steps up, or 1) << 8 | the weight at the bucket's low
// end. Exponents below −ES_SOFTMAX_BUCKETS·256 have weight 0.
enum { ES_SOFTMAX_BUCKETS = 2304 };
const int32_t *es_softmax_weight_buckets(void);

// es_qs32_softmax_weight_scalar(t) from the bucket table: one lookup and one compare.
static inline uint8_t es_softmax_bucket_weight(const int32_t *buckets, int32_t t) {
    uint32_t b = (uint32_t)(-(int64_t)t) >> 8;
    if (b >= ES_SOFTMAX_BUCKETS) return 0;
    int32_t entry = buckets[b];
    return (uint8_t)((entry & 0xFF) + (t >= (entry >> 8)));
}

#endif
