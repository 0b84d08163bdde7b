// The int32 GEMM under the AVX-512 VNNI Q·Kᵀ and P·V kernels (private to CEdgeSeg):
//   c[i,j] (+)= Σ_p A[i,p]·B[p,j] + α·Σ_p A[i,p] + β·(reduction length) + γ·Σ_p B[p,j]
// with A unsigned bytes (a source row XORed with a_xor) and B signed bytes. B is packed per chunk of the
// reduction into groups of four values per column ([group][column][4], zero padded), so vpdpbusd adds one
// broadcast group of a row times 16 columns per instruction, with no horizontal sums. The α, β, γ terms
// turn Σ A·B into the op's zero-point-corrected sum; everything is int32 arithmetic modulo 2^32 whose true
// result fits int32 (the ops' bounds), so it equals the reference's exact sum. Columns past the end are
// masked off on store; rows past the end repeat the last row and are not stored.
#ifndef ES_QS8_BCAST_GEMM_AVX512VNNI_H
#define ES_QS8_BCAST_GEMM_AVX512VNNI_H
#include "es-int8-x86.h"

// 4 rows × 4 vectors of 16 columns: 16 accumulators + 4 packed B vectors + 1 broadcast of the 32 zmm.
enum { ES_BG_MR = 4, ES_BG_NV = 4, ES_BG_COLUMNS = 256, ES_BG_PACK_BYTES = 16384, ES_BG_MAX_CHUNK = 1024 };

// Packs B's rows p0 .. p0 + len (the reduction) × columns j0 .. j0 + ncols into pack[group][width][4],
// zeros elsewhere.
typedef void (*es_bg_pack_fn)(const int8_t *b, size_t b_stride, size_t j0, size_t ncols, size_t p0, size_t len,
                              size_t width, int8_t *pack);

typedef struct {
    const uint8_t *a;
    size_t a_stride;
    uint8_t a_xor;
    const int8_t *b;
    size_t b_stride;
    es_bg_pack_fn pack;
    int32_t alpha, beta, gamma;
    int accumulate;  // add onto c (else c is overwritten)
} es_bg_problem;

// One tile: rows i0.. (valid mr), the nv vectors of columns starting at pack column v0·16 (valid ncols).
ES_AVX512VNNI static inline __attribute__((always_inline)) void es_bg_tile(
    size_t nv, size_t groups, const uint8_t (*apack)[ES_BG_MAX_CHUNK + 64], const int8_t *bpack, size_t width,
    const int32_t *rowterm, const int32_t *colterm, int load, int32_t *c, size_t c_stride, size_t mr, size_t ncols) {
    __m512i acc[ES_BG_MR][ES_BG_NV];
    __mmask16 mask[ES_BG_NV];
    for (size_t v = 0; v < nv; v++) mask[v] = es_mask16(ncols - 16 * v);
    for (size_t r = 0; r < ES_BG_MR; r++) {
        for (size_t v = 0; v < nv; v++) {
            __m512i init = _mm512_add_epi32(_mm512_set1_epi32(rowterm[r]), _mm512_loadu_si512(colterm + 16 * v));
            if (load && r < mr) init = _mm512_add_epi32(init, _mm512_maskz_loadu_epi32(mask[v], c + r * c_stride + 16 * v));
            acc[r][v] = init;
        }
    }
    for (size_t g = 0; g < groups; g++) {
        __m512i bv[ES_BG_NV];
        for (size_t v = 0; v < nv; v++) bv[v] = _mm512_load_si512(bpack + (g * width + 16 * v) * 4);
        for (size_t r = 0; r < ES_BG_MR; r++) {
            int32_t a4;
            memcpy(&a4, apack[r] + 4 * g, 4);
            __m512i av = _mm512_set1_epi32(a4);
            for (size_t v = 0; v < nv; v++) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, bv[v]);
        }
    }
    for (size_t r = 0; r < mr; r++)
        for (size_t v = 0; v < nv; v++) _mm512_mask_storeu_epi32(c + r * c_stride + 16 * v, mask[v], acc[r][v]);
}

ES_AVX512VNNI static inline void es_bg_run(size_t m, size_t n, size_t kred, es_bg_problem pr, int32_t *c,
                                           size_t c_stride) {
    _Alignas(64) int8_t bpack[ES_BG_PACK_BYTES];
    _Alignas(64) uint8_t apack[ES_BG_MR][ES_BG_MAX_CHUNK + 64];
    _Alignas(64) int32_t colterm[ES_BG_COLUMNS];
    int32_t rowterm[ES_BG_MR];
    const __m512i ones = _mm512_set1_epi8(1), flip = _mm512_set1_epi8((char)pr.a_xor);
    for (size_t j0 = 0; j0 < n; j0 += ES_BG_COLUMNS) {
        size_t ncols = n - j0 < ES_BG_COLUMNS ? n - j0 : ES_BG_COLUMNS, nvec = (ncols + 15) / 16, width = 16 * nvec;
        size_t chunk = ES_BG_PACK_BYTES / width / 4 * 4;
        if (chunk > ES_BG_MAX_CHUNK) chunk = ES_BG_MAX_CHUNK;
        for (size_t p0 = 0; p0 < kred || p0 == 0; p0 += chunk) {  // once with len 0 if kred is 0: c = terms
            size_t len = kred - p0 < chunk ? kred - p0 : chunk, groups = (len + 3) / 4;
            pr.pack(pr.b, pr.b_stride, j0, ncols, p0, len, width, bpack);
            for (size_t v = 0; v < nvec; v++) {
                __m512i sum = _mm512_setzero_si512();
                for (size_t g = 0; g < groups && pr.gamma; g++)
                    sum = _mm512_dpbusd_epi32(sum, ones, _mm512_load_si512(bpack + (g * width + 16 * v) * 4));
                _mm512_store_si512(colterm + 16 * v, _mm512_mullo_epi32(sum, _mm512_set1_epi32(pr.gamma)));
            }
            int load = pr.accumulate || p0 > 0;
            for (size_t i0 = 0; i0 < m; i0 += ES_BG_MR) {
                size_t mr = m - i0 < ES_BG_MR ? m - i0 : ES_BG_MR;
                for (size_t r = 0; r < ES_BG_MR; r++) {
                    const uint8_t *src = pr.a + (i0 + (r < mr ? r : mr - 1)) * pr.a_stride + p0;
                    __m512i sum = _mm512_setzero_si512();
                    for (size_t p = 0; p < len; p += 64) {
                        __mmask64 mask = es_mask64(len - p);
                        __m512i v = _mm512_maskz_mov_epi8(mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, src + p), flip));
                        _mm512_storeu_si512(apack[r] + p, v);
                        sum = _mm512_add_epi64(sum, _mm512_sad_epu8(v, _mm512_setzero_si512()));
                    }
                    uint32_t total = (uint32_t)_mm512_reduce_add_epi64(sum);
                    rowterm[r] = (int32_t)((uint32_t)pr.alpha * total + (uint32_t)pr.beta * (uint32_t)len);
                }
                int32_t *ct = c + i0 * c_stride + j0;
                for (size_t v0 = 0; v0 < nvec; v0 += ES_BG_NV) {
                    size_t nv = nvec - v0 < ES_BG_NV ? nvec - v0 : ES_BG_NV, cols = ncols - 16 * v0;
                    const int8_t *bp = bpack + 16 * v0 * 4;
                    const int32_t *cterm = colterm + 16 * v0;
                    switch (nv) {
                    case 4: es_bg_tile(4, groups, apack, bp, width, rowterm, cterm, load, ct + 16 * v0, c_stride, mr, cols); break;
                    case 3: es_bg_tile(3, groups, apack, bp, width, rowterm, cterm, load, ct + 16 * v0, c_stride, mr, cols); break;
                    case 2: es_bg_tile(2, groups, apack, bp, width, rowterm, cterm, load, ct + 16 * v0, c_stride, mr, cols); break;
                    default: es_bg_tile(1, groups, apack, bp, width, rowterm, cterm, load, ct + 16 * v0, c_stride, mr, cols); break;
                    }
                }
            }
            if (kred == 0) break;
        }
    }
}
#endif
