// es_qs8_qk_scalar on NEON, for either dot-tile method (qs8-dot-tile-neon.h), expanding both zero points:
//   Σ (q − z_q)(k − z_k) = Σ q·k − z_k·Σ q − z_q·Σ k + d·z_q·z_k   (modulo 2^32; the true sum fits int32).
// Keys are taken in blocks of NC with their part of the correction on the stack; 4×4 tiles inside (edge
// tiles repeat the last query or key, only the valid scores are stored).
#ifndef ES_QS8_QK_NEON_H
#define ES_QS8_QK_NEON_H
#if defined(__aarch64__)
#include "qs8-dot-tile-neon.h"
#include "qs8-gemm-tile.h"

enum { ES_QK_NEON_NC = 256 };

__attribute__((always_inline)) static inline void es_qs8_qk_neon_tiles(
    size_t nq, size_t nk, size_t d, const int8_t *q, size_t q_stride, int32_t q_zero_point, const int8_t *k,
    size_t k_stride, int32_t k_zero_point, int32_t *s, size_t s_stride, es_dot_method method) {
    const uint32_t zq = (uint32_t)q_zero_point, zk = (uint32_t)k_zero_point;
    int32_t key_term[ES_QK_NEON_NC] = {0};  // d·z_q·z_k − z_q·Σ k_j
    for (size_t jb = 0; jb < nk; jb += ES_QK_NEON_NC) {
        size_t nb = nk - jb < ES_QK_NEON_NC ? nk - jb : ES_QK_NEON_NC;
        for (size_t j = 0; j < nb; j++)
            key_term[j] = (int32_t)((uint32_t)d * zq * zk - zq * (uint32_t)es_sum_s8_neon(d, k + (jb + j) * k_stride));
        for (size_t i0 = 0; i0 < nq; i0 += ES_DOT_TILE) {
            const int8_t *qr[ES_DOT_TILE];
            int32x4_t query_term[ES_DOT_TILE];  // −z_k·Σ q_i
            for (size_t r = 0; r < ES_DOT_TILE; r++) {
                qr[r] = es_tile_row(q, q_stride, i0, r, nq);
                query_term[r] = vdupq_n_s32((int32_t)(0u - zk * (uint32_t)es_sum_s8_neon(d, qr[r])));
            }
            size_t mr = nq - i0 < ES_DOT_TILE ? nq - i0 : ES_DOT_TILE;
            for (size_t j0 = jb; j0 < jb + nb; j0 += ES_DOT_TILE) {
                const int8_t *kr[ES_DOT_TILE];
                for (size_t c = 0; c < ES_DOT_TILE; c++) kr[c] = es_tile_row(k, k_stride, j0, c, jb + nb);
                size_t nr = jb + nb - j0 < ES_DOT_TILE ? jb + nb - j0 : ES_DOT_TILE;
                int32x4_t sums[ES_DOT_TILE];
                es_dot_tile(d, qr, kr, sums, method);
                int32x4_t kt = vld1q_s32(key_term + (j0 - jb));
                for (size_t r = 0; r < mr; r++) {
                    int32_t scores[ES_DOT_TILE];
                    vst1q_s32(scores, vaddq_s32(vaddq_s32(sums[r], kt), query_term[r]));
                    int32_t *dst = s + (i0 + r) * s_stride + j0;
                    if (nr == ES_DOT_TILE) memcpy(dst, scores, sizeof scores);  // fixed size: one store
                    else memcpy(dst, scores, nr * sizeof *scores);
                }
            }
        }
    }
}

#endif
#endif
