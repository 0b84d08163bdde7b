// The online softmax with its weights from one small table instead of an exp per score: the weight
// round(255 · 2^(t/2^16)) is a non-decreasing step function of the exponent t (checked for every t by the
// tests), and rises by at most one step over 256 consecutive t. So for the bucket (−t) >> 8 the table gives the
// weight at the bucket's low end and the t at which it steps up, if it does: one lookup and one compare give
// exactly es_qs32_softmax_weight_scalar(t). Below t = −2304·256 every weight is 0.
#include <pthread.h>

#include "qs32-softmax-online.h"

static int32_t buckets[ES_SOFTMAX_BUCKETS];  // step_at << 8 | base (step_at in [−2^20, 1], base in [0, 255])
static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

static void build_buckets(void) {
    for (int32_t b = 0; b < ES_SOFTMAX_BUCKETS; b++) {
        int32_t low = -(256 * b + 255);
        uint8_t base = es_qs32_softmax_weight_scalar(low);
        int32_t step = 1;
        for (int32_t t = low + 1; t <= -256 * b; t++) {
            if (es_qs32_softmax_weight_scalar(t) != base) {
                step = t;
                break;
            }
        }
        buckets[b] = (int32_t)((uint32_t)step << 8) | base;
    }
}

const int32_t *es_softmax_weight_buckets(void) {
    pthread_once(&buckets_once, build_buckets);
    return buckets;
}

static inline uint8_t weight_from_buckets(int32_t t) { return es_softmax_bucket_weight(buckets, t); }

uint8_t es_qs32_softmax_weight_lut(int32_t t_q16) {
    es_softmax_weight_buckets();
    return weight_from_buckets(t_q16);
}

void es_qs32_softmax_online_rndnu_lut(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                      int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                      size_t d, uint8_t *w, size_t w_stride) {
    es_softmax_weight_buckets();
    es_softmax_online_rows(rows, n, s, s_stride, rq, first, row_max, sums, o, o_stride, d, w, w_stride,
                           weight_from_buckets);
}
