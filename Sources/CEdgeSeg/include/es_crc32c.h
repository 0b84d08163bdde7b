// CRC-32C (Castagnoli), the checksum of `.edgeseg` model files. In C so that verifying a model on open
// costs about a millisecond per few MB even in a debug build of the Swift code.
#ifndef ES_CRC32C_H
#define ES_CRC32C_H
#include <stddef.h>
#include <stdint.h>

// The CRC-32C of `length` bytes, continuing from `crc` (pass 0 to start): the iSCSI / ext4 / Btrfs CRC
// (reflected polynomial 0x82F63B78, initial and final XOR 0xFFFFFFFF). crc32c("123456789") == 0xE3069283.
uint32_t es_crc32c(uint32_t crc, const void *data, size_t length);

#endif
