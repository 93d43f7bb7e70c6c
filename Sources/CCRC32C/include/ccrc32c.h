#ifndef CCRC32C_H
#define CCRC32C_H
// CRC-32C (Castagnoli), the checksum S3 verifies as `x-amz-checksum-crc32c`. The CPU's CRC32 instruction
// where there is one (x86-64 SSE4.2, checked at run time; arm64 CRC), a table otherwise.
#include <stddef.h>
#include <stdint.h>

/// Continues `crc` (0 to start; the previous return value to continue) over `length` bytes at `data`.
uint32_t ccrc32c_update(uint32_t crc, const void *data, size_t length);

#endif
