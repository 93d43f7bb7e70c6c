// The body of the 8-lane kernels (AVX2 and AVX-512VL on ymm): included in each, which defines ROL and STEP_F..I
// with its own instructions first. Loads the lanes' states, runs `blocks` blocks of each lane's data (two 8x8
// transposes give the 16 message words), stores the states back.
    __m256i a = _mm256_loadu_si256((const __m256i *)state[0]);
    __m256i b = _mm256_loadu_si256((const __m256i *)state[1]);
    __m256i c = _mm256_loadu_si256((const __m256i *)state[2]);
    __m256i d = _mm256_loadu_si256((const __m256i *)state[3]);
    for (size_t n = 0; n < blocks; n++) {
        size_t offset = n * 64;
        __m256i w[16], r[8];
        for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_si256((const __m256i *)(data[i] + offset));
        TRANSPOSE8(r, w);
        for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_si256((const __m256i *)(data[i] + offset + 32));
        TRANSPOSE8(r, w + 8);
        __m256i a0 = a, b0 = b, c0 = c, d0 = d;
#include "md5_rounds.h"
        a = ADD(a, a0); b = ADD(b, b0); c = ADD(c, c0); d = ADD(d, d0);
    }
    _mm256_storeu_si256((__m256i *)state[0], a);
    _mm256_storeu_si256((__m256i *)state[1], b);
    _mm256_storeu_si256((__m256i *)state[2], c);
    _mm256_storeu_si256((__m256i *)state[3], d);
