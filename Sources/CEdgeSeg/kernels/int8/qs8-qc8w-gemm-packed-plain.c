// Packed GEMM in the plain layout: the weights, bias, input zero point and requant parameters copied as they
// are, and gemm_packed calls the table row's ordinary GEMM on them. For ISAs without a packed kernel of their
// own (scalar, NEON, NEON dot), so every table row offers the packed entry points.
// Layout (64-byte aligned buffer): header, requant[n], bias[n], w[n][k].
#include <string.h>

#include "es_int8_dispatch.h"

typedef struct {
    int32_t a_zero_point;
    int32_t has_bias;
} plain_header;

size_t es_qs8_qc8w_gemm_plain_packed_bytes(size_t n, size_t k) {
    return sizeof(plain_header) + n * sizeof(es_requant) + n * sizeof(int32_t) + n * k;
}

void es_qs8_qc8w_gemm_plain_pack(size_t n, size_t k, const int8_t *w, const int32_t *bias, int32_t a_zero_point,
                                 const es_requant *requant, void *packed) {
    plain_header h = {a_zero_point, bias != NULL};
    uint8_t *p = packed;
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    memcpy(p, requant, n * sizeof *requant);
    p += n * sizeof *requant;
    if (bias) memcpy(p, bias, n * sizeof *bias);
    else memset(p, 0, n * sizeof *bias);
    p += n * sizeof *bias;
    memcpy(p, w, n * k);
}

// Unpacks the plain layout and runs `gemm` on it.
static void run_plain(es_qs8_qc8w_gemm_fn gemm, size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                      const void *packed, es_qs8_out out, int8_t *y, size_t y_stride) {
    const plain_header *h = packed;
    const es_requant *requant = (const es_requant *)(h + 1);
    const int32_t *bias = (const int32_t *)(requant + n);
    const int8_t *w = (const int8_t *)(bias + n);
    gemm(m, n, k, a, a_stride, h->a_zero_point, w, h->has_bias ? bias : NULL, requant, out, y, y_stride);
}

void es_qs8_qc8w_gemm_packed_rndnu_scalar(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                          const void *packed, es_qs8_out out, int8_t *y, size_t y_stride) {
    run_plain(es_qs8_qc8w_gemm_rndnu_scalar, m, n, k, a, a_stride, packed, out, y, y_stride);
}

#if defined(__aarch64__)
void es_qs8_qc8w_gemm_packed_rndnu_neon(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                        const void *packed, es_qs8_out out, int8_t *y, size_t y_stride) {
    run_plain(es_qs8_qc8w_gemm_rndnu_neon, m, n, k, a, a_stride, packed, out, y, y_stride);
}

void es_qs8_qc8w_gemm_packed_rndnu_neondot(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                           const void *packed, es_qs8_out out, int8_t *y, size_t y_stride) {
    run_plain(es_qs8_qc8w_gemm_rndnu_neondot, m, n, k, a, a_stride, packed, out, y, y_stride);
}
#endif
