// k×k convolution (patch embeddings 7×7 s4 p3, 3×3 s2 p1; spatial reduction k = s, p = 0) as an implicit
// GEMM: in NHWC with OHWI weights, each kernel row is one contiguous run of (valid kx) × in_c values in
// both the input and the weights, so the inner product is the GEMM's. Padded taps are skipped: padding
// with the input zero point contributes (zp - zp) · w = 0.
#include "es-int8-math.h"

size_t es_conv2d_out_size(size_t in, size_t kernel, size_t stride, size_t pad) {
    return (in + 2 * pad - kernel) / stride + 1;
}

// First and one-past-last kernel tap whose input coordinate (o·stride + tap - pad) lies inside [0, in).
static void valid_taps(size_t o, size_t in, size_t kernel, size_t stride, size_t pad, size_t *first, size_t *end) {
    size_t origin = o * stride;  // input coordinate of tap 0, plus pad
    *first = origin < pad ? pad - origin : 0;
    *end = in + pad > origin ? in + pad - origin : 0;
    if (*end > kernel) *end = kernel;
}

void es_qs8_qc8w_conv2d_nhwc_rndnu_scalar(es_conv2d_shape s, const int8_t *x, int32_t x_zero_point,
                                          const int8_t *w, const int32_t *bias, const es_requant *requant,
                                          es_qs8_out out, int8_t *y) {
    size_t out_h = es_conv2d_out_size(s.in_h, s.kernel, s.stride, s.pad);
    size_t out_w = es_conv2d_out_size(s.in_w, s.kernel, s.stride, s.pad);
    size_t patch = s.kernel * s.kernel * s.in_c;
    for (size_t oy = 0; oy < out_h; oy++) {
        size_t ky0, ky1;
        valid_taps(oy, s.in_h, s.kernel, s.stride, s.pad, &ky0, &ky1);
        for (size_t ox = 0; ox < out_w; ox++) {
            size_t kx0, kx1;
            valid_taps(ox, s.in_w, s.kernel, s.stride, s.pad, &kx0, &kx1);
            size_t run = kx1 > kx0 ? (kx1 - kx0) * s.in_c : 0;
            for (size_t o = 0; o < s.out_c; o++) {
                int32_t acc = bias ? bias[o] : 0;
                for (size_t ky = ky0; ky < ky1; ky++) {
                    size_t iy = oy * s.stride + ky - s.pad, ix = ox * s.stride + kx0 - s.pad;
                    const int8_t *xr = x + (iy * s.in_w + ix) * s.in_c;
                    const int8_t *wr = w + o * patch + (ky * s.kernel + kx0) * s.in_c;
                    acc += es_dot_s8(run, xr, x_zero_point, wr, 0);
                }
                y[(oy * out_w + ox) * s.out_c + o] = (int8_t)es_requantize(acc, requant[o], out);
            }
        }
    }
}
