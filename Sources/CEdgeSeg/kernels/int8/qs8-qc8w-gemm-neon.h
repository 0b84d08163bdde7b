// es_qs8_qc8w_gemm_rndnu_scalar on NEON, for either dot-tile method (qs8-dot-tile-neon.h):
//   Σ (a − z_a)·w = Σ a·w − z_a·Σ w,
// with bias − z_a·Σ w computed once per channel block (modulo 2^32: exact, as the reference's sum fits
// int32). Channels are taken in blocks whose weights (NC·k bytes) stay in L2 while every row passes over
// them; 4×4 tiles inside (edge tiles repeat the last row or channel, as qs8-gemm-tile.h). Requantization is
// the reference's, four channels at a time.
#ifndef ES_QS8_QC8W_GEMM_NEON_H
#define ES_QS8_QC8W_GEMM_NEON_H
#if defined(__aarch64__)
#include "qs8-dot-tile-neon.h"
#include "qs8-gemm-tile.h"

enum { ES_GEMM_NEON_NC = 256 };

__attribute__((always_inline)) static inline void es_qs8_qc8w_gemm_neon(
    size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride, int32_t a_zero_point, const int8_t *w,
    const int32_t *bias, const es_requant *requant, es_qs8_out out, int8_t *y, size_t y_stride,
    es_dot_method method) {
    int32_t base[ES_GEMM_NEON_NC] = {0};
    for (size_t jb = 0; jb < n; jb += ES_GEMM_NEON_NC) {
        size_t nb = n - jb < ES_GEMM_NEON_NC ? n - jb : ES_GEMM_NEON_NC;
        for (size_t c = 0; c < nb; c++) {
            uint32_t sum = (uint32_t)es_sum_s8_neon(k, w + (jb + c) * k);
            base[c] = (int32_t)((uint32_t)(bias ? bias[jb + c] : 0) - (uint32_t)a_zero_point * sum);
        }
        for (size_t i0 = 0; i0 < m; i0 += ES_DOT_TILE) {
            const int8_t *ar[ES_DOT_TILE];
            for (size_t r = 0; r < ES_DOT_TILE; r++) ar[r] = es_tile_row(a, a_stride, i0, r, m);
            size_t mr = m - i0 < ES_DOT_TILE ? m - i0 : ES_DOT_TILE;
            for (size_t j0 = jb; j0 < jb + nb; j0 += ES_DOT_TILE) {
                const int8_t *wr[ES_DOT_TILE];
                for (size_t c = 0; c < ES_DOT_TILE; c++) wr[c] = es_tile_row(w, k, j0, c, jb + nb);
                size_t nr = jb + nb - j0 < ES_DOT_TILE ? jb + nb - j0 : ES_DOT_TILE;
                int32x4_t sums[ES_DOT_TILE];
                es_dot_tile(k, ar, wr, sums, method);
                int32x4_t b = vld1q_s32(base + (j0 - jb)), multiplier, shift;
                es_load_requant_x4(requant + j0, nr, &multiplier, &shift);
                for (size_t r = 0; r < mr; r++) {
                    int32x4_t q = es_requantize_s32x4(vaddq_s32(sums[r], b), multiplier, shift, out);
                    int8_t bytes[8];
                    vst1_s8(bytes, es_narrow_s32x4(q));
                    int8_t *dst = y + (i0 + r) * y_stride + j0;
                    if (nr == ES_DOT_TILE) memcpy(dst, bytes, ES_DOT_TILE);  // fixed size: one store
                    else memcpy(dst, bytes, nr);
                }
            }
        }
    }
}

#endif
#endif
