// k×k convolution through the kernel table's GEMM (im2col by tiles): the patches of TILE output pixels are
// copied into scratch as rows of k·k·in_c codes in the weights' (ky, kx, c) order, taps outside the input
// set to the input zero point, then one GEMM call multiplies them by the weights [out_c][k·k·in_c]. A padded
// tap adds (z − z)·w = 0, so each accumulator is the reference's sum over its valid taps, and the GEMM's
// requantization is the reference's: bit for bit es_qs8_qc8w_conv2d_nhwc_rndnu_scalar.
#include <string.h>

#include "es_int8_dispatch.h"

enum { TILE = 32 };  // output pixels per GEMM call; the scratch holds their patches

size_t es_qs8_conv2d_scratch_bytes(es_conv2d_shape s) { return TILE * s.kernel * s.kernel * s.in_c; }

// The patch of output pixel (oy, ox) into row.
static void copy_patch(es_conv2d_shape s, const int8_t *x, int8_t zero, size_t oy, size_t ox, int8_t *row) {
    size_t run = s.kernel * s.in_c;
    // Taps kx0 .. kx1 of a kernel row read input columns inside [0, in_w).
    size_t left = ox * s.stride, kx0 = left < s.pad ? s.pad - left : 0;
    size_t kx1 = s.in_w + s.pad > left ? s.in_w + s.pad - left : 0;
    if (kx1 > s.kernel) kx1 = s.kernel;
    if (kx1 < kx0) kx1 = kx0;
    for (size_t ky = 0; ky < s.kernel; ky++, row += run) {
        size_t iy = oy * s.stride + ky;  // plus pad
        if (iy < s.pad || iy >= s.in_h + s.pad || kx1 == kx0) {
            memset(row, zero, run);
            continue;
        }
        memset(row, zero, kx0 * s.in_c);
        memcpy(row + kx0 * s.in_c, x + ((iy - s.pad) * s.in_w + left + kx0 - s.pad) * s.in_c, (kx1 - kx0) * s.in_c);
        memset(row + kx1 * s.in_c, zero, (s.kernel - kx1) * s.in_c);
    }
}

size_t es_qs8_conv2d_tiles(es_conv2d_shape s) {
    size_t pixels = es_conv2d_out_size(s.in_h, s.kernel, s.stride, s.pad) * es_conv2d_out_size(s.in_w, s.kernel, s.stride, s.pad);
    return (pixels + TILE - 1) / TILE;
}

void es_qs8_qc8w_conv2d_nhwc_rndnu_gemm_tile(const es_int8_kernel_table *kernels, es_conv2d_shape s, size_t tile,
                                             const int8_t *x, int32_t x_zero_point, const int8_t *w, const int32_t *bias,
                                             const es_requant *requant, es_qs8_out out, int8_t *y, int8_t *scratch) {
    size_t out_w = es_conv2d_out_size(s.in_w, s.kernel, s.stride, s.pad);
    size_t pixels = es_conv2d_out_size(s.in_h, s.kernel, s.stride, s.pad) * out_w;
    size_t patch = s.kernel * s.kernel * s.in_c, p0 = tile * TILE;
    size_t n = pixels - p0 < TILE ? pixels - p0 : TILE;
    for (size_t t = 0; t < n; t++)
        copy_patch(s, x, (int8_t)x_zero_point, (p0 + t) / out_w, (p0 + t) % out_w, scratch + t * patch);
    kernels->gemm(n, s.out_c, patch, scratch, patch, x_zero_point, w, bias, requant, out, y + p0 * s.out_c, s.out_c);
}

void es_qs8_qc8w_conv2d_nhwc_rndnu_gemm(const es_int8_kernel_table *kernels, es_conv2d_shape s, const int8_t *x,
                                        int32_t x_zero_point, const int8_t *w, const int32_t *bias,
                                        const es_requant *requant, es_qs8_out out, int8_t *y, int8_t *scratch) {
    for (size_t tile = 0, tiles = es_qs8_conv2d_tiles(s); tile < tiles; tile++)
        es_qs8_qc8w_conv2d_nhwc_rndnu_gemm_tile(kernels, s, tile, x, x_zero_point, w, bias, requant, out, y, scratch);
}
