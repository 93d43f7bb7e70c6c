// The 64 steps of MD5's compression (RFC 1321, section 3.4), written once for every kernel. The includer
// defines V (the lane vector type), ADD, ROL(x, s), K(t) (a constant in every lane), STEP_F/G/H/I(a, b, c, d, m)
// (a + f(b, c, d) + m, m being the message word plus the constant), and holds `a, b, c, d` and `w[16]`
// (message word j of every lane). Each step: a = b + ((a + f(b, c, d) + X[k] + T[i]) <<< s).
#define MD5_STEP(f, a, b, c, d, k, s, i) \
    a = ADD(ROL(STEP_##f(a, b, c, d, ADD(w[k], K(md5_t[i]))), s), b)

MD5_STEP(F, a, b, c, d, 0, 7, 0);   MD5_STEP(F, d, a, b, c, 1, 12, 1);
MD5_STEP(F, c, d, a, b, 2, 17, 2);  MD5_STEP(F, b, c, d, a, 3, 22, 3);
MD5_STEP(F, a, b, c, d, 4, 7, 4);   MD5_STEP(F, d, a, b, c, 5, 12, 5);
MD5_STEP(F, c, d, a, b, 6, 17, 6);  MD5_STEP(F, b, c, d, a, 7, 22, 7);
MD5_STEP(F, a, b, c, d, 8, 7, 8);   MD5_STEP(F, d, a, b, c, 9, 12, 9);
MD5_STEP(F, c, d, a, b, 10, 17, 10); MD5_STEP(F, b, c, d, a, 11, 22, 11);
MD5_STEP(F, a, b, c, d, 12, 7, 12); MD5_STEP(F, d, a, b, c, 13, 12, 13);
MD5_STEP(F, c, d, a, b, 14, 17, 14); MD5_STEP(F, b, c, d, a, 15, 22, 15);

MD5_STEP(G, a, b, c, d, 1, 5, 16);  MD5_STEP(G, d, a, b, c, 6, 9, 17);
MD5_STEP(G, c, d, a, b, 11, 14, 18); MD5_STEP(G, b, c, d, a, 0, 20, 19);
MD5_STEP(G, a, b, c, d, 5, 5, 20);  MD5_STEP(G, d, a, b, c, 10, 9, 21);
MD5_STEP(G, c, d, a, b, 15, 14, 22); MD5_STEP(G, b, c, d, a, 4, 20, 23);
MD5_STEP(G, a, b, c, d, 9, 5, 24);  MD5_STEP(G, d, a, b, c, 14, 9, 25);
MD5_STEP(G, c, d, a, b, 3, 14, 26); MD5_STEP(G, b, c, d, a, 8, 20, 27);
MD5_STEP(G, a, b, c, d, 13, 5, 28); MD5_STEP(G, d, a, b, c, 2, 9, 29);
MD5_STEP(G, c, d, a, b, 7, 14, 30); MD5_STEP(G, b, c, d, a, 12, 20, 31);

MD5_STEP(H, a, b, c, d, 5, 4, 32);  MD5_STEP(H, d, a, b, c, 8, 11, 33);
MD5_STEP(H, c, d, a, b, 11, 16, 34); MD5_STEP(H, b, c, d, a, 14, 23, 35);
MD5_STEP(H, a, b, c, d, 1, 4, 36);  MD5_STEP(H, d, a, b, c, 4, 11, 37);
MD5_STEP(H, c, d, a, b, 7, 16, 38); MD5_STEP(H, b, c, d, a, 10, 23, 39);
MD5_STEP(H, a, b, c, d, 13, 4, 40); MD5_STEP(H, d, a, b, c, 0, 11, 41);
MD5_STEP(H, c, d, a, b, 3, 16, 42); MD5_STEP(H, b, c, d, a, 6, 23, 43);
MD5_STEP(H, a, b, c, d, 9, 4, 44);  MD5_STEP(H, d, a, b, c, 12, 11, 45);
MD5_STEP(H, c, d, a, b, 15, 16, 46); MD5_STEP(H, b, c, d, a, 2, 23, 47);

MD5_STEP(I, a, b, c, d, 0, 6, 48);  MD5_STEP(I, d, a, b, c, 7, 10, 49);
MD5_STEP(I, c, d, a, b, 14, 15, 50); MD5_STEP(I, b, c, d, a, 5, 21, 51);
MD5_STEP(I, a, b, c, d, 12, 6, 52); MD5_STEP(I, d, a, b, c, 3, 10, 53);
MD5_STEP(I, c, d, a, b, 10, 15, 54); MD5_STEP(I, b, c, d, a, 1, 21, 55);
MD5_STEP(I, a, b, c, d, 8, 6, 56);  MD5_STEP(I, d, a, b, c, 15, 10, 57);
MD5_STEP(I, c, d, a, b, 6, 15, 58); MD5_STEP(I, b, c, d, a, 13, 21, 59);
MD5_STEP(I, a, b, c, d, 4, 6, 60);  MD5_STEP(I, d, a, b, c, 11, 10, 61);
MD5_STEP(I, c, d, a, b, 2, 15, 62); MD5_STEP(I, b, c, d, a, 9, 21, 63);

#undef MD5_STEP
