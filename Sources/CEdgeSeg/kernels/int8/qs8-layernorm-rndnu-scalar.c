// LayerNorm over channels in integers (the row statistics: qs8-layernorm.h). Each channel applies gamma/out_scale
// and beta/out_scale to its Q24 normalised value with one rounding.
#include "qs8-layernorm.h"

static void layernorm_row(size_t channels, const int8_t *x, uint64_t eps_term,
                          const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    es_layernorm_row row = es_layernorm_row_stats(channels, x, eps_term);
    for (size_t c = 0; c < channels; c++) {
        int64_t z = es_round_shift((row.n * x[c] - row.sum) * row.inv, row.z_shift);  // Q24, |z| < 64·2^24
        es_qs8_layernorm_channel ch = per_channel[c];
        int64_t v = es_round_shift(z * ch.multiplier + ch.offset, (uint32_t)ch.shift);
        y[c] = (int8_t)es_clamp(out.zero_point + v, out.min, out.max);
    }
}

void es_qs8_layernorm_rndnu_scalar(size_t rows, size_t channels, const int8_t *x, uint64_t eps_term,
                                   const es_qs8_layernorm_channel *per_channel, es_qs8_out out, int8_t *y) {
    for (size_t r = 0; r < rows; r++) layernorm_row(channels, x + r * channels, eps_term, per_channel, out, y + r * channels);
}
