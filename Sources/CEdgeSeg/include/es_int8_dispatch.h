// Run-time choice of the int8 kernels, XNNPACK style: the CPU is probed once, the best kernels it can run
// fill one table, and the layers call through it. Every entry returns exactly the bits of its scalar
// reference in es_int8.h, so the choice changes speed only.
//
// EDGESEG_ISA=scalar|avx2|avx512vnni|neon|neondot overrides the choice (every name is accepted on every
// build). An ISA the CPU (or this build, e.g. the other architecture's) lacks falls back to the best one
// it has; an unknown name selects scalar. Either case writes one line to
// stderr when the table is first filled; a valid, supported choice prints nothing.
#ifndef ES_INT8_DISPATCH_H
#define ES_INT8_DISPATCH_H
#include "es_int8.h"

// Ordered within each architecture: each level implies the ones before it on every CPU that has it.
typedef enum {
    ES_INT8_ISA_SCALAR = 0,
    ES_INT8_ISA_AVX2 = 1,
    ES_INT8_ISA_AVX512VNNI = 2,  // avx512f + avx512bw + avx512vl + avx512vnni
    ES_INT8_ISA_NEON = 3,        // aarch64 baseline (Cortex-A72, Raspberry Pi 4)
    ES_INT8_ISA_NEONDOT = 4,     // + SDOT/UDOT, ARMv8.2 dotprod (Cortex-A76, Raspberry Pi 5)
} es_int8_isa;

// The signature of es_qs8_qc8w_gemm_rndnu_scalar.
typedef void (*es_qs8_qc8w_gemm_fn)(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                    const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride);

// The GEMM on weights packed once per layer (at model load), bit for bit es_qs8_qc8w_gemm_rndnu_scalar with
// the w, bias (may be NULL), a_zero_point and requant given to pack. packed_bytes(n, k) is the size of the
// packed form; pack writes it into `packed` (64-byte aligned) in the row's own layout, so a packed buffer
// belongs to the table it was made with. The other arguments are the reference's.
typedef size_t (*es_qs8_qc8w_gemm_packed_bytes_fn)(size_t n, size_t k);
typedef void (*es_qs8_qc8w_gemm_pack_fn)(size_t n, size_t k, const int8_t *w, const int32_t *bias,
                                         int32_t a_zero_point, const es_requant *requant, void *packed);
typedef void (*es_qs8_qc8w_gemm_packed_fn)(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                           const void *packed, es_qs8_out out, int8_t *y, size_t y_stride);

// The signatures of the other scalar references in es_int8.h.
typedef void (*es_qs8_qk_fn)(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                             const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride);
typedef void (*es_qu8_pv_fn)(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                             size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride);
typedef void (*es_qs8_qc8w_dwconv3x3p1_fn)(size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                                           const int8_t *x, int32_t x_zero_point, const int8_t *weights,
                                           const int32_t *bias, const es_requant *requant, es_qs8_out out,
                                           int8_t *y);
typedef void (*es_qs32_softmax_online_fn)(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                          int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                          size_t d, uint8_t *w, size_t w_stride);
typedef void (*es_qs8_vadd_fn)(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params, es_qs8_out out,
                               int8_t *y);
typedef void (*es_qs8_ibilinear_argmax_fn)(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h,
                                           size_t out_w, size_t first_row, size_t rows, uint8_t *labels);
typedef void (*es_qs8_layernorm_fn)(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                    const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y);
typedef void (*es_qs32_attention_normalize_fn)(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                               const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                               size_t y_stride);
typedef void (*es_qs8_lut_fn)(size_t n, const int8_t *x, const int8_t table[256], int8_t *y);
typedef void (*es_qs8_upsample_sum_fn)(size_t inputs, const es_qs8_upsample_input *in, size_t out_h, size_t out_w,
                                       size_t c, size_t first_row, size_t rows,
                                       const int32_t *multipliers, int32_t shift, const int64_t *bias_q,
                                       es_qs8_out out, int8_t *y);

// One kernel per op that carries the MACs; an ISA without its own version of one points at the scalar one.
typedef struct {
    es_int8_isa isa;
    const char *name;  // "scalar", "avx2", "avx512vnni", "neon", "neondot"
    es_qs8_qc8w_gemm_fn gemm;
    es_qs8_qk_fn qk;
    es_qu8_pv_fn pv;
    es_qs8_qc8w_dwconv3x3p1_fn dwconv3x3;
    es_qs8_upsample_sum_fn upsample_sum;
    es_qs8_layernorm_fn layernorm;
    // es_qs32_softmax_online_rndnu_scalar's bits; the scalar row takes the table version (the runtime's default).
    es_qs32_softmax_online_fn softmax_online;
    es_qs8_qc8w_gemm_packed_bytes_fn gemm_packed_bytes;
    es_qs8_qc8w_gemm_pack_fn gemm_pack;
    es_qs8_qc8w_gemm_packed_fn gemm_packed;
    es_qs8_vadd_fn vadd;
    es_qs8_ibilinear_argmax_fn class_map;
    es_qs32_attention_normalize_fn attention_normalize;
    es_qs8_lut_fn lut;
} es_int8_kernel_table;

// The table chosen for this process (CPU and EDGESEG_ISA), filled on first use; thread-safe.
const es_int8_kernel_table *es_int8_kernels(void);

// Name of the chosen ISA, e.g. "avx512vnni".
const char *es_int8_isa_name(void);

// The table of one ISA, or NULL if this CPU or build cannot run it (tests compare every ISA in one process).
const es_int8_kernel_table *es_int8_kernels_for_isa(es_int8_isa isa);

// CPU features seen by the probe (each 0 on the other architecture). AVX-VNNI (the VEX form of vpdpbusd)
// is detected for reporting; it has no kernels of its own yet, so such CPUs run the AVX2 ones. NEON is
// baseline on aarch64; neondot is HWCAP_ASIMDDP (Linux). avx512vbmi (byte permutes) is not a table of its own:
// the avx512vnni table's lookup kernel checks it.
typedef struct {
    int avx2;
    int avx512vnni;
    int avxvnni;
    int neondot;
    int avx512vbmi;
} es_int8_cpu_features;

es_int8_cpu_features es_int8_cpu_probe(void);

// k×k convolution through kernels->gemm, bit for bit es_qs8_qc8w_conv2d_nhwc_rndnu_scalar (same arguments):
// the patches of a fixed number of output pixels at a time are copied into scratch (taps outside the input
// set to x_zero_point, which adds (z − z)·w = 0 like the reference's skipped taps) and multiplied by the
// weights [out_c][k·k·in_c] in one GEMM call. scratch: es_qs8_conv2d_scratch_bytes(shape) bytes, any alignment.
size_t es_qs8_conv2d_scratch_bytes(es_conv2d_shape shape);
void es_qs8_qc8w_conv2d_nhwc_rndnu_gemm(const es_int8_kernel_table *kernels, es_conv2d_shape shape, const int8_t *x,
                                        int32_t x_zero_point, const int8_t *w, const int32_t *bias,
                                        const es_requant *requant, es_qs8_out out, int8_t *y, int8_t *scratch);

// The same convolution as independent work items for threads: es_qs8_conv2d_tiles(shape) tiles of output
// pixels, tile t writing its pixels of y (the whole output map) with its own scratch.
size_t es_qs8_conv2d_tiles(es_conv2d_shape shape);
void es_qs8_qc8w_conv2d_nhwc_rndnu_gemm_tile(const es_int8_kernel_table *kernels, es_conv2d_shape shape, size_t tile,
                                             const int8_t *x, int32_t x_zero_point, const int8_t *w, const int32_t *bias,
                                             const es_requant *requant, es_qs8_out out, int8_t *y, int8_t *scratch);

// The plain packed layout (weights, bias, zero point and requant as given) and the packed GEMM on it that
// calls the reference: the scalar row's, and the shape of every row without a packed kernel of its own.
size_t es_qs8_qc8w_gemm_plain_packed_bytes(size_t n, size_t k);
void es_qs8_qc8w_gemm_plain_pack(size_t n, size_t k, const int8_t *w, const int32_t *bias, int32_t a_zero_point,
                                 const es_requant *requant, void *packed);
void es_qs8_qc8w_gemm_packed_rndnu_scalar(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                          const void *packed, es_qs8_out out, int8_t *y, size_t y_stride);

#if defined(__x86_64__)
// Packed GEMMs: blocks of 8 (AVX2, int16 pairs) or 16 (AVX-512 VNNI, groups of 4 bytes) output channels.
size_t es_qs8_qc8w_gemm_avx2_packed_bytes(size_t n, size_t k);
void es_qs8_qc8w_gemm_avx2_pack(size_t n, size_t k, const int8_t *w, const int32_t *bias, int32_t a_zero_point,
                                const es_requant *requant, void *packed);
void es_qs8_qc8w_gemm_packed_rndnu_avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                        const void *packed, es_qs8_out out, int8_t *y, size_t y_stride);
size_t es_qs8_qc8w_gemm_avx512vnni_packed_bytes(size_t n, size_t k);
void es_qs8_qc8w_gemm_avx512vnni_pack(size_t n, size_t k, const int8_t *w, const int32_t *bias,
                                      int32_t a_zero_point, const es_requant *requant, void *packed);
void es_qs8_qc8w_gemm_packed_rndnu_avx512vnni(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                              const void *packed, es_qs8_out out, int8_t *y, size_t y_stride);

// Same contract as es_qs8_qc8w_gemm_rndnu_scalar; callable only on CPUs with the named features.
void es_qs8_qc8w_gemm_rndnu_avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                 int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                 const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride);
void es_qs8_qc8w_gemm_rndnu_avx512vnni(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                       int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                       const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride);
void es_qs8_qk_avx2(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                    const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride);
void es_qs8_qk_avx512vnni(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                          const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride);
void es_qu8_pv_avx2(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                    size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride);
void es_qu8_pv_avx512vnni(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                          size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride);
void es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_avx2(size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                                             const int8_t *x, int32_t x_zero_point, const int8_t *weights,
                                             const int32_t *bias, const es_requant *requant, es_qs8_out out,
                                             int8_t *y);
void es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_avx512vnni(size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                                                   const int8_t *x, int32_t x_zero_point, const int8_t *weights,
                                                   const int32_t *bias, const es_requant *requant, es_qs8_out out,
                                                   int8_t *y);
void es_qs8_vadd_rndnu_avx2(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params, es_qs8_out out,
                            int8_t *y);
void es_qs8_ibilinear_argmax_avx2(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h, size_t out_w,
                                  size_t first_row, size_t rows, uint8_t *labels);
void es_qs8_upsample_sum_rndnu_avx2(size_t inputs, const es_qs8_upsample_input *in, size_t out_h, size_t out_w,
                                    size_t c, size_t first_row, size_t rows,
                                    const int32_t *multipliers, int32_t shift, const int64_t *bias_q,
                                    es_qs8_out out, int8_t *y);
void es_qs8_layernorm_rndnu_avx2(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                 const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y);
void es_qs32_softmax_online_rndnu_avx2(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                       int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                       size_t d, uint8_t *w, size_t w_stride);
void es_qs32_attention_normalize_rndnu_avx2(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                            const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                            size_t y_stride);
void es_qs8_lut_avx2(size_t n, const int8_t *x, const int8_t table[256], int8_t *y);
// avx512f + avx512bw + avx512vl (no byte dot products in these); the avx512vnni table uses them.
void es_qs8_vadd_rndnu_avx512(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params,
                              es_qs8_out out, int8_t *y);
void es_qs8_ibilinear_argmax_avx512(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h, size_t out_w,
                                    size_t first_row, size_t rows, uint8_t *labels);
void es_qs32_softmax_online_rndnu_avx512(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                         int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                         size_t d, uint8_t *w, size_t w_stride);
void es_qs32_attention_normalize_rndnu_avx512(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                              const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                              size_t y_stride);
// The VBMI lookup where the CPU has it, else the scalar one.
void es_qs8_lut_avx512vbmi(size_t n, const int8_t *x, const int8_t table[256], int8_t *y);
void es_qs8_layernorm_rndnu_avx512(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                   const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y);
void es_qs8_upsample_sum_rndnu_avx512(size_t inputs, const es_qs8_upsample_input *in, size_t out_h, size_t out_w,
                                      size_t c, size_t first_row, size_t rows,
                                      const int32_t *multipliers, int32_t shift, const int64_t *bias_q,
                                      es_qs8_out out, int8_t *y);
#endif

#if defined(__aarch64__)
// Packed GEMMs in the plain layout, calling the row's GEMM.
void es_qs8_qc8w_gemm_packed_rndnu_neon(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                        const void *packed, es_qs8_out out, int8_t *y, size_t y_stride);
void es_qs8_qc8w_gemm_packed_rndnu_neondot(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                           const void *packed, es_qs8_out out, int8_t *y, size_t y_stride);

// Same contracts as the scalar references; the *_neondot ones need the dot-product extension.
void es_qs8_qc8w_gemm_rndnu_neon(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                 int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                 const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride);
void es_qs8_qc8w_gemm_rndnu_neondot(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                    int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                    const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride);
void es_qs8_qk_neon(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                    const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride);
void es_qs8_qk_neondot(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                       const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride);
void es_qu8_pv_neon(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                    size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride);
void es_qu8_pv_neondot(size_t nq, size_t nk, size_t d, const uint8_t *p, size_t p_stride, const int8_t *v,
                       size_t v_stride, int32_t v_zero_point, int32_t *o, size_t o_stride);
void es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_neon(size_t h, size_t w, size_t c, size_t first_row, size_t rows,
                                             const int8_t *x, int32_t x_zero_point, const int8_t *weights,
                                             const int32_t *bias, const es_requant *requant, es_qs8_out out,
                                             int8_t *y);
void es_qs8_upsample_sum_rndnu_neon(size_t inputs, const es_qs8_upsample_input *in, size_t out_h, size_t out_w,
                                    size_t c, size_t first_row, size_t rows,
                                    const int32_t *multipliers, int32_t shift, const int64_t *bias_q,
                                    es_qs8_out out, int8_t *y);
void es_qs8_layernorm_rndnu_neon(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                 const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y);
void es_qs32_attention_normalize_rndnu_neon(size_t rows, size_t d, const int32_t *o, size_t o_stride,
                                            const uint32_t *sums, es_requant rq, es_qs8_out out, int8_t *y,
                                            size_t y_stride);
void es_qs8_lut_neon(size_t n, const int8_t *x, const int8_t table[256], int8_t *y);
void es_qs8_ibilinear_argmax_neon(size_t in_h, size_t in_w, size_t c, const int8_t *x, size_t out_h, size_t out_w,
                                  size_t first_row, size_t rows, uint8_t *labels);
void es_qs32_softmax_online_rndnu_neon(size_t rows, size_t n, const int32_t *s, size_t s_stride, es_requant rq,
                                       int first, int32_t *row_max, uint32_t *sums, int32_t *o, size_t o_stride,
                                       size_t d, uint8_t *w, size_t w_stride);
void es_qs8_vadd_rndnu_neon(size_t n, const int8_t *a, const int8_t *b, es_qs8_vadd_params params, es_qs8_out out,
                            int8_t *y);
#endif

#endif
