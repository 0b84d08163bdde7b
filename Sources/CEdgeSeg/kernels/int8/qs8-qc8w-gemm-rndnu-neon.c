// es_qs8_qc8w_gemm_rndnu_scalar for ARMv8.0 NEON (Cortex-A72): SMLAL/SMLAL2 + UADALP tiles.
#if defined(__aarch64__)
#include "es_int8_dispatch.h"
#include "qs8-qc8w-gemm-neon.h"

void es_qs8_qc8w_gemm_rndnu_neon(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                 int32_t a_zero_point, const int8_t *w, const int32_t *bias,
                                 const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride) {
    es_qs8_qc8w_gemm_neon(m, n, k, a, a_stride, a_zero_point, w, bias, requant, out, y, y_stride, ES_DOT_MLAL);
}
#endif
