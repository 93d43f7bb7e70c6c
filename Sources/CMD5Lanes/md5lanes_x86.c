// The x86-64 lane kernels: AVX2 (8 lanes, ymm) and AVX-512 (8 lanes in ymm with AVX-512VL, 16 in zmm),
// each compiled for its instruction set and called only when the CPU has it. Lane i of vector w[j] holds
// message word j of lane i's block: the blocks are loaded whole and transposed in registers.
#include "md5_kernels.h"
#include "md5_constants.h"

#if defined(__x86_64__)
#include <immintrin.h>

int cmd5_cpu_has_avx2(void) {
    static int known = -1;
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value;
}

int cmd5_cpu_has_avx512(void) {
    static int known = -1;
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 1 : 0;
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value;
}

// 8x8 transpose of 32-bit words: r[i] holds 8 words of lane i; out[j] holds word j of the 8 lanes.
#define TRANSPOSE8(r, out) do { \
    __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]); \
    __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]); \
    __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]); \
    __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]); \
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2); \
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3); \
    __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6); \
    __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7); \
    (out)[0] = _mm256_permute2x128_si256(u0, u4, 0x20); (out)[4] = _mm256_permute2x128_si256(u0, u4, 0x31); \
    (out)[1] = _mm256_permute2x128_si256(u1, u5, 0x20); (out)[5] = _mm256_permute2x128_si256(u1, u5, 0x31); \
    (out)[2] = _mm256_permute2x128_si256(u2, u6, 0x20); (out)[6] = _mm256_permute2x128_si256(u2, u6, 0x31); \
    (out)[3] = _mm256_permute2x128_si256(u3, u7, 0x20); (out)[7] = _mm256_permute2x128_si256(u3, u7, 0x31); \
} while (0)

#define V __m256i
#define ADD(x, y) _mm256_add_epi32(x, y)
#define K(t) _mm256_set1_epi32((int)(t))

__attribute__((target("avx2")))
void cmd5_avx2_x8(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks) {
#define ROL(x, s) _mm256_or_si256(_mm256_slli_epi32(x, s), _mm256_srli_epi32(x, 32 - (s)))
#define STEP_F(a, b, c, d, m) ADD(ADD(a, m), _mm256_xor_si256(d, _mm256_and_si256(b, _mm256_xor_si256(c, d))))
#define STEP_G(a, b, c, d, m) ADD(ADD(ADD(a, m), _mm256_andnot_si256(d, c)), _mm256_and_si256(b, d))
#define STEP_H(a, b, c, d, m) ADD(ADD(a, m), _mm256_xor_si256(b, _mm256_xor_si256(c, d)))
#define STEP_I(a, b, c, d, m) \
    ADD(ADD(a, m), _mm256_xor_si256(c, _mm256_or_si256(b, _mm256_xor_si256(d, _mm256_set1_epi32(-1)))))
#include "md5_x8_body.h"
#undef ROL
#undef STEP_F
#undef STEP_G
#undef STEP_H
#undef STEP_I
}

// AVX-512VL on ymm: one-instruction rotates (vprold) and boolean functions (vpternlogd; the immediate is
// f's truth table over (b, c, d): F 0xCA, G 0xE4, H 0x96, I 0x39).
__attribute__((target("avx2,avx512f,avx512vl")))
void cmd5_avx512_x8(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks) {
#define ROL(x, s) _mm256_rol_epi32(x, s)
#define STEP_F(a, b, c, d, m) ADD(ADD(a, m), _mm256_ternarylogic_epi32(b, c, d, 0xCA))
#define STEP_G(a, b, c, d, m) ADD(ADD(a, m), _mm256_ternarylogic_epi32(b, c, d, 0xE4))
#define STEP_H(a, b, c, d, m) ADD(ADD(a, m), _mm256_ternarylogic_epi32(b, c, d, 0x96))
#define STEP_I(a, b, c, d, m) ADD(ADD(a, m), _mm256_ternarylogic_epi32(b, c, d, 0x39))
#include "md5_x8_body.h"
#undef ROL
#undef STEP_F
#undef STEP_G
#undef STEP_H
#undef STEP_I
}
#undef V
#undef ADD
#undef K

// AVX-512F on zmm: 16 lanes; each lane's block is one 64-byte load, transposed 16x16.
__attribute__((target("avx512f")))
void cmd5_avx512_x16(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks) {
#define V __m512i
#define ADD(x, y) _mm512_add_epi32(x, y)
#define K(t) _mm512_set1_epi32((int)(t))
#define ROL(x, s) _mm512_rol_epi32(x, s)
#define STEP_F(a, b, c, d, m) ADD(ADD(a, m), _mm512_ternarylogic_epi32(b, c, d, 0xCA))
#define STEP_G(a, b, c, d, m) ADD(ADD(a, m), _mm512_ternarylogic_epi32(b, c, d, 0xE4))
#define STEP_H(a, b, c, d, m) ADD(ADD(a, m), _mm512_ternarylogic_epi32(b, c, d, 0x96))
#define STEP_I(a, b, c, d, m) ADD(ADD(a, m), _mm512_ternarylogic_epi32(b, c, d, 0x39))
    __m512i a = _mm512_loadu_si512(state[0]);
    __m512i b = _mm512_loadu_si512(state[1]);
    __m512i c = _mm512_loadu_si512(state[2]);
    __m512i d = _mm512_loadu_si512(state[3]);
    for (size_t n = 0; n < blocks; n++) {
        size_t offset = n * 64;
        __m512i r[16], t[16], u[16], w[16];
        for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_si512(data[i] + offset);
        // Pairs of lanes, then quads: u[4m + j] holds, in 128-bit lane q, word 4q + j of lanes 4m..4m+3.
        for (int k = 0; k < 8; k++) {
            t[2 * k] = _mm512_unpacklo_epi32(r[2 * k], r[2 * k + 1]);
            t[2 * k + 1] = _mm512_unpackhi_epi32(r[2 * k], r[2 * k + 1]);
        }
        for (int m = 0; m < 4; m++) {
            u[4 * m + 0] = _mm512_unpacklo_epi64(t[4 * m], t[4 * m + 2]);
            u[4 * m + 1] = _mm512_unpackhi_epi64(t[4 * m], t[4 * m + 2]);
            u[4 * m + 2] = _mm512_unpacklo_epi64(t[4 * m + 1], t[4 * m + 3]);
            u[4 * m + 3] = _mm512_unpackhi_epi64(t[4 * m + 1], t[4 * m + 3]);
        }
        // Then a 4x4 transpose of 128-bit lanes: w[4q + j] = (u[j], u[4 + j], u[8 + j], u[12 + j]) lane q.
        for (int j = 0; j < 4; j++) {
            __m512i v0 = _mm512_shuffle_i32x4(u[j], u[4 + j], 0x44);
            __m512i v1 = _mm512_shuffle_i32x4(u[j], u[4 + j], 0xEE);
            __m512i v2 = _mm512_shuffle_i32x4(u[8 + j], u[12 + j], 0x44);
            __m512i v3 = _mm512_shuffle_i32x4(u[8 + j], u[12 + j], 0xEE);
            w[j] = _mm512_shuffle_i32x4(v0, v2, 0x88);
            w[4 + j] = _mm512_shuffle_i32x4(v0, v2, 0xDD);
            w[8 + j] = _mm512_shuffle_i32x4(v1, v3, 0x88);
            w[12 + j] = _mm512_shuffle_i32x4(v1, v3, 0xDD);
        }
        __m512i a0 = a, b0 = b, c0 = c, d0 = d;
#include "md5_rounds.h"
        a = ADD(a, a0); b = ADD(b, b0); c = ADD(c, c0); d = ADD(d, d0);
    }
    _mm512_storeu_si512(state[0], a);
    _mm512_storeu_si512(state[1], b);
    _mm512_storeu_si512(state[2], c);
    _mm512_storeu_si512(state[3], d);
#undef V
#undef ADD
#undef K
#undef ROL
#undef STEP_F
#undef STEP_G
#undef STEP_H
#undef STEP_I
}

#else
int cmd5_cpu_has_avx2(void) { return 0; }
int cmd5_cpu_has_avx512(void) { return 0; }
void cmd5_avx2_x8(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks) {
    (void)state; (void)data; (void)blocks;
}
void cmd5_avx512_x8(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks) {
    (void)state; (void)data; (void)blocks;
}
void cmd5_avx512_x16(uint32_t state[4][16], const unsigned char *const data[16], size_t blocks) {
    (void)state; (void)data; (void)blocks;
}
#endif
