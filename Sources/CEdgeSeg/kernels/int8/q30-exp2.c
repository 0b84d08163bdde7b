// 2^t for t <= 0 in fixed point: the integer exp of softmax (base 2: log2(e) is folded into the score
// multiplier at quantize time). t = ip + f with ip = floor(t) and f in [0, 1) split as a/16 + r:
// 2^t = 2^(a/16) (table) · e^(r·ln2) (4th-order Taylor, r·ln2 < 0.0434) · 2^ip (a rounding shift).
// Relative error <= 2^-27 before the final shift (QUANTIZATION.md).
#include "es-int8-math.h"

// round(2^(i/16) · 2^30)
static const int64_t exp2_sixteenths_q30[16] = {
    1073741824, 1121280436, 1170923762, 1222764986, 1276901417, 1333434672, 1392470869, 1454120821,
    1518500250, 1585730000, 1655936265, 1729250827, 1805811301, 1885761398, 1969251188, 2056437387,
};

static const int64_t one_q30 = (int64_t)1 << 30;
static const int64_t ln2_q30 = 744261118;  // round(ln 2 · 2^30)

// round(a · b / 2^30) for a, b >= 0 below 2^31.
static int64_t mul_q30(int64_t a, int64_t b) {
    return (a * b + (one_q30 >> 1)) >> 30;
}

int32_t es_q30_exp2(int32_t t_q16) {
    if (t_q16 > 0) t_q16 = 0;
    if (t_q16 < -31 * 65536) return 0;  // 2^t < 2^-31 rounds to 0 in Q30
    int64_t ip = es_floor_shift(t_q16, 16);
    int64_t f = t_q16 - ip * 65536;  // [0, 2^16)
    int64_t u = ((f & 4095) * ln2_q30 + 32768) >> 16;  // r · ln 2 in Q30
    int64_t poly = one_q30 + mul_q30(u, one_q30 + mul_q30(u, (one_q30 >> 1) + mul_q30(u, 178956971 + mul_q30(u, 44739243))));
    int64_t v = mul_q30(exp2_sixteenths_q30[f >> 12], poly);  // 2^f in Q30, [2^30, 2^31)
    return (int32_t)(ip == 0 ? v : es_round_shift(v, (uint32_t)-ip));
}
