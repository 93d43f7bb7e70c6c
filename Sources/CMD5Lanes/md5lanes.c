// Multi-buffer MD5: the scalar kernel, run-time dispatch, grouping streams into lanes, and the padding.
#include "cmd5lanes.h"
#include "md5_constants.h"
#include "md5_kernels.h"
#include <string.h>

void cmd5_init(uint32_t state[4]) {
    state[0] = 0x67452301u;
    state[1] = 0xefcdab89u;
    state[2] = 0x98badcfeu;
    state[3] = 0x10325476u;
}

static inline uint32_t load_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void cmd5_scalar_blocks(uint32_t state[4], const unsigned char *data, size_t blocks) {
#define V uint32_t
#define ADD(x, y) ((x) + (y))
#define ROL(x, s) (((x) << (s)) | ((x) >> (32 - (s))))
#define K(t) (t)
#define STEP_F(a, b, c, d, m) ((a) + (m) + ((d) ^ ((b) & ((c) ^ (d)))))
#define STEP_G(a, b, c, d, m) ((a) + (m) + ((c) & ~(d)) + ((b) & (d)))
#define STEP_H(a, b, c, d, m) ((a) + (m) + ((b) ^ (c) ^ (d)))
#define STEP_I(a, b, c, d, m) ((a) + (m) + ((c) ^ ((b) | ~(d))))
    for (size_t n = 0; n < blocks; n++, data += 64) {
        V w[16];
        for (int j = 0; j < 16; j++) w[j] = load_le32(data + 4 * j);
        V a = state[0], b = state[1], c = state[2], d = state[3];
#include "md5_rounds.h"
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
    }
#undef V
#undef ADD
#undef ROL
#undef K
#undef STEP_F
#undef STEP_G
#undef STEP_H
#undef STEP_I
}

int cmd5_kernel_supported(cmd5_kernel kernel) {
    switch (kernel) {
    case CMD5_KERNEL_AUTO:
    case CMD5_KERNEL_SCALAR: return 1;
    case CMD5_KERNEL_AVX2: return cmd5_cpu_has_avx2();
    case CMD5_KERNEL_AVX512: return cmd5_cpu_has_avx512();
    }
    return 0;
}

cmd5_kernel cmd5_best_kernel(void) {
    if (cmd5_cpu_has_avx512()) return CMD5_KERNEL_AVX512;
    if (cmd5_cpu_has_avx2()) return CMD5_KERNEL_AVX2;
    return CMD5_KERNEL_SCALAR;
}

/// Runs `count` (1 to `width`) streams in one call of a `width`-lane kernel: states in and out of the kernel's
/// word-major layout; lanes without a stream borrow the first stream's bytes and are dropped.
static void run_group(cmd5_lanes_fn kernel, size_t width, uint32_t *const states[], const unsigned char *const data[],
                      size_t count, size_t blocks) {
    uint32_t lanes[4][16];
    const unsigned char *pointers[16];
    for (size_t i = 0; i < width; i++) {
        size_t from = i < count ? i : 0;
        pointers[i] = data[from];
        for (int k = 0; k < 4; k++) lanes[k][i] = states[from][k];
    }
    kernel(lanes, pointers, blocks);
    for (size_t i = 0; i < count; i++)
        for (int k = 0; k < 4; k++) states[i][k] = lanes[k][i];
}

void cmd5_compress(uint32_t *const states[], const unsigned char *const data[], size_t count, size_t blocks,
                   cmd5_kernel kernel) {
    if (blocks == 0 || count == 0) return;
    if (kernel == CMD5_KERNEL_AUTO) {
        // One stream goes faster alone: a lane kernel's steps are as long as the scalar one's.
        kernel = count == 1 ? CMD5_KERNEL_SCALAR : cmd5_best_kernel();
    }
    if (!cmd5_kernel_supported(kernel)) kernel = CMD5_KERNEL_SCALAR;
    size_t done = 0;
    while (done < count) {
        size_t left = count - done;
        cmd5_lanes_fn fn = NULL;
        size_t width = 1;
        if (kernel == CMD5_KERNEL_AVX512) {
            // Eight streams or fewer in ymm; zmm doubles the lanes at the same step latency.
            if (left > 8) { fn = cmd5_avx512_x16; width = 16; } else { fn = cmd5_avx512_x8; width = 8; }
        } else if (kernel == CMD5_KERNEL_AVX2) {
            fn = cmd5_avx2_x8;
            width = 8;
        }
        if (fn == NULL) {
            cmd5_scalar_blocks(states[done], data[done], blocks);
            done += 1;
            continue;
        }
        size_t take = left < width ? left : width;
        run_group(fn, width, states + done, data + done, take, blocks);
        done += take;
    }
}

void cmd5_finish(uint32_t state[4], const unsigned char *tail, size_t tail_length, uint64_t total_length,
                 unsigned char digest[16]) {
    unsigned char last[128];
    memset(last, 0, sizeof last);
    memcpy(last, tail, tail_length);
    last[tail_length] = 0x80;
    size_t blocks = tail_length < 56 ? 1 : 2;
    uint64_t bits = total_length << 3;
    for (int i = 0; i < 8; i++) last[blocks * 64 - 8 + i] = (unsigned char)(bits >> (8 * i));
    cmd5_scalar_blocks(state, last, blocks);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 4; i++) digest[4 * k + i] = (unsigned char)(state[k] >> (8 * i));
}
