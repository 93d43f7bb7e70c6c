// Declarations only; the implementation is libFuzzer's (linked by -sanitize=fuzzer).
#include "CLibFuzzer.h"
