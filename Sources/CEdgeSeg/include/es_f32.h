// fp32 reference kernels: the float path that matches PyTorch / transformers. Layout is token-major
// (NHWC without N): a feature map of h×w pixels and c channels is h*w rows of c floats.
#ifndef ES_F32_H
#define ES_F32_H
#include <stddef.h>
#include <stdint.h>

// c[m×n] = a[m×k] · b[k×n] + bias[n] (bias may be NULL). Row-major, dense.
void es_f32_gemm(size_t m, size_t n, size_t k, const float *a, const float *b, const float *bias, float *c);

// Gathers k×k patches of an h×w×c map (stride s, zero padding p) into rows of k*k*c values ordered
// (ky, kx, channel), one row per output pixel of output rows [first_row, first_row + rows) (ow pixels each):
// out is (rows*ow) × (k*k*c). A convolution is then a GEMM.
void es_f32_im2col(const float *x, size_t h, size_t w, size_t c, size_t k, size_t s, size_t p,
                   size_t ow, size_t first_row, size_t rows, float *out);

// Depthwise 3×3, stride 1, zero padding 1, on an h×w×c map: output rows [first_row, first_row + rows) into y
// (their first row at y). weights are 9 × c ((ky, kx) major), bias c.
void es_f32_dwconv3x3(const float *x, size_t h, size_t w, size_t c, size_t first_row, size_t rows, const float *weights,
                      const float *bias, float *y);

// LayerNorm over the c channels of each of `rows` rows: y = (x - mean) / sqrt(var + eps) * gamma + beta.
void es_f32_layernorm(const float *x, size_t rows, size_t c, const float *gamma, const float *beta, float eps, float *y);

// y = x * 0.5 * (1 + erf(x / sqrt(2))), the exact GELU.
void es_f32_gelu(const float *x, size_t count, float *y);

// y += x, element-wise.
void es_f32_add_inplace(float *y, const float *x, size_t count);

// Multi-head attention: q is n×c, k and v are m×c, c = heads × d. out (n×c) = softmax(q·kᵀ/√d)·v per head.
// scratch holds at least es_f32_attention_scratch(m, c) floats.
size_t es_f32_attention_scratch(size_t m, size_t c);
void es_f32_attention(const float *q, const float *k, const float *v, size_t n, size_t m, size_t c, size_t heads,
                      float *scratch, float *out);

// Bilinear resize of an h×w map with c interleaved channels to oh×ow, half-pixel centres
// (align_corners = False, no antialias), as torch.nn.functional.interpolate(mode="bilinear").
void es_f32_resize_bilinear(const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow, float *y);

// The int8 model's input (oh×ow×3, channels last) from an h×w RGB picture: the bits of preprocess() (resize,
// then (v/255 − mean)/std per channel) quantized with q = clamp(round(x · inverse_scale) + zero_point). Only
// output rows [first_row, first_row + rows) are computed, into y (their first row at y).
void es_f32_quantize_rgb8(const uint8_t *rgb, size_t h, size_t w, size_t oh, size_t ow, size_t first_row, size_t rows,
                          const float mean[3], const float std[3], double inverse_scale, int32_t zero_point,
                          int8_t *y);

// Rows [first_row, first_row + rows) of the bilinear resize of an h×w×c map to oh×ow, added to y (their first
// row at y): the float decoder head sums its upsampled stage projections a band of rows at a time.
void es_f32_upsample_add_rows(const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow, size_t first_row,
                              size_t rows, float *y);

// int8 codes of an activation point to floats, y = (x − zero_point) · scale, and back,
// y = clamp(round(x · inverse_scale) + zero_point) (rounding half away from zero, in double): the
// boundaries of a layer a mixed-precision model runs in float.
void es_f32_dequantize_qs8(size_t count, const int8_t *x, float scale, int32_t zero_point, float *y);
void es_f32_quantize_qs8(size_t count, const float *x, double inverse_scale, int32_t zero_point, int8_t *y);

// The fp32 model's input from an h×w RGB picture: preprocess()'s bits (resize, then (v/255 − mean)/std per
// channel), output rows [first_row, first_row + rows) of oh×ow×3 (channels last) into y (their first row at y).
void es_f32_normalize_rgb8(const uint8_t *rgb, size_t h, size_t w, size_t oh, size_t ow, size_t first_row, size_t rows,
                           const float mean[3], const float std[3], float *y);

// The class map of float logits (h×w×c) at oh×ow: each output pixel's c logits bilinearly interpolated (as
// es_f32_resize_bilinear) and the first largest taken (as es_f32_argmax); output rows [first_row,
// first_row + rows) into labels (their first row at labels).
void es_f32_bilinear_argmax(const float *x, size_t h, size_t w, size_t c, size_t oh, size_t ow, size_t first_row, size_t rows,
                            unsigned char *labels);

// Per-pixel argmax over c channels of an n×c map (first maximum wins, as torch.argmax).
void es_f32_argmax(const float *x, size_t n, size_t c, unsigned char *labels);

#endif
