// es_qs8_qc8w_gemm_rndnu_scalar with AVX2 on weights packed once per layer (XNNPACK's broadcast GEMM).
// vpmaddubsw would add two u8×s8 products in saturating int16 (2·255·−128 does not fit), so the weights are
// packed as int16 instead: blocks of 8 output channels × pairs of consecutive k ([pair][channel][2], k padded
// with a zero weight to even), and one vpmaddwd multiplies a broadcast pair of a row's activations (int16) by
// 8 channels into int32 (|pair sum| <= 2·128·128), no horizontal sums. The zero point is folded into the bias
// at pack time: Σ (a − z_a)·w = Σ a·w − z_a·Σ w, int32 arithmetic modulo 2^32 whose true result fits int32,
// so it equals the reference's sum. Requantization runs on 8 channels at once: the products in int64 (even and odd
// lanes by vpmuldq), then the reference's exact rounding shift and clamp in int64, or, for a block whose shifts are
// all 33 or more, in int32 lanes from the products' high halves (es_avx2_requantize_high_epi32). Compiled for the
// baseline x86-64 with AVX2 enabled per function.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

// 4 rows × 2 blocks of 8 channels: 8 accumulators + 2 weight vectors + 1 broadcast of the 16 ymm.
// A row is widened KC values at a time (k beyond it is done in chunks, the widening repeated per tile).
enum { MR = 4, NV = 2, KC = 1024, LANES = 8 };

// What a block of 8 channels needs besides its weights; [0] holds the even channels, [1] the odd ones.
typedef struct {
    int32_t base[LANES];  // bias − z_a·Σ w (modulo 2^32)
    int64_t multiplier[2][LANES / 2];
    int64_t shift[2][LANES / 2];
    int64_t sign_shift[2][LANES / 2];  // 64 − shift: where the sign bits of a logical shift go
    int64_t half[2][LANES / 2];        // 2^(shift − 1)
    int32_t high_half[LANES];          // 2^(shift − 33), channel order
    int32_t high_shift[LANES];         // shift − 32
    int32_t high;                      // every shift >= 33: the rounding from the products' high halves applies
} block_head;

static size_t padded_k(size_t k) { return (k + 1) / 2 * 2; }
static size_t block_bytes(size_t k) { return sizeof(block_head) + LANES * padded_k(k) * sizeof(int16_t); }

size_t es_qs8_qc8w_gemm_avx2_packed_bytes(size_t n, size_t k) { return (n + LANES - 1) / LANES * block_bytes(k); }

// Channels past n get zero weights, multiplier 0 and shift 1: they compute 0 and are never stored.
void es_qs8_qc8w_gemm_avx2_pack(size_t n, size_t k, const int8_t *w, const int32_t *bias, int32_t a_zero_point,
                                const es_requant *requant, void *packed) {
    size_t kp = padded_k(k);
    for (size_t j0 = 0; j0 < n; j0 += LANES) {
        uint8_t *block = (uint8_t *)packed + j0 / LANES * block_bytes(k);
        block_head head;
        memset(&head, 0, sizeof head);
        head.high = 1;
        int16_t wp[LANES * 2];
        for (size_t l = 0; l < LANES; l++) {
            size_t j = j0 + l;
            es_requant rq = j < n ? requant[j] : (es_requant){0, 1};
            uint32_t sum = 0;
            for (size_t p = 0; p < k && j < n; p++) sum += (uint32_t)(int32_t)w[j * k + p];
            uint32_t b = j < n && bias ? (uint32_t)bias[j] : 0;
            head.base[l] = (int32_t)(b - (uint32_t)a_zero_point * sum);
            head.multiplier[l % 2][l / 2] = rq.multiplier;
            head.shift[l % 2][l / 2] = rq.shift;
            head.sign_shift[l % 2][l / 2] = 64 - rq.shift;
            head.half[l % 2][l / 2] = (int64_t)1 << (rq.shift - 1);
            if (j >= n) rq.shift = 33;  // computes 0 either way
            head.high &= rq.shift >= 33;
            head.high_half[l] = rq.shift >= 33 ? (int32_t)1 << (rq.shift - 33) : 0;
            head.high_shift[l] = rq.shift - 32;
        }
        memcpy(block, &head, sizeof head);
        for (size_t p = 0; p < kp; p += 2) {
            for (size_t l = 0; l < LANES; l++)
                for (size_t t = 0; t < 2; t++)
                    wp[2 * l + t] = j0 + l < n && p + t < k ? w[(j0 + l) * k + p + t] : 0;
            memcpy(block + sizeof head + p * LANES * sizeof(int16_t), wp, sizeof wp);
        }
    }
}

// Requantizes 8 channel accumulators: the even channels' products in the low lanes, the odd ones' by
// shifting the accumulators down 32 bits; each rounding-shifted (floor by a logical shift with the sign bits
// put back) and clamped in int64 (lo, hi = the clamp range minus the zero point), then the odd results
// moved next to the even ones.
ES_AVX2 static inline __m256i requantize8(__m256i acc, const block_head *h, __m256i lo, __m256i hi,
                                          __m256i zero_point) {
    __m256i r[2];
    __m256i x[2] = {acc, _mm256_srli_epi64(acc, 32)};
    for (int o = 0; o < 2; o++) {
        __m256i prod = _mm256_mul_epi32(x[o], _mm256_loadu_si256((const __m256i *)h->multiplier[o]));
        __m256i t = _mm256_add_epi64(prod, _mm256_loadu_si256((const __m256i *)h->half[o]));
        __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), t);
        __m256i q = _mm256_or_si256(_mm256_srlv_epi64(t, _mm256_loadu_si256((const __m256i *)h->shift[o])),
                                    _mm256_sllv_epi64(sign, _mm256_loadu_si256((const __m256i *)h->sign_shift[o])));
        q = _mm256_blendv_epi8(q, lo, _mm256_cmpgt_epi64(lo, q));
        r[o] = _mm256_blendv_epi8(q, hi, _mm256_cmpgt_epi64(q, hi));
    }
    return _mm256_add_epi32(_mm256_blend_epi32(r[0], _mm256_slli_epi64(r[1], 32), 0xAA), zero_point);
}

// One tile: rows widened in arows (valid mr), nv blocks of channels from channel j (valid ncols).
ES_AVX2 static inline __attribute__((always_inline)) void tile(
    size_t nv, size_t k, const int8_t *const rows[MR], int16_t (*arows)[KC + 16], int copy, const uint8_t *blocks,
    size_t bstride, es_qs8_out out, int8_t *y, size_t y_stride, size_t mr, size_t ncols) {
    const block_head *head[NV];
    __m256i acc[MR][NV];
    for (size_t v = 0; v < nv; v++) {
        head[v] = (const block_head *)(blocks + v * bstride);
        for (size_t r = 0; r < MR; r++) acc[r][v] = _mm256_loadu_si256((const __m256i *)head[v]->base);
    }
    for (size_t p0 = 0; p0 < k; p0 += KC) {
        size_t len = k - p0 < KC ? k - p0 : KC;
        if (copy || p0 > 0)
            for (size_t r = 0; r < MR; r++) es_avx2_widen_row(rows[r] + p0, len, 0, 0, arows[r]);  // zeros after len
        const int16_t *wv[NV];
        for (size_t v = 0; v < nv; v++) wv[v] = (const int16_t *)(head[v] + 1) + LANES * p0;
        for (size_t g = 0; g < (len + 1) / 2; g++) {
            __m256i bv[NV];
            for (size_t v = 0; v < nv; v++) bv[v] = _mm256_loadu_si256((const __m256i *)(wv[v] + 2 * LANES * g));
            for (size_t r = 0; r < MR; r++) {
                int32_t a2;
                memcpy(&a2, arows[r] + 2 * g, 4);
                __m256i av = _mm256_set1_epi32(a2);
                for (size_t v = 0; v < nv; v++) acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(av, bv[v]));
            }
        }
    }
    const __m256i lo = _mm256_set1_epi64x((int64_t)out.min - out.zero_point);
    const __m256i hi = _mm256_set1_epi64x((int64_t)out.max - out.zero_point);
    const __m256i zero_point = _mm256_set1_epi32(out.zero_point);
    size_t valid = ncols < LANES * nv ? ncols : LANES * nv;
    for (size_t r = 0; r < mr; r++) {
        __m256i q[NV];
        for (size_t v = 0; v < nv; v++) {
            const block_head *h = head[v];
            q[v] = h->high ? es_avx2_requantize_high_epi32(acc[r][v], _mm256_loadu_si256((const __m256i *)h->multiplier[0]),
                                                           _mm256_loadu_si256((const __m256i *)h->multiplier[1]),
                                                           _mm256_loadu_si256((const __m256i *)h->high_half),
                                                           _mm256_loadu_si256((const __m256i *)h->high_shift), out)
                           : requantize8(acc[r][v], h, lo, hi, zero_point);
        }
        __m256i q0 = q[0], q1 = nv > 1 ? q[1] : q0;
        __m128i bytes = es_avx2_pack_epi32_epi8(q0, q1);
        if (valid == 16) {
            _mm_storeu_si128((__m128i *)(y + r * y_stride), bytes);
        } else {
            int8_t buf[16];
            _mm_storeu_si128((__m128i *)buf, bytes);
            memcpy(y + r * y_stride, buf, valid);
        }
    }
}

ES_AVX2 void es_qs8_qc8w_gemm_packed_rndnu_avx2(size_t m, size_t n, size_t k, const int8_t *a, size_t a_stride,
                                                const void *packed, es_qs8_out out, int8_t *y, size_t y_stride) {
    _Alignas(32) int16_t arows[MR][KC + 16];
    size_t bstride = block_bytes(k);
    for (size_t i0 = 0; i0 < m; i0 += MR) {
        size_t mr = m - i0 < MR ? m - i0 : MR;
        const int8_t *rows[MR];
        for (size_t r = 0; r < MR; r++) rows[r] = a + (i0 + (r < mr ? r : mr - 1)) * a_stride;
        // The first tile widens the rows; later ones reuse them unless k needs more than one chunk.
        int copy = 1;
        for (size_t j = 0; j < n; j += NV * LANES) {
            size_t ncols = n - j, nvec = (ncols + LANES - 1) / LANES;
            const uint8_t *blocks = (const uint8_t *)packed + j / LANES * bstride;
            int8_t *yt = y + i0 * y_stride + j;
            if (nvec >= 2) tile(2, k, rows, arows, copy, blocks, bstride, out, yt, y_stride, mr, ncols);
            else tile(1, k, rows, arows, copy, blocks, bstride, out, yt, y_stride, mr, ncols);
            copy = k > KC;
        }
    }
}
#endif
