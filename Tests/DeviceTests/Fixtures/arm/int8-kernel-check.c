// Checks every entry of the int8 kernel table of every ISA this CPU runs (except scalar itself) against the
// scalar reference, bit for bit, on random and edge data; built for aarch64 and run under qemu by
// ARMKernelTests.swift (the test target excludes this folder).
//
//   int8-kernel-check          "selected: <isa>", then "<isa>: <n> cases passed" per ISA checked; exits 1
//                              at the first mismatch, naming the op, the case and the element.
//   int8-kernel-check select   only the "selected:" line (EDGESEG_ISA checks).
//   int8-kernel-check bench    times the GEMM m 4096 n 256 k 1024 on scalar and on each ISA.
#define _POSIX_C_SOURCE 200112L  // clock_gettime, posix_memalign
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "es_int8_dispatch.h"

// ---- Data ---------------------------------------------------------------------------------------------

static uint64_t rng_state = 0x5EED;

// SplitMix64.
static uint64_t next_u64(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

// Uniform in [lo, hi].
static int64_t uniform(int64_t lo, int64_t hi) { return lo + (int64_t)(next_u64() % (uint64_t)(hi - lo + 1)); }

static void *alloc(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

// Random codes, or every one `fill` when fill is in [-128, 127].
static int8_t *codes(size_t n, int fill) {
    int8_t *p = alloc(n);
    for (size_t i = 0; i < n; i++) p[i] = (int8_t)(fill >= -128 && fill <= 127 ? fill : uniform(-128, 127));
    return p;
}

enum { RANDOM = 1000 };  // `fill` for random codes

// Multipliers from tiny (shift 62, small multiplier) through normal to huge (every output saturates),
// either sign, and zero.
static es_requant random_requant(void) {
    es_requant rq;
    switch (uniform(0, 5)) {
    case 0: rq.multiplier = (int32_t)uniform(1, 1 << 20); rq.shift = 62; break;
    case 1: rq.multiplier = (int32_t)uniform(1 << 30, 0x7FFFFFFF); rq.shift = (int32_t)uniform(1, 8); break;
    case 2: rq.multiplier = 0; rq.shift = 31; break;
    default: rq.multiplier = (int32_t)uniform(1 << 30, 0x7FFFFFFF); rq.shift = (int32_t)uniform(9, 62); break;
    }
    if (uniform(0, 3) == 0) rq.multiplier = -rq.multiplier;
    return rq;
}

// Full range, a fused ReLU (clamp from the zero point up) or a narrow range.
static es_qs8_out random_out(void) {
    es_qs8_out out = {(int32_t)uniform(-128, 127), -128, 127};
    switch (uniform(0, 2)) {
    case 0: out.min = out.zero_point; break;
    case 1: out.min = (int32_t)uniform(-128, 0); out.max = (int32_t)uniform(out.min, 127); break;
    default: break;
    }
    return out;
}

// ---- Checking -----------------------------------------------------------------------------------------

static const es_int8_kernel_table *isas[8];
static int isa_count;
static long passed[8];

// Expects `got` to equal `expected` byte for byte; on a mismatch prints where and exits.
static void expect_same(const void *got, const void *expected, size_t bytes, size_t element, int isa,
                        const char *op, const char *params) {
    if (memcmp(got, expected, bytes) == 0) {
        passed[isa]++;
        return;
    }
    size_t i = 0;
    while (((const uint8_t *)got)[i] == ((const uint8_t *)expected)[i]) i++;
    i /= element;
    long long g = element == 1 ? ((const int8_t *)got)[i] : ((const int32_t *)got)[i];
    long long e = element == 1 ? ((const int8_t *)expected)[i] : ((const int32_t *)expected)[i];
    printf("MISMATCH %s %s %s: element %zu = %lld, scalar %lld\n", isas[isa]->name, op, params, i, g, e);
    exit(1);
}

static const int sizes[] = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100};
enum { size_count = sizeof sizes / sizeof sizes[0] };

// y gaps (strides wider than rows) and tails hold this; no kernel may write them.
enum { SENTINEL = 0x5A };

// ---- GEMM ---------------------------------------------------------------------------------------------

static void gemm_case(size_t m, size_t n, size_t k, int a_fill, int w_fill, int32_t za, int bias_kind) {
    size_t a_stride = k + (size_t)uniform(0, 9), y_stride = n + (size_t)uniform(0, 5);
    int8_t *a = codes(m * a_stride, a_fill), *w = codes(n * k, w_fill);
    int32_t *bias = bias_kind ? alloc(n * sizeof *bias) : NULL;
    es_requant *rq = alloc(n * sizeof *rq);
    for (size_t j = 0; j < n; j++) {
        if (bias) bias[j] = bias_kind == 1 ? (int32_t)uniform(-(1 << 24), 1 << 24) : bias_kind == 2 ? 1 << 30 : -(1 << 30);
        rq[j] = random_requant();
    }
    es_qs8_out out = random_out();
    size_t bytes = m * y_stride;
    int8_t *expected = alloc(bytes), *got = alloc(bytes);
    memset(expected, SENTINEL, bytes);
    es_qs8_qc8w_gemm_rndnu_scalar(m, n, k, a, a_stride, za, w, bias, rq, out, expected, y_stride);
    char params[96];
    snprintf(params, sizeof params, "m %zu n %zu k %zu a_stride %zu y_stride %zu z_a %d", m, n, k, a_stride, y_stride, za);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, bytes);
        isas[i]->gemm(m, n, k, a, a_stride, za, w, bias, rq, out, got, y_stride);
        expect_same(got, expected, bytes, 1, i, "gemm", params);
        // The same product through the row's packed weights (64-byte aligned buffer).
        void *packed = NULL;
        if (posix_memalign(&packed, 64, isas[i]->gemm_packed_bytes(n, k))) exit(2);
        isas[i]->gemm_pack(n, k, w, bias, za, rq, packed);
        memset(got, SENTINEL, bytes);
        isas[i]->gemm_packed(m, n, k, a, a_stride, packed, out, got, y_stride);
        expect_same(got, expected, bytes, 1, i, "gemm_packed", params);
        free(packed);
    }
    free(a), free(w), free(bias), free(rq), free(expected), free(got);
}

static void check_gemm(void) {
    for (int mi = 0; mi < size_count; mi++)
        for (int ni = 0; ni < size_count; ni++)
            for (int ki = 0; ki < size_count; ki++)
                if ((long)sizes[mi] * sizes[ni] * sizes[ki] <= 60000)
                    gemm_case(sizes[mi], sizes[ni], sizes[ki], RANDOM, RANDOM, (int32_t)uniform(-128, 127), (int)uniform(0, 1));
    // Past a 256-channel block, long k, and every code and zero point at the extremes with bias near ±2^30.
    gemm_case(9, 513, 20, RANDOM, RANDOM, 3, 1);
    gemm_case(6, 5, 1027, RANDOM, RANDOM, -7, 1);
    static const size_t shapes[][3] = {{1, 1, 1}, {3, 17, 33}, {5, 7, 64}, {2, 5, 1027}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int af = -128; af <= 127; af += 255)
            for (int wf = -128; wf <= 127; wf += 255)
                for (int32_t za = -128; za <= 127; za += 255)
                    for (int bias_kind = 0; bias_kind <= 3; bias_kind++)
                        gemm_case(shapes[s][0], shapes[s][1], shapes[s][2], af, wf, za, bias_kind);
}

// ---- Q·Kᵀ ---------------------------------------------------------------------------------------------

static void qk_case(size_t nq, size_t nk, size_t d, int q_fill, int k_fill, int32_t zq, int32_t zk) {
    size_t q_stride = d + (size_t)uniform(0, 9), k_stride = d + (size_t)uniform(0, 9), s_stride = nk + (size_t)uniform(0, 5);
    int8_t *q = codes(nq * q_stride, q_fill), *k = codes(nk * k_stride, k_fill);
    size_t bytes = nq * s_stride * sizeof(int32_t);
    int32_t *expected = alloc(bytes), *got = alloc(bytes);
    memset(expected, SENTINEL, bytes);
    es_qs8_qk_scalar(nq, nk, d, q, q_stride, zq, k, k_stride, zk, expected, s_stride);
    char params[96];
    snprintf(params, sizeof params, "nq %zu nk %zu d %zu z_q %d z_k %d", nq, nk, d, zq, zk);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, bytes);
        isas[i]->qk(nq, nk, d, q, q_stride, zq, k, k_stride, zk, got, s_stride);
        expect_same(got, expected, bytes, 4, i, "qk", params);
    }
    free(q), free(k), free(expected), free(got);
}

static void check_qk(void) {
    for (int a = 0; a < size_count; a++)
        for (int b = 0; b < size_count; b++)
            for (int c = 0; c < size_count; c++)
                if ((long)sizes[a] * sizes[b] * sizes[c] <= 60000)
                    qk_case(sizes[a], sizes[b], sizes[c], RANDOM, RANDOM, (int32_t)uniform(-128, 127), (int32_t)uniform(-128, 127));
    qk_case(5, 300, 32, RANDOM, RANDOM, 11, -3);  // past a 256-key block
    // Extremes, up to d = 32768 where |s| reaches 32768·255² (just below 2^31).
    static const size_t shapes[][3] = {{1, 1, 1}, {5, 9, 33}, {2, 3, 32768}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int qf = -128; qf <= 127; qf += 255)
            for (int kf = -128; kf <= 127; kf += 255)
                for (int32_t zq = -128; zq <= 127; zq += 255)
                    for (int32_t zk = -128; zk <= 127; zk += 255) qk_case(shapes[s][0], shapes[s][1], shapes[s][2], qf, kf, zq, zk);
}

// ---- P·V ----------------------------------------------------------------------------------------------

static void pv_case(size_t nq, size_t nk, size_t d, int p_fill, int v_fill, int32_t zv) {
    size_t p_stride = nk + (size_t)uniform(0, 9), v_stride = d + (size_t)uniform(0, 9), o_stride = d + (size_t)uniform(0, 5);
    uint8_t *p = alloc(nq * p_stride);
    for (size_t i = 0; i < nq * p_stride; i++) p[i] = (uint8_t)(p_fill >= 0 && p_fill <= 255 ? p_fill : uniform(0, 255));
    int8_t *v = codes(nk * v_stride, v_fill);
    size_t bytes = nq * o_stride * sizeof(int32_t);
    int32_t *start = alloc(bytes), *expected = alloc(bytes), *got = alloc(bytes);
    int32_t o_range = nk > 10000 ? 0 : 1 << 20;  // the largest key counts leave no headroom for o
    for (size_t i = 0; i < nq * o_stride; i++) start[i] = (int32_t)uniform(-o_range, o_range);
    memcpy(expected, start, bytes);
    es_qu8_pv_scalar(nq, nk, d, p, p_stride, v, v_stride, zv, expected, o_stride);
    char params[96];
    snprintf(params, sizeof params, "nq %zu nk %zu d %zu z_v %d", nq, nk, d, zv);
    for (int i = 0; i < isa_count; i++) {
        memcpy(got, start, bytes);
        isas[i]->pv(nq, nk, d, p, p_stride, v, v_stride, zv, got, o_stride);
        expect_same(got, expected, bytes, 4, i, "pv", params);
    }
    free(p), free(v), free(start), free(expected), free(got);
}

static void check_pv(void) {
    for (int a = 0; a < size_count; a++)
        for (int b = 0; b < size_count; b++)
            for (int c = 0; c < size_count; c++)
                if ((long)sizes[a] * sizes[b] * sizes[c] <= 60000) pv_case(sizes[a], sizes[b], sizes[c], RANDOM, RANDOM, (int32_t)uniform(-128, 127));
    // Extremes, up to 33000 keys of weight 255 (|o| just below 2^31).
    static const size_t shapes[][3] = {{1, 1, 1}, {5, 9, 33}, {2, 33000, 17}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int pf = 0; pf <= 255; pf += 255)
            for (int vf = -128; vf <= 127; vf += 255)
                for (int32_t zv = -128; zv <= 127; zv += 255) pv_case(shapes[s][0], shapes[s][1], shapes[s][2], pf, vf, zv);
}

// ---- Depthwise 3×3 ------------------------------------------------------------------------------------

static void dwconv_case(size_t h, size_t w, size_t c, int x_fill, int w_fill, int32_t zx, int bias_kind) {
    int8_t *x = codes(h * w * c, x_fill), *weights = codes(9 * c, w_fill);
    int32_t *bias = bias_kind ? alloc(c * sizeof *bias) : NULL;
    es_requant *rq = alloc(c * sizeof *rq);
    for (size_t ch = 0; ch < c; ch++) {
        if (bias) bias[ch] = bias_kind == 1 ? (int32_t)uniform(-(1 << 24), 1 << 24) : bias_kind == 2 ? 1 << 30 : -(1 << 30);
        rq[ch] = random_requant();
    }
    es_qs8_out out = random_out();
    size_t bytes = h * w * c + 16;  // + a tail nobody may write
    int8_t *expected = alloc(bytes), *got = alloc(bytes);
    memset(expected, SENTINEL, bytes);
    es_qs8_qc8w_dwconv3x3p1_nhwc_rndnu_scalar(h, w, c, 0, h, x, zx, weights, bias, rq, out, expected);
    size_t band = (size_t)uniform(1, 3);
    char params[96];
    snprintf(params, sizeof params, "h %zu w %zu c %zu z_x %d band %zu", h, w, c, zx, band);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, bytes);
        for (size_t first = 0; first < h; first += band)  // in bands, as the thread pool runs it
            isas[i]->dwconv3x3(h, w, c, first, h - first < band ? h - first : band, x, zx, weights, bias, rq, out,
                               got + first * w * c);
        expect_same(got, expected, bytes, 1, i, "dwconv3x3", params);
    }
    free(x), free(weights), free(bias), free(rq), free(expected), free(got);
}

static void check_dwconv(void) {
    static const size_t hw[] = {1, 2, 3, 4, 7};
    static const size_t channels[] = {1, 3, 8, 15, 16, 17, 31, 33, 64, 100, 300};
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 5; b++)
            for (size_t c = 0; c < sizeof channels / sizeof channels[0]; c++)
                dwconv_case(hw[a], hw[b], channels[c], RANDOM, RANDOM, (int32_t)uniform(-128, 127), (int)uniform(0, 1));
    static const size_t shapes[][3] = {{1, 1, 1}, {3, 4, 17}, {5, 2, 40}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int xf = -128; xf <= 127; xf += 255)
            for (int wf = -128; wf <= 127; wf += 255)
                for (int32_t zx = -128; zx <= 127; zx += 255)
                    for (int bias_kind = 0; bias_kind <= 3; bias_kind++)
                        dwconv_case(shapes[s][0], shapes[s][1], shapes[s][2], xf, wf, zx, bias_kind);
}

// ---- Upsample sum -------------------------------------------------------------------------------------

// `extreme`: codes at one end, zero points at the other, the largest multiplier, bias near ±2^60.
static void upsample_case(size_t inputs, size_t out_h, size_t out_w, size_t c, int extreme) {
    es_qs8_upsample_input in[4];
    int32_t multipliers[4];
    int32_t shift = extreme ? (uniform(0, 1) ? 1 : 50) : (int32_t)uniform(1, 50);
    for (size_t i = 0; i < inputs; i++) {
        in[i].first_row = 0;
        in[i].h = (size_t)uniform(1, 9);
        in[i].w = (size_t)uniform(1, 9);
        if (i == 0 && uniform(0, 1)) {  // at the output's size, like the decoder's stage-1 projection
            in[i].h = out_h;
            in[i].w = out_w;
        }
        int fill = extreme ? (uniform(0, 1) ? -128 : 127) : RANDOM;
        in[i].x = codes(in[i].h * in[i].w * c, fill);
        in[i].zero_point = extreme ? (fill == 127 ? -128 : 127) : (int32_t)uniform(-128, 127);
        multipliers[i] = extreme ? 0x7FFFFFFF : (int32_t)uniform(1, 0x7FFFFFFF);
    }
    int64_t *bias_q = alloc(c * sizeof *bias_q);
    int64_t bias_range = extreme ? (int64_t)1 << 60 : (int64_t)1 << 40;
    for (size_t ch = 0; ch < c; ch++) bias_q[ch] = extreme ? (uniform(0, 1) ? bias_range : -bias_range) : uniform(-bias_range, bias_range);
    es_qs8_out out = random_out();
    size_t bytes = out_h * out_w * c + 16;
    int8_t *expected = alloc(bytes), *got = alloc(bytes);
    memset(expected, SENTINEL, bytes);
    es_qs8_upsample_sum_rndnu_scalar(inputs, in, out_h, out_w, c, 0, out_h, multipliers, shift, bias_q, out, expected);
    char params[96];
    snprintf(params, sizeof params, "inputs %zu out %zux%zu c %zu shift %d", inputs, out_h, out_w, c, shift);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, bytes);
        for (size_t first = 0; first < out_h; first += 2) {  // in bands of 2 rows, as the decoder runs it
            // An output-sized input given as just the band's rows, as the decoder's fused stage-1 projection is.
            es_qs8_upsample_input banded[4];
            for (size_t k = 0; k < inputs; k++) {
                banded[k] = in[k];
                if (in[k].h == out_h && in[k].w == out_w) {
                    banded[k].x = in[k].x + first * out_w * c;
                    banded[k].first_row = first;
                }
            }
            isas[i]->upsample_sum(inputs, banded, out_h, out_w, c, first, out_h - first < 2 ? out_h - first : 2, multipliers,
                                  shift, bias_q, out, got + first * out_w * c);
        }
        expect_same(got, expected, bytes, 1, i, "upsample_sum", params);
    }
    for (size_t i = 0; i < inputs; i++) free((void *)in[i].x);
    free(bias_q), free(expected), free(got);
}

static void check_upsample(void) {
    static const size_t channels[] = {1, 3, 8, 9, 16, 17, 33, 64};
    for (int rep = 0; rep < 100; rep++)
        for (size_t c = 0; c < sizeof channels / sizeof channels[0]; c++)
            upsample_case((size_t)uniform(1, 4), (size_t)uniform(1, 13), (size_t)uniform(1, 13), channels[c], 0);
    for (int rep = 0; rep < 40; rep++) upsample_case((size_t)uniform(1, 4), (size_t)uniform(1, 7), (size_t)uniform(1, 7), (size_t)uniform(1, 20), 1);
}

// ---- Residual add and class map ----------------------------------------------------------------------

static void vadd_case(size_t n, int fill) {
    int8_t *a = codes(n, fill), *b = codes(n, fill == RANDOM ? RANDOM : uniform(0, 1) ? -128 : 127);
    es_qs8_vadd_params params = {(int32_t)uniform(-128, 127), (int32_t)uniform(-128, 127), (int32_t)uniform(0, 0x7FFFFFFF),
                                 (int32_t)uniform(0, 0x7FFFFFFF), (int32_t)uniform(1, 62)};
    es_qs8_out out = random_out();
    int8_t *expected = alloc(n + 16), *got = alloc(n + 16);
    memset(expected, SENTINEL, n + 16);
    es_qs8_vadd_rndnu_scalar(n, a, b, params, out, expected);
    char params_text[96];
    snprintf(params_text, sizeof params_text, "n %zu shift %d", n, params.shift);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, n + 16);
        isas[i]->vadd(n, a, b, params, out, got);
        expect_same(got, expected, n + 16, 1, i, "vadd", params_text);
    }
    free(a), free(b), free(expected), free(got);
}

static void class_map_case(size_t in_h, size_t in_w, size_t c, size_t out_h, size_t out_w, int fill) {
    int8_t *x = codes(in_h * in_w * c, fill);
    size_t bytes = out_h * out_w + 16, band = (size_t)uniform(1, 3);
    uint8_t *expected = alloc(bytes), *got = alloc(bytes);
    memset(expected, SENTINEL, bytes);
    es_qs8_ibilinear_argmax_scalar(in_h, in_w, c, x, out_h, out_w, 0, out_h, expected);
    char params[96];
    snprintf(params, sizeof params, "%zux%zux%zu -> %zux%zu band %zu", in_h, in_w, c, out_h, out_w, band);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, bytes);
        for (size_t first = 0; first < out_h; first += band)
            isas[i]->class_map(in_h, in_w, c, x, out_h, out_w, first, out_h - first < band ? out_h - first : band,
                               got + first * out_w);
        expect_same(got, expected, bytes, 1, i, "class_map", params);
    }
    free(x), free(expected), free(got);
}

static void check_vadd_and_class_map(void) {
    static const int fills[] = {RANDOM, -128, 127};
    for (int si = 0; si < size_count; si++)
        for (int f = 0; f < 3; f++) vadd_case((size_t)sizes[si], fills[f]);
    static const size_t classes[] = {1, 2, 11, 16, 17, 33, 150, 256};
    for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++)
        for (int rep = 0; rep < 6; rep++)
            class_map_case((size_t)uniform(1, 6), (size_t)uniform(1, 6), classes[k], (size_t)uniform(1, 20),
                           (size_t)uniform(1, 20), rep == 0 ? 0 : RANDOM);
}

// ---- LayerNorm ----------------------------------------------------------------------------------------

static double uniform_real(double lo, double hi) { return lo + (hi - lo) * (double)(next_u64() >> 11) * 0x1p-53; }

// Parameters from es_qs8_layernorm_init with random γ, β and scales; `fill` as in codes() (a constant row
// has zero variance).
static void layernorm_case(size_t rows, size_t channels, int fill) {
    int8_t *x = codes(rows * channels, fill);
    float *gamma = alloc(channels * sizeof *gamma), *beta = alloc(channels * sizeof *beta);
    for (size_t ch = 0; ch < channels; ch++) {
        gamma[ch] = (float)uniform_real(-3, 3);
        beta[ch] = (float)uniform_real(-2, 2);
    }
    es_qs8_layernorm_channel *per_channel = alloc(channels * sizeof *per_channel);
    uint64_t eps_term;
    double in_scale = uniform_real(0.001, 0.5), out_scale = uniform_real(0.005, 0.1);
    if (es_qs8_layernorm_init(channels, 1e-6, in_scale, gamma, beta, out_scale, per_channel, &eps_term) != 0) {
        printf("layernorm_init rejected channels %zu in_scale %g out_scale %g\n", channels, in_scale, out_scale);
        exit(2);
    }
    es_qs8_out out = random_out();
    size_t bytes = rows * channels + 16;
    int8_t *expected = alloc(bytes), *got = alloc(bytes);
    memset(expected, SENTINEL, bytes);
    es_qs8_layernorm_rndnu_scalar(rows, channels, x, eps_term, per_channel, out, expected);
    char params[96];
    snprintf(params, sizeof params, "rows %zu channels %zu fill %d", rows, channels, fill);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, bytes);
        isas[i]->layernorm(rows, channels, x, eps_term, per_channel, out, got);
        expect_same(got, expected, bytes, 1, i, "layernorm", params);
    }
    free(x), free(gamma), free(beta), free(per_channel), free(expected), free(got);
}

static void check_layernorm(void) {
    static const size_t channels[] = {1, 2, 3, 8, 15, 16, 17, 31, 32, 33, 64, 100, 160, 257, 4096};
    for (size_t c = 0; c < sizeof channels / sizeof channels[0]; c++) {
        for (size_t rows = 1; rows <= 5; rows += 2) layernorm_case(rows, channels[c], RANDOM);
        layernorm_case(2, channels[c], -128);
        layernorm_case(2, channels[c], 127);
    }
}

// The one row statistic where 1/sqrt is exactly 2^31 (x = [0, 1], eps_term = 2^24 − 2^22), with per-channel
// parameters not from the init (shifts below 32 included).
static void check_layernorm_inv_2_31(void) {
    for (int rep = 0; rep < 50; rep++) {
        es_qs8_layernorm_channel per_channel[2];
        for (int c = 0; c < 2; c++)
            per_channel[c] = (es_qs8_layernorm_channel){(int32_t)uniform(1 << 20, 0x7FFFFFFF), (int32_t)uniform(20, 50),
                                                        uniform(-((int64_t)1 << 40), (int64_t)1 << 40)};
        const int8_t x[4] = {0, 1, 1, 0};
        es_qs8_out out = random_out();
        int8_t expected[4], got[4];
        es_qs8_layernorm_rndnu_scalar(2, 2, x, (1 << 24) - (1 << 22), per_channel, out, expected);
        for (int i = 0; i < isa_count; i++) {
            isas[i]->layernorm(2, 2, x, (1 << 24) - (1 << 22), per_channel, out, got);
            expect_same(got, expected, 4, 1, i, "layernorm", "1/sqrt = 2^31");
        }
    }
}

// ---- Attention: online softmax, normalisation; the lookup -------------------------------------------

typedef struct {
    uint8_t *w;
    uint32_t sums[8];
    int32_t maxima[8], o[8 * 5];
} softmax_state;

// Runs `kernel` over the rows tile after tile, from fresh state (accumulators of d = 5 preset, so that a first
// tile must zero them).
static void softmax_run(es_qs32_softmax_online_fn kernel, size_t rows, size_t n, const int32_t *s, es_requant rq,
                        size_t tile, softmax_state *st) {
    memset(st->w, SENTINEL, rows * n);
    for (size_t i = 0; i < rows * 5; i++) st->o[i] = (int32_t)(i * 37) - 200;
    for (size_t start = 0; start < n; start += tile)
        kernel(rows, n - start < tile ? n - start : tile, s + start, n, rq, start == 0, st->maxima, st->sums, st->o, 5, 5,
               st->w + start, n);
}

// Scores in [−spread, spread] (the whole int32 range when spread is 2^31: differences past −2^31), tiles of `tile`
// keys (rescales after the first), against the exp reference. rows <= 8.
static void softmax_case(size_t rows, size_t n, double scale, int64_t spread, size_t tile) {
    es_requant rq;
    if (es_qs32_softmax_init(scale, &rq) != 0) exit(2);
    int32_t *s = alloc(rows * n * sizeof *s);
    int64_t lo = spread >= ((int64_t)1 << 31) ? INT32_MIN : -spread, hi = spread >= ((int64_t)1 << 31) ? INT32_MAX : spread;
    for (size_t i = 0; i < rows * n; i++) s[i] = (int32_t)uniform(lo, hi);
    softmax_state expected = {alloc(rows * n)}, got = {alloc(rows * n)};
    softmax_run(es_qs32_softmax_online_rndnu_scalar, rows, n, s, rq, tile, &expected);
    char params[96];
    snprintf(params, sizeof params, "rows %zu n %zu scale %g spread %lld tile %zu", rows, n, scale, (long long)spread, tile);
    for (int i = 0; i < isa_count; i++) {
        softmax_run(isas[i]->softmax_online, rows, n, s, rq, tile, &got);
        expect_same(got.w, expected.w, rows * n, 1, i, "softmax_online weights", params);
        expect_same(got.sums, expected.sums, rows * 4, 4, i, "softmax_online sums", params);
        expect_same(got.o, expected.o, rows * 5 * 4, 4, i, "softmax_online accumulators", params);
        expect_same(got.maxima, expected.maxima, rows * 4, 4, i, "softmax_online maxima", params);
    }
    free(s), free(expected.w), free(got.w);
}

// Every exponent t from 0 down past the floor (−32·2^16): with the multiplier 2^30 / 2^30 the exponent is the score
// difference itself.
static void softmax_every_exponent(void) {
    const size_t n = 32 * 65536 + 100;
    es_requant rq = {1 << 30, 30};
    int32_t *s = alloc(n * sizeof *s);
    for (size_t j = 0; j < n; j++) s[j] = 1000 - (int32_t)j;
    softmax_state expected = {alloc(n)}, got = {alloc(n)};
    softmax_run(es_qs32_softmax_online_rndnu_scalar, 1, n, s, rq, n, &expected);
    for (int i = 0; i < isa_count; i++) {
        softmax_run(isas[i]->softmax_online, 1, n, s, rq, n, &got);
        expect_same(got.w, expected.w, n, 1, i, "softmax_online weights", "every exponent");
        expect_same(got.sums, expected.sums, 4, 4, i, "softmax_online sums", "every exponent");
    }
    free(s), free(expected.w), free(got.w);
}

static void attention_normalize_case(size_t rows, size_t d, const uint32_t *sums, es_requant rq) {
    size_t y_stride = d + 3, bytes = rows * y_stride;
    int32_t *o = alloc(rows * d * sizeof *o);
    for (size_t i = 0; i < rows * d; i++)
        o[i] = i % 7 == 0 ? (uniform(0, 1) ? INT32_MAX : INT32_MIN) : (int32_t)uniform(-(1 << 24), 1 << 24);
    es_qs8_out out = random_out();
    int8_t *expected = alloc(bytes), *got = alloc(bytes);
    memset(expected, SENTINEL, bytes);
    es_qs32_attention_normalize_rndnu_scalar(rows, d, o, d, sums, rq, out, expected, y_stride);
    char params[96];
    snprintf(params, sizeof params, "d %zu multiplier %d shift %d", d, rq.multiplier, rq.shift);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, bytes);
        isas[i]->attention_normalize(rows, d, o, d, sums, rq, out, got, y_stride);
        expect_same(got, expected, bytes, 1, i, "attention_normalize", params);
    }
    free(o), free(expected), free(got);
}

static void lut_case(size_t n, const int8_t table[256]) {
    int8_t *x = codes(n, RANDOM), *expected = alloc(n + 16), *got = alloc(n + 16);
    if (n >= 256)
        for (size_t i = 0; i < n; i++) x[i] = (int8_t)(i * 37);
    memset(expected, SENTINEL, n + 16);
    es_qs8_lut_scalar(n, x, table, expected);
    char params[32];
    snprintf(params, sizeof params, "n %zu", n);
    for (int i = 0; i < isa_count; i++) {
        memset(got, SENTINEL, n + 16);
        isas[i]->lut(n, x, table, got);
        expect_same(got, expected, n + 16, 1, i, "lut", params);
    }
    free(x), free(expected), free(got);
}

static void check_attention_and_lut(void) {
    static const double scales[] = {2e-3, 1e-4, 0.3, 1e-9, 1e-3};
    static const int64_t spreads[] = {3000, 300000, 40, (int64_t)1 << 31, (int64_t)1 << 31};
    static const size_t keys[] = {1, 3, 4, 15, 16, 17, 33, 256, 300};
    for (int sc = 0; sc < 5; sc++)
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            softmax_case(3, keys[k], scales[sc], spreads[sc], 64);
            softmax_case(2, keys[k], scales[sc], spreads[sc], 256);
        }
    softmax_every_exponent();
    // Weight sums from 1 to 2^24 (powers of two and neighbours, where the row shift changes), multipliers from
    // tiny (shift capped at 62) to large.
    uint32_t sums[75 + 32];
    size_t rows = 0;
    for (int b = 0; b < 25; b++) {
        sums[rows++] = (uint32_t)1 << b;
        sums[rows++] = ((uint32_t)1 << b) + 1;
        sums[rows++] = b ? ((uint32_t)1 << b) - 1 : 1;
    }
    while (rows < sizeof sums / sizeof sums[0]) sums[rows++] = (uint32_t)uniform(1, 1 << 24);
    static const double reals[] = {1e-15, 3e-9, 0.0007, 0.6, 1.0, 57.0, 5e5, 3e8};
    static const size_t widths[] = {1, 3, 4, 15, 16, 17, 32, 64, 100};
    for (int r = 0; r < 8; r++) {
        es_requant rq;
        if (es_requant_init(reals[r] * uniform_real(1, 1.99), &rq) != 0) exit(2);
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) attention_normalize_case(rows, widths[w], sums, rq);
    }
    int8_t table[256];
    for (int rep = 0; rep < 4; rep++) {
        for (int i = 0; i < 256; i++) table[i] = (int8_t)uniform(-128, 127);
        static const size_t lengths[] = {0, 1, 15, 16, 17, 63, 64, 65, 256, 1000};
        for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) lut_case(lengths[l], table);
    }
}

// ---- Bench --------------------------------------------------------------------------------------------

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double time_gemm(es_qs8_qc8w_gemm_fn gemm, size_t m, size_t n, size_t k, const int8_t *a, const int8_t *w,
                        const int32_t *bias, const es_requant *rq, int8_t *y) {
    es_qs8_out out = {0, -128, 127};
    double t0 = seconds();
    gemm(m, n, k, a, k, -5, w, bias, rq, out, y, n);
    return seconds() - t0;
}

static int bench(void) {
    const size_t m = 4096, n = 256, k = 1024;
    int8_t *a = codes(m * k, RANDOM), *w = codes(n * k, RANDOM), *expected = alloc(m * n), *got = alloc(m * n);
    int32_t *bias = alloc(n * sizeof *bias);
    es_requant *rq = alloc(n * sizeof *rq);
    for (size_t j = 0; j < n; j++) {
        bias[j] = (int32_t)uniform(-(1 << 20), 1 << 20);
        rq[j].multiplier = (int32_t)uniform(1 << 30, 0x7FFFFFFF);
        rq[j].shift = 45;
    }
    double scalar = time_gemm(es_qs8_qc8w_gemm_rndnu_scalar, m, n, k, a, w, bias, rq, expected);
    printf("gemm m %zu n %zu k %zu: scalar %.3f s\n", m, n, k, scalar);
    for (int i = 0; i < isa_count; i++) {
        double t = time_gemm(isas[i]->gemm, m, n, k, a, w, bias, rq, got);
        printf("gemm m %zu n %zu k %zu: %s %.3f s, %s/scalar %.4f%s\n", m, n, k, isas[i]->name, t, isas[i]->name,
               t / scalar, memcmp(got, expected, m * n) ? " MISMATCH" : "");
    }
    return 0;
}

int main(int argc, char **argv) {
    printf("selected: %s\n", es_int8_isa_name());
    if (argc > 1 && strcmp(argv[1], "select") == 0) return 0;
    for (int isa = ES_INT8_ISA_SCALAR + 1; isa <= ES_INT8_ISA_NEONDOT; isa++)
        if (es_int8_kernels_for_isa((es_int8_isa)isa)) isas[isa_count++] = es_int8_kernels_for_isa((es_int8_isa)isa);
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench();
    check_gemm();
    check_qk();
    check_pv();
    check_dwconv();
    check_upsample();
    check_layernorm();
    check_layernorm_inv_2_31();
    check_attention_and_lut();
    check_vadd_and_class_map();
    for (int i = 0; i < isa_count; i++) printf("%s: %ld cases passed\n", isas[i]->name, passed[i]);
    return 0;
}
