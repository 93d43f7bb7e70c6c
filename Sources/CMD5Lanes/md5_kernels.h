// The lane kernels (private to CMD5Lanes). A `width`-lane kernel compresses `blocks` blocks into each lane:
// lane i's words are state[0..3][i] and its blocks start at data[i].
#ifndef MD5_KERNELS_H
#define MD5_KERNELS_H
#include <stddef.h>
#include <stdint.h>

typedef void (*cmd5_lanes_fn)(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks);

void cmd5_scalar_blocks(uint32_t state[4], const unsigned char *data, size_t blocks);

// x86-64 only (NULL elsewhere is never called: the CPU checks answer 0).
int cmd5_cpu_has_avx2(void);
int cmd5_cpu_has_avx512(void);
void cmd5_avx2_x8(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks);
void cmd5_avx512_x8(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks);
void cmd5_avx512_x16(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks);

#endif
