// The online softmax with its weights from two small tables instead of an exp per score: the weight
// round(255 · 2^(t/2^16)) is a non-decreasing step function of the exponent t (checked for every t by the
// tests), and rises by at most one step over 256 consecutive t. So for the bucket (−t) >> 8 a table gives the
// weight at the bucket's low end and the t at which it steps up, if it does: one lookup and one compare give
// exactly es_qs32_softmax_weight_scalar(t). Below t = −2304·256 every weight is 0.
#include <pthread.h>

#include "qs32-softmax-online.h"

enum { BUCKETS = 2304 };

static uint8_t bucket_base[BUCKETS];      // the weight at t = −(256·b + 255)
static int32_t bucket_step_at[BUCKETS];   // the smallest t in the bucket with weight base + 1, or 1 (never)
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void) {
    for (int32_t b = 0; b < BUCKETS; b++) {
        int32_t low = -(256 * b + 255);
        uint8_t base = es_qs32_softmax_weight_scalar(low);
        int32_t step = 1;
        for (int32_t t = low + 1; t <= -256 * b; t++) {
            if (es_qs32_softmax_weight_scalar(t) != base) {
                step = t;
                break;
            }
        }
        bucket_base[b] = base;
        bucket_step_at[b] = step;
    }
}

static inline uint8_t weight_from_tables(int32_t t) {
    uint32_t b = (uint32_t)(-(int64_t)t) >> 8;
    if (b >= BUCKETS) return 0;
    return (uint8_t)(bucket_base[b] + (t >= bucket_step_at[b]));
}

uint8_t es_qs32_softmax_weight_lut(int32_t t_q16) {
    pthread_once(&tables_once, build_tables);
    return weight_from_tables(t_q16);
}

void es_qs32_softmax_online_rndnu_lut(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                      int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                      size_t d, uint8_t *w, size_t w_stride) {
    pthread_once(&tables_once, build_tables);
    es_softmax_online_rows(rows, n, s, s_stride, rq, first, row_max, sums, o, o_stride, d, w, w_stride,
                           weight_from_tables);
}
