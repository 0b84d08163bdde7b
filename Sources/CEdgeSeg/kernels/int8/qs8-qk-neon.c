// es_qs8_qk_scalar for ARMv8.0 NEON (Cortex-A72): SMLAL/SMLAL2 + UADALP tiles.
#if defined(__aarch64__)
#include "es_int8_dispatch.h"
#include "qs8-qk-neon.h"

void es_qs8_qk_neon(size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point,
                    const int8_t *k, size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride) {
    es_qs8_qk_neon_tiles(nq, nk, d, q, q_stride, q_zero_point, k, k_stride, k_zero_point, s, s_stride,
                         ES_DOT_MLAL);
}
#endif
