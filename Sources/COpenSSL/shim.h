#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
// libcrypto headers the project uses: EVP digests, one-shot HMAC, BIGNUM, random bytes.
// No logic lives here.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#endif
