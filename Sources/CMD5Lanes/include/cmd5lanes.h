#ifndef CMD5LANES_H
#define CMD5LANES_H
// Multi-buffer MD5 (RFC 1321): the compression function over several independent streams at once, one stream
// per 32-bit SIMD lane (x86-64: AVX-512 in 16 or 8 lanes, AVX2 in 8, chosen at run time), and a scalar
// kernel everywhere else. Padding, lengths and buffering are the caller's (LaneScheduler in S3).
#include <stddef.h>
#include <stdint.h>

/// A kernel; `CMD5_KERNEL_AUTO` picks the best the CPU runs for the lane count.
typedef enum {
    CMD5_KERNEL_AUTO = 0,
    CMD5_KERNEL_SCALAR = 1,
    CMD5_KERNEL_AVX2 = 2,     // 8 lanes in ymm
    CMD5_KERNEL_AVX512 = 3,   // 8 lanes in ymm (AVX-512VL) or 16 in zmm (AVX-512F)
} cmd5_kernel;

/// Whether this CPU (and build) runs `kernel`.
int cmd5_kernel_supported(cmd5_kernel kernel);

/// The kernel `CMD5_KERNEL_AUTO` uses for several lanes on this CPU.
cmd5_kernel cmd5_best_kernel(void);

/// The four words (A, B, C, D) MD5 starts from.
void cmd5_init(uint32_t state[4]);

/// Compresses `blocks` 64-byte blocks into each of `count` streams: stream `i` has its state at
/// `states[i]` (4 words) and its blocks at `data[i]` (`blocks * 64` bytes). The streams run in the lanes of
/// `kernel` (`CMD5_KERNEL_AUTO`: the best one; a kernel this CPU lacks falls back to scalar), in groups of its
/// width; lanes without a stream compute on borrowed bytes and their results are dropped.
void cmd5_compress(uint32_t *const states[], const unsigned char *const data[], size_t count, size_t blocks,
                   cmd5_kernel kernel);

/// Pads and finishes one stream: `tail` holds its last `tail_length` (< 64) bytes, `total_length` is the
/// length of the whole stream; writes the 16-byte digest.
void cmd5_finish(uint32_t state[4], const unsigned char *tail, size_t tail_length, uint64_t total_length,
                 unsigned char digest[16]);

#endif
