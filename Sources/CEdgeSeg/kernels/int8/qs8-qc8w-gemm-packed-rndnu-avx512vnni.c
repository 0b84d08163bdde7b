// es_qs8_qc8w_gemm_rndnu_scalar with AVX-512 VNNI on weights packed once per layer (XNNPACK's broadcast GEMM).
// The weights come in blocks of 16 output channels × groups of 4 consecutive k ([group][channel][4], k padded
// with zero weights to a multiple of 4), so one vpdpbusd multiplies 4 broadcast activation bytes of a row by
// 16 channels and no horizontal sums are needed. vpdpbusd takes unsigned activations, so a row is copied
// biased (a + 128 = a XOR 0x80) and the bias is corrected at pack time per channel:
//   Σ (a − z_a)·w = Σ (a + 128)·w − (128 + z_a)·Σ w.
// All of it is int32 arithmetic modulo 2^32 whose true result fits int32, so it equals the reference's sum.
// Requantization runs on 16 channels at once: the products in int64 (even and odd lanes by vpmuldq), then the
// reference's exact rounding shift and clamp in int64, or, for a block whose shifts are all 33 or more, in int32
// lanes from the products' high halves: floor((floor(x / 2^32) + 2^(s−33)) / 2^(s−32)) = floor((x + 2^(s−1)) / 2^s)
// (QUANTIZATION.md). Compiled for the baseline x86-64 with AVX-512 enabled per function.
#if defined(__x86_64__)
#include "es-int8-x86.h"
#include "es_int8_dispatch.h"

// 8 rows × 2 blocks of 16 channels: 16 accumulators + 2 weight vectors + 1 broadcast of the 32 zmm.
// A row is copied KC bytes at a time (k beyond it is done in chunks, the copy repeated per tile).
enum { MR = 8, NV = 2, KC = 1024, LANES = 16 };

// What a block of 16 channels needs besides its weights; [0] holds the even channels, [1] the odd ones.
typedef struct {
    int32_t base[LANES];      // bias − (128 + z_a)·Σ w (modulo 2^32)
    int64_t multiplier[2][LANES / 2];
    int64_t shift[2][LANES / 2];
    int64_t half[2][LANES / 2];  // 2^(shift − 1)
    int32_t high_half[LANES];    // 2^(shift − 33), channel order
    int32_t high_shift[LANES];   // shift − 32
    int32_t high;                // every shift >= 33: the rounding from the products' high halves applies
} block_head;

static size_t padded_k(size_t k) { return (k + 3) / 4 * 4; }
static size_t block_bytes(size_t k) { return sizeof(block_head) + LANES * padded_k(k); }

size_t es_qs8_qc8w_gemm_avx512vnni_packed_bytes(size_t n, size_t k) {
    return (n + LANES - 1) / LANES * block_bytes(k);
}

// Channels past n get zero weights, multiplier 0 and shift 1: they compute 0 and are never stored.
void es_qs8_qc8w_gemm_avx512vnni_pack(size_t n, size_t k, const int8_t *w, const int32_t *bias, int32_t a_zero_point,
                                      const es_requant *requant, void *packed) {
    size_t kp = padded_k(k);
    for (size_t j0 = 0; j0 < n; j0 += LANES) {
        uint8_t *block = (uint8_t *)packed + j0 / LANES * block_bytes(k);
        block_head head;
        memset(&head, 0, sizeof head);
        head.high = 1;
        int8_t *wp = (int8_t *)(block + sizeof head);
        memset(wp, 0, LANES * kp);
        for (size_t l = 0; l < LANES; l++) {
            size_t j = j0 + l;
            es_requant rq = {0, 1};
            uint32_t sum = 0;
            if (j < n) {
                rq = requant[j];
                for (size_t p = 0; p < k; p++) {
                    wp[(p / 4 * LANES + l) * 4 + p % 4] = w[j * k + p];
                    sum += (uint32_t)(int32_t)w[j * k + p];
                }
            }
            uint32_t b = j < n && bias ? (uint32_t)bias[j] : 0;
            head.base[l] = (int32_t)(b - (uint32_t)(128 + a_zero_point) * sum);
            head.multiplier[l % 2][l / 2] = rq.multiplier;
            head.shift[l % 2][l / 2] = rq.shift;
            head.half[l % 2][l / 2] = (int64_t)1 << (rq.shift - 1);
            if (j >= n) rq.shift = 33;  // computes 0 either way
            head.high &= rq.shift >= 33;
            head.high_half[l] = rq.shift >= 33 ? (int32_t)1 << (rq.shift - 33) : 0;
            head.high_shift[l] = rq.shift - 32;
        }
        memcpy(block, &head, sizeof head);
    }
}

// Bytes p0 .. p0 + len of a row XOR 0x80 into dst, zeros after them up to the next multiple of 64.
ES_AVX512VNNI static inline void copy_row_biased(const int8_t *row, size_t len, uint8_t *dst) {
    const __m512i sign = _mm512_set1_epi8((char)0x80);
    for (size_t p = 0; p < len; p += 64) {
        __mmask64 mask = es_mask64(len - p);
        _mm512_storeu_si512(dst + p, _mm512_maskz_mov_epi8(mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, row + p), sign)));
    }
}

// Requantizes 16 channel accumulators: the even channels' products in the low lanes of `even`, the odd
// ones' by shifting the accumulators down 32 bits; each rounding-shifted and clamped in int64 (lo, hi = the
// clamp range minus the zero point), then the odd results moved next to the even ones.
ES_AVX512VNNI static inline __m128i requantize16(__m512i acc, const block_head *h, __m512i lo, __m512i hi,
                                                  __m512i zero_point) {
    __m512i r[2];
    __m512i x[2] = {acc, _mm512_srli_epi64(acc, 32)};
    for (int o = 0; o < 2; o++) {
        __m512i prod = _mm512_mul_epi32(x[o], _mm512_loadu_si512(h->multiplier[o]));
        __m512i q = _mm512_srav_epi64(_mm512_add_epi64(prod, _mm512_loadu_si512(h->half[o])), _mm512_loadu_si512(h->shift[o]));
        r[o] = _mm512_min_epi64(_mm512_max_epi64(q, lo), hi);
    }
    __m512i q = _mm512_mask_shuffle_epi32(r[0], 0xAAAA, r[1], (_MM_PERM_ENUM)0xA0);
    return _mm512_cvtepi32_epi8(_mm512_add_epi32(q, zero_point));
}

// One tile: rows copied in arows (valid mr), nv blocks of channels from channel j (valid ncols).
ES_AVX512VNNI static inline __attribute__((always_inline)) void tile(
    size_t nv, size_t k, const int8_t *const rows[MR], uint8_t (*arows)[KC + 64], int copy, const uint8_t *blocks,
    size_t bstride, es_qs8_out out, int8_t *y, size_t y_stride, size_t mr, size_t ncols) {
    const block_head *head[NV];
    __m512i acc[MR][NV];
    for (size_t v = 0; v < nv; v++) {
        head[v] = (const block_head *)(blocks + v * bstride);
        for (size_t r = 0; r < MR; r++) acc[r][v] = _mm512_loadu_si512(head[v]->base);
    }
    for (size_t p0 = 0; p0 < k; p0 += KC) {
        size_t len = k - p0 < KC ? k - p0 : KC;
        if (copy || p0 > 0)
            for (size_t r = 0; r < MR; r++) copy_row_biased(rows[r] + p0, len, arows[r]);
        const int8_t *wv[NV];
        for (size_t v = 0; v < nv; v++) wv[v] = (const int8_t *)(head[v] + 1) + LANES * p0;
        for (size_t g = 0; g < (len + 3) / 4; g++) {
            __m512i bv[NV];
            for (size_t v = 0; v < nv; v++) bv[v] = _mm512_loadu_si512(wv[v] + 64 * g);
            for (size_t r = 0; r < MR; r++) {
                int32_t a4;
                memcpy(&a4, arows[r] + 4 * g, 4);
                __m512i av = _mm512_set1_epi32(a4);
                for (size_t v = 0; v < nv; v++) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, bv[v]);
            }
        }
    }
    const __m512i lo = _mm512_set1_epi64((int64_t)out.min - out.zero_point);
    const __m512i hi = _mm512_set1_epi64((int64_t)out.max - out.zero_point);
    const __m512i zero_point = _mm512_set1_epi32(out.zero_point);
    for (size_t v = 0; v < nv; v++) {
        __mmask16 mask = es_mask16(ncols - LANES * v);
        const block_head *h = head[v];
        if (h->high) {
            for (size_t r = 0; r < mr; r++) {
                __m512i q = es_avx512_requantize_high_epi32(acc[r][v], _mm512_loadu_si512(h->multiplier[0]),
                                                            _mm512_loadu_si512(h->multiplier[1]), _mm512_loadu_si512(h->high_half),
                                                            _mm512_loadu_si512(h->high_shift), out);
                _mm_mask_storeu_epi8(y + r * y_stride + LANES * v, mask, _mm512_cvtsepi32_epi8(q));
            }
        } else {
            for (size_t r = 0; r < mr; r++)
                _mm_mask_storeu_epi8(y + r * y_stride + LANES * v, mask, requantize16(acc[r][v], head[v], lo, hi, zero_point));
        }
    }
}

ES_AVX512VNNI void es_qs8_qc8w_gemm_packed_rndnu_avx512vnni(size_t m, size_t n, size_t k, const int8_t *a,
                                                            size_t a_stride, const void *packed, es_qs8_out out,
                                                            int8_t *y, size_t y_stride) {
    _Alignas(64) uint8_t arows[MR][KC + 64];
    size_t bstride = block_bytes(k);
    for (size_t i0 = 0; i0 < m; i0 += MR) {
        size_t mr = m - i0 < MR ? m - i0 : MR;
        const int8_t *rows[MR];
        for (size_t r = 0; r < MR; r++) rows[r] = a + (i0 + (r < mr ? r : mr - 1)) * a_stride;
        // The first tile copies the rows; later ones reuse the copy unless k needs more than one chunk.
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
