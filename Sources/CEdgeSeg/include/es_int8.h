// int8 reference kernels: the integer arithmetic of EdgeSeg's int8 path, defined bit for bit.
// Optimised kernels (AVX2, AVX-512 VNNI, NEON) must produce exactly these results.
// Design and error bounds: kernels/int8/QUANTIZATION.md. Layout is token-major (NHWC without N).
//
// Two kinds of functions:
//  - quantize time (`*_init`, host side): turn float scales into integer parameters; may use double.
//  - run time (everything else): integers only, no float argument, no float inside.
#ifndef ES_INT8_H
#define ES_INT8_H
#include <stddef.h>
#include <stdint.h>

// A real multiplier as multiplier · 2^-shift, 1 <= shift <= 62. Applied with one rounding,
// half toward +infinity ("rndnu"): round(acc · multiplier / 2^shift).
typedef struct {
    int32_t multiplier;
    int32_t shift;
} es_requant;
// Model files store es_requant arrays that the runtime reads in place: the layout is part of the file format.
_Static_assert(sizeof(es_requant) == 8 && _Alignof(es_requant) == 4 && offsetof(es_requant, shift) == 4, "es_requant is {int32 multiplier, int32 shift} in .edgeseg files");

// Where a result lands: zero point and clamp range (min <= max, inside [-128, 127]; a narrower
// range fuses a ReLU).
typedef struct {
    int32_t zero_point;
    int32_t min;
    int32_t max;
} es_qs8_out;

// ---- Quantize time (host; may use double) --------------------------------------------------------

// |real| < 2^30. Normalised multiplier in [2^30, 2^31) (relative error <= 2^-31); below 2^-32 the
// shift stops at 62 and the multiplier shrinks (absolute error <= 2^-63). Returns 0, or -1 if out of range.
int es_requant_init(double real, es_requant *rq);

// table[q + 128] = clamp(round(gelu(in_scale · (q - in_zero_point)) / out_scale) + out_zero_point),
// exact-erf GELU, rounding half away from zero.
void es_qs8_gelu_table_init(double in_scale, int32_t in_zero_point, double out_scale, int32_t out_zero_point,
                            int8_t table[256]);

// Per channel of a LayerNorm: y = zero_point + round((z · multiplier + offset) / 2^shift), z = the
// normalised value in Q24.
typedef struct {
    int32_t multiplier;
    int32_t shift;
    int64_t offset;
} es_qs8_layernorm_channel;

// Folds gamma / out_scale into multipliers and beta / out_scale into offsets; *eps_term is
// round(channels² · eps / in_scale² · 2^22). channels <= 4096. Returns 0, or -1 if a value is out of range.
int es_qs8_layernorm_init(size_t channels, double eps, double in_scale, const float *gamma, const float *beta,
                          double out_scale, es_qs8_layernorm_channel *per_channel, uint64_t *eps_term);

// Softmax of int32 scores whose real value is score_scale · score: the multiplier for
// score_scale · log2(e) · 2^16 (scores → base-2 exponents in Q16). Returns 0, or -1 if out of range.
int es_qs32_softmax_init(double score_scale, es_requant *rq);

// y = zero_point + round(((a - a_zero_point) · a_multiplier + (b - b_zero_point) · b_multiplier) / 2^shift).
typedef struct {
    int32_t a_zero_point;
    int32_t b_zero_point;
    int32_t a_multiplier;
    int32_t b_multiplier;
    int32_t shift;
} es_qs8_vadd_params;

// Both ratios a_scale/out_scale and b_scale/out_scale share one shift; the larger multiplier is
// normalised to [2^30, 2^31). Returns 0, or -1 if a ratio is >= 2^30 or not positive.
int es_qs8_vadd_init(double a_scale, int32_t a_zero_point, double b_scale, int32_t b_zero_point, double out_scale,
                     es_qs8_vadd_params *params);

// ---- Run time (integers only) --------------------------------------------------------------------

// clamp(zero_point + round(acc · multiplier / 2^shift)) for each of n accumulators.
void es_qs32_requantize_rndnu_scalar(size_t n, const int32_t *acc, es_requant rq, es_qs8_out out, int8_t *y);

// y[m×n] = requant_n(bias[n] + Σ_k (a[m,k] - a_zero_point) · w[n,k]). Weights per output channel
// (symmetric int8), bias may be NULL, strides in elements. k · 255 · 127 + |bias| must stay below 2^31.
void es_qs8_qc8w_gemm_rndnu_scalar(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                   int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                   const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride);

typedef struct {
    size_t in_h, in_w, in_c, out_c;
    size_t kernel, stride, pad;
} es_conv2d_shape;

// Output height or width of a convolution (in + 2·pad >= kernel, stride >= 1).
size_t es_conv2d_out_size(size_t in, size_t kernel, size_t stride, size_t pad);

// k×k convolution on an in_h×in_w×in_c map → out_h×out_w×out_c. Weights [out_c][k][k][in_c].
// Padding is the input zero point (a real zero), so padded taps contribute nothing.
void es_qs8_qc8w_conv2d_nhwc_rndnu_scalar(es_conv2d_shape shape, const int8_t *x, int32_t x_zero_point,
                                          const int8_t *w, const int32_t *bias, const es_requant *requant,
                                          es_qs8_out out, int8_t *y);

// Depthwise 3×3, stride 1, padding 1 (the input zero point) on an h×w×c map. Weights [3][3][c]. Only output
// rows [first_row, first_row + rows) are computed, into y (their first row at y); x is the whole map, so a band's
// taps above and below it read the real neighbouring rows and padding is only at the map's edges.
void es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar(size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                                               const int8_t *x, int32_t x_zero_point, const int8_t *weights,
                                               const int32_t *bias, const es_requant *requant, es_qs8_out out,
                                               int8_t *y);

// y[i] = table[x[i] + 128] (GELU or any other int8 → int8 function).
void es_qs8_lut_scalar(size_t n, const int8_t *x, const int8_t table[256], int8_t *y);

// LayerNorm over the channels (<= 4096) of each row. The input zero point cancels out, so it is not needed.
void es_qs8_layernorm_rndnu_scalar(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                   const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y);

// Attention scores of one head: s[i,j] = Σ_d (q[i,d] - q_zero_point) · (k[j,d] - k_zero_point).
// d <= 32768; strides in elements (a head is a channel slice of a token-major tensor).
void es_qs8_qk_scalar(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                      const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride);

// 2^(t / 2^16) in Q30 for t <= 0 (t < -31·2^16 gives 0); exactly 2^30 at t = 0.
int32_t es_q30_exp2(int32_t t_q16);

// floor(sqrt(u)) for u < 2^62 (exact; the LayerNorm row statistics use it).
uint64_t es_isqrt_u64(uint64_t u);

// Online softmax of one tile of keys (rows × n int32 scores) against each row's running state: its maximum
// (score units), its weight sum, and its d P·V accumulators in o. Writes the tile's weights
// w = round(255 · exp(s·(S − max))) in [0, 255] relative to the row's new maximum and adds them to the sum;
// the caller then adds the tile's P·V into o (es_qu8_pv). `first` starts a row (state set, o zeroed); a later
// tile that raises the maximum first scales the sum and o by exp(s·(old − new)) in Q30, one rounding each.
// A row's sum stays >= 255 and <= 255 · keys; keys < 2^15 keeps P·V below 2^31. Normalised by
// es_qs32_attention_normalize after the last tile.
void es_qs32_softmax_online_rndnu_scalar(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                         int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                         size_t d, uint8_t *w, size_t w_stride);

// The same bits with each weight from two small tables (built once per process) instead of an exp: what the
// runtime uses on every CPU. Its weight function equals the reference's for every exponent t (Q16, <= 0).
void es_qs32_softmax_online_rndnu_lut(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                      int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                      size_t d, uint8_t *w, size_t w_stride);

// One softmax weight round(255 · 2^(t/2^16)) for an exponent t <= 0 in Q16: by exp (reference) and by table.
uint8_t es_qs32_softmax_weight_scalar(int32_t t_q16);
uint8_t es_qs32_softmax_weight_lut(int32_t t_q16);

// o[i,c] += Σ_j p[i,j] · (v[j,c] - v_zero_point): softmax weights (uint8) times values, accumulated
// (key tiles add up; the caller zeroes o first). Σ_j p[i,j] · 255 plus |o| must stay below 2^31.
void es_qu8_pv_scalar(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                      size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride);

// The context from unnormalised P·V (weights from es_qs32_softmax_online): for each of `rows` rows of d
// accumulators, y = clamp(z_y + round(o · M / sum)) with M = s_v / s_y as rq. One division per row.
void es_qs32_attention_normalize_rndnu_scalar(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                              const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                              size_t y_stride);

// y = a + b with each in its own scale (residual connections).
void es_qs8_vadd_rndnu_scalar(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params,
                              es_qs8_out out, int8_t *y);

// Bilinear resize of an in_h×in_w×c map to out_h×out_w×c, half-pixel centres (align_corners = false),
// Q11 weights, scale and zero point unchanged.
void es_qs8_ibilinear_nhwc_scalar(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h, size_t out_w,
                                  int8_t *y);

// ---- Decoder head (folded) -----------------------------------------------------------------------

// One input of es_qs8_upsample_sum: an h×w×c int8 map with its zero point and its multiplier (the ratio
// of its scale to the output's, times 2^shift, all inputs sharing one shift). x holds the map from row
// first_row on (0 for a whole map; a band when the map has the output's size, whose rows map one to one).
typedef struct {
    const int8_t *x;
    size_t first_row;
    size_t h, w;
    int32_t zero_point;
    int32_t multiplier;
} es_qs8_upsample_input;

// Quantize time: multipliers for input scales → out_scale with one shared shift (the largest multiplier
// normalised to [2^30, 2^31)), and per-channel bias (real, in output units) as int64 at 2^-(shift+11)
// of an output step. Returns 0, or -1 if a ratio is >= 2^30 or not positive.
int es_qs8_upsample_sum_init(size_t inputs, const double *scales, double out_scale, size_t channels,
                             const float *bias, int32_t *multipliers, int32_t *shift, int64_t *bias_q);

// y[p,c] = clamp(z_y + round((Σ_i m_i · up_i(x_i − z_i)[p,c] / 2^11 + bias_q[c]) / 2^(shift+11))):
// every input bilinearly upsampled (half-pixel centres) to out_h×out_w, rescaled and summed before a
// single rounding. The interpolated value is kept in Q11 (rounded from Q22), so the result is within
// 1/2 + Σ_i m_i·2^-12/2^shift + the multipliers' error of the exact sum. A clamp from the zero point
// up fuses the ReLU. Only output rows [first_row, first_row + rows) are computed, into y (their first row
// at y): the decoder runs the head in bands of rows, on several threads, without the whole fused map.
void es_qs8_upsample_sum_rndnu_scalar(size_t inputs, const es_qs8_upsample_input *in, size_t out_h, size_t out_w,
                                      size_t c, size_t first_row, size_t rows,
                                      const int32_t *multipliers, int32_t shift, const int64_t *bias_q,
                                      es_qs8_out out, int8_t *y);

// The class map at out_h×out_w of an in_h×in_w×c int8 logits map (one scale for all classes): each
// pixel's logits are bilinearly interpolated exactly (Q22, no rounding) and the first maximum wins,
// as torch.argmax over float logits upsampled with align_corners = false. Only output rows
// [first_row, first_row + rows) are computed, into labels (their first row at labels). c <= 256.
void es_qs8_ibilinear_argmax_scalar(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h, size_t out_w,
                                    size_t first_row, size_t rows, uint8_t *labels);

#endif
