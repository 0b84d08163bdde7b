// Quantize-time parameter builders (host side): the only int8 code that uses floating point.
// Everything here turns scales into the integers the run-time kernels take.
#include "es_int8.h"

#include <math.h>

// real ≈ multiplier · 2^-shift with shift <= max_shift; see es_requant_init.
static int requant_with_max_shift(double real, int max_shift, es_requant *rq) {
    rq->multiplier = 0;
    rq->shift = 31;
    if (!(fabs(real) < 0x1p30)) return -1;  // also rejects NaN
    if (real == 0) return 0;
    int e;
    frexp(fabs(real), &e);  // |real| = f · 2^e, f in [0.5, 1)
    int shift = 31 - e < max_shift ? 31 - e : max_shift;
    double m = round(ldexp(fabs(real), shift));
    if (m >= 0x1p31) {  // f rounded up to 1
        m = 0x1p30;
        shift -= 1;
    }
    if (shift < 1) return -1;
    rq->multiplier = (int32_t)(real < 0 ? -m : m);
    rq->shift = shift;
    return 0;
}

int es_requant_init(double real, es_requant *rq) {
    return requant_with_max_shift(real, 62, rq);
}

void es_qs8_gelu_table_init(double in_scale, int32_t in_zero_point, double out_scale, int32_t out_zero_point,
                            int8_t table[256]) {
    for (int q = -128; q < 128; q++) {
        double x = in_scale * (q - in_zero_point);
        double g = 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
        double v = round(g / out_scale) + out_zero_point;
        table[q + 128] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
    }
}

int es_qs8_layernorm_init(size_t channels, double eps, double in_scale, const float *gamma, const float *beta,
                          double out_scale, es_qs8_layernorm_channel *per_channel, uint64_t *eps_term) {
    if (channels == 0 || channels > 4096 || !(in_scale > 0) || !(out_scale > 0) || !(eps >= 0)) return -1;
    double c = (double)channels, e = ldexp(c * c * eps / (in_scale * in_scale), 22);
    *eps_term = e < 0x1p61 ? (uint64_t)round(e) : (uint64_t)1 << 61;
    for (size_t i = 0; i < channels; i++) {
        // z is Q24; shift <= 50 keeps z·multiplier + offset below 2^63 with the offset clamp below.
        es_requant rq;
        if (requant_with_max_shift(gamma[i] / out_scale / 0x1p24, 50, &rq) != 0) return -1;
        // Beyond ±(max |z·multiplier| + 2^9 · 2^shift) the output saturates the same way, so clamp there.
        double limit = 0x1p30 * fabs((double)rq.multiplier) + ldexp(1, rq.shift + 9);
        double offset = round(ldexp(beta[i] / out_scale, rq.shift));
        if (isnan(offset)) return -1;
        per_channel[i].multiplier = rq.multiplier;
        per_channel[i].shift = rq.shift;
        per_channel[i].offset = (int64_t)(offset > limit ? limit : offset < -limit ? -limit : offset);
    }
    return 0;
}

int es_qs32_softmax_init(double score_scale, es_requant *rq) {
    if (!(score_scale > 0)) return -1;
    return es_requant_init(score_scale * 1.4426950408889634 * 0x1p16, rq);  // log2(e)
}

int es_qs8_vadd_init(double a_scale, int32_t a_zero_point, double b_scale, int32_t b_zero_point, double out_scale,
                     es_qs8_vadd_params *params) {
    double ra = a_scale / out_scale, rb = b_scale / out_scale;
    if (!(ra > 0 && rb > 0 && ra < 0x1p30 && rb < 0x1p30)) return -1;
    int e;
    frexp(fmax(ra, rb), &e);
    int shift = 31 - e < 62 ? 31 - e : 62;
    while (shift >= 1 && fmax(round(ldexp(ra, shift)), round(ldexp(rb, shift))) >= 0x1p31) shift--;
    if (shift < 1) return -1;
    params->a_zero_point = a_zero_point;
    params->b_zero_point = b_zero_point;
    params->a_multiplier = (int32_t)round(ldexp(ra, shift));
    params->b_multiplier = (int32_t)round(ldexp(rb, shift));
    params->shift = shift;
    return 0;
}

int es_qs8_upsample_sum_init(size_t inputs, const double *scales, double out_scale, size_t channels,
                             const float *bias, int32_t *multipliers, int32_t *shift, int64_t *bias_q) {
    double largest = 0;
    for (size_t i = 0; i < inputs; i++) {
        double r = scales[i] / out_scale;
        if (!(r > 0 && r < 0x1p30)) return -1;
        largest = fmax(largest, r);
    }
    int e;
    frexp(largest, &e);
    int s = 31 - e < 50 ? 31 - e : 50;  // ≤ 50 keeps bias · 2^(s+11) and the int64 sum in range
    while (s >= 1 && round(ldexp(largest, s)) >= 0x1p31) s--;
    if (s < 1) return -1;
    for (size_t i = 0; i < inputs; i++) multipliers[i] = (int32_t)round(ldexp(scales[i] / out_scale, s));
    for (size_t c = 0; c < channels; c++) {
        double b = ldexp((double)bias[c] / out_scale, s + 11);
        if (!(fabs(b) < 0x1p62)) return -1;
        bias_q[c] = (int64_t)llround(b);
    }
    *shift = s;
    return 0;
}
