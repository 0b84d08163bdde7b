// The int32 GEMM under the AVX2 Q·Kᵀ and P·V kernels (private to CEdgeSeg):
//   c[i,j] (+)= Σ_p (A[i,p] − z_a)·(B[p,j] − z_b)
// with both operands widened to int16 minus their zero points (|.| <= 255). B is packed per chunk of the
// reduction into pairs per column ([pair][column][2], zero padded), so vpmaddwd adds one broadcast pair of
// a row times 8 columns per instruction (|pair sum| <= 2·255·255 fits int32), with no horizontal sums.
// int32 sums in any order equal the reference's exact sum (the ops' bounds keep it inside int32). Columns
// past the end are not stored; rows past the end repeat the last row and are not stored.
#ifndef ES_QS8_BCAST_GEMM_AVX2_H
#define ES_QS8_BCAST_GEMM_AVX2_H
#include "es-int8-x86.h"

// 3 rows × 4 vectors of 8 columns: 12 accumulators + 1 broadcast, B read from memory, of the 16 ymm.
enum { ES_BG_MR = 3, ES_BG_NV = 4, ES_BG_COLUMNS = 128, ES_BG_PACK_BYTES = 16384, ES_BG_MAX_CHUNK = 1024 };

// Packs (B − z_b) over rows p0 .. p0 + len (the reduction) × columns j0 .. j0 + ncols into
// pack[pair][width][2] as int16, zeros elsewhere.
typedef void (*es_bg_pack_fn)(const int8_t *b, size_t b_stride, int32_t b_zero_point, size_t j0, size_t ncols,
                              size_t p0, size_t len, size_t width, int16_t *pack);

typedef struct {
    const int8_t *a;
    size_t a_stride;
    int a_unsigned;  // A's bytes are uint8 (softmax weights), else int8
    int32_t a_zero_point;
    const int8_t *b;
    size_t b_stride;
    int32_t b_zero_point;
    es_bg_pack_fn pack;
    int accumulate;  // add onto c (else c is overwritten)
} es_bg_problem;

// Up to 8 int32 of c (a tail through a buffer, so nothing past the row is read or written).
ES_AVX2 static inline __m256i es_bg_load(const int32_t *p, size_t n) {
    if (n >= 8) return _mm256_loadu_si256((const __m256i *)p);
    int32_t buf[8] = {0};
    memcpy(buf, p, n * sizeof *p);
    return _mm256_loadu_si256((const __m256i *)buf);
}

ES_AVX2 static inline void es_bg_store(int32_t *p, size_t n, __m256i v) {
    if (n >= 8) {
        _mm256_storeu_si256((__m256i *)p, v);
    } else {
        int32_t buf[8];
        _mm256_storeu_si256((__m256i *)buf, v);
        memcpy(p, buf, n * sizeof *p);
    }
}

// One tile: rows i0.. (valid mr), the nv vectors of columns starting at pack column v0·8 (valid ncols).
ES_AVX2 static inline __attribute__((always_inline)) void es_bg_tile(
    size_t nv, size_t pairs, const int16_t (*apack)[ES_BG_MAX_CHUNK + 16], const int16_t *bpack, size_t width,
    int load, int32_t *c, size_t c_stride, size_t mr, size_t ncols) {
    __m256i acc[ES_BG_MR][ES_BG_NV];
    for (size_t r = 0; r < ES_BG_MR; r++)
        for (size_t v = 0; v < nv; v++)
            acc[r][v] = load && r < mr ? es_bg_load(c + r * c_stride + 8 * v, ncols - 8 * v) : _mm256_setzero_si256();
    for (size_t g = 0; g < pairs; g++) {
        const __m256i *bv = (const __m256i *)(bpack + (g * width) * 2);
        for (size_t r = 0; r < ES_BG_MR; r++) {
            int32_t a2;
            memcpy(&a2, apack[r] + 2 * g, 4);
            __m256i av = _mm256_set1_epi32(a2);
            for (size_t v = 0; v < nv; v++) acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(av, _mm256_load_si256(bv + v)));
        }
    }
    for (size_t r = 0; r < mr; r++)
        for (size_t v = 0; v < nv; v++) es_bg_store(c + r * c_stride + 8 * v, ncols - 8 * v, acc[r][v]);
}

// (row − z) as int16 for len values, and a zero partner after an odd last value.
ES_AVX2 static inline void es_bg_pack_row(const int8_t *row, size_t len, int is_unsigned, int32_t z, int16_t *dst) {
    es_avx2_widen_row(row, len, is_unsigned, z, dst);
    if (len % 2) dst[len] = 0;  // the odd value's partner
}

ES_AVX2 static inline void es_bg_run(size_t m, size_t n, size_t kred, es_bg_problem pr, int32_t *c, size_t c_stride) {
    _Alignas(32) int16_t bpack[ES_BG_PACK_BYTES / 2];
    _Alignas(32) int16_t apack[ES_BG_MR][ES_BG_MAX_CHUNK + 16];
    for (size_t j0 = 0; j0 < n; j0 += ES_BG_COLUMNS) {
        size_t ncols = n - j0 < ES_BG_COLUMNS ? n - j0 : ES_BG_COLUMNS, nvec = (ncols + 7) / 8, width = 8 * nvec;
        size_t chunk = ES_BG_PACK_BYTES / (width * 4) * 2;
        if (chunk > ES_BG_MAX_CHUNK) chunk = ES_BG_MAX_CHUNK;
        for (size_t p0 = 0; p0 < kred || p0 == 0; p0 += chunk) {  // once with len 0 if kred is 0: c = 0 or kept
            size_t len = kred - p0 < chunk ? kred - p0 : chunk, pairs = (len + 1) / 2;
            pr.pack(pr.b, pr.b_stride, pr.b_zero_point, j0, ncols, p0, len, width, bpack);
            int load = pr.accumulate || p0 > 0;
            for (size_t i0 = 0; i0 < m; i0 += ES_BG_MR) {
                size_t mr = m - i0 < ES_BG_MR ? m - i0 : ES_BG_MR;
                for (size_t r = 0; r < ES_BG_MR; r++)
                    es_bg_pack_row(pr.a + (i0 + (r < mr ? r : mr - 1)) * pr.a_stride + p0, len, pr.a_unsigned,
                                   pr.a_zero_point, apack[r]);
                int32_t *ct = c + i0 * c_stride + j0;
                for (size_t v0 = 0; v0 < nvec; v0 += ES_BG_NV) {
                    size_t nv = nvec - v0 < ES_BG_NV ? nvec - v0 : ES_BG_NV, cols = ncols - 8 * v0;
                    const int16_t *bp = bpack + 8 * v0 * 2;
                    switch (nv) {
                    case 4: es_bg_tile(4, pairs, apack, bp, width, load, ct + 8 * v0, c_stride, mr, cols); break;
                    case 3: es_bg_tile(3, pairs, apack, bp, width, load, ct + 8 * v0, c_stride, mr, cols); break;
                    case 2: es_bg_tile(2, pairs, apack, bp, width, load, ct + 8 * v0, c_stride, mr, cols); break;
                    default: es_bg_tile(1, pairs, apack, bp, width, load, ct + 8 * v0, c_stride, mr, cols); break;
                    }
                }
            }
            if (kred == 0) break;
        }
    }
}
#endif
