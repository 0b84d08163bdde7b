#include "es_crc32c.h"

// Slicing-by-8 (Intel's method): eight 256-entry tables let the loop fold 8 bytes per step with
// independent lookups, ~5x faster than a byte at a time. table[k][b] is the CRC of byte b followed by
// k zero bytes. The tables are rebuilt per call (2048 entries, a few microseconds) so there is no
// shared mutable state to initialise.
static void es_crc32c_tables(uint32_t table[8][256]) {
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int i = 0; i < 8; i++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        table[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; b++) {
        for (int k = 1; k < 8; k++) table[k][b] = (table[k - 1][b] >> 8) ^ table[0][table[k - 1][b] & 0xFF];
    }
}

uint32_t es_crc32c(uint32_t crc, const void *data, size_t length) {
    uint32_t table[8][256];
    es_crc32c_tables(table);
    const uint8_t *p = (const uint8_t *)data;
    crc = ~crc;
    for (; length >= 8; p += 8, length -= 8) {
        // Little-endian byte order by construction, whatever the host's.
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        crc = table[7][lo & 0xFF] ^ table[6][(lo >> 8) & 0xFF] ^ table[5][(lo >> 16) & 0xFF] ^ table[4][lo >> 24] ^
              table[3][hi & 0xFF] ^ table[2][(hi >> 8) & 0xFF] ^ table[1][(hi >> 16) & 0xFF] ^ table[0][hi >> 24];
    }
    for (; length > 0; p++, length--) crc = (crc >> 8) ^ table[0][(crc ^ *p) & 0xFF];
    return ~crc;
}
