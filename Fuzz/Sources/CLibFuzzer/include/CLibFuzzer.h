#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, -fsanitize=fuzzer): runs the fuzzing loop over `callback`.
/// SwiftPM names an executable's entry point `<Target>_main` and defines `main` as that symbol,
/// so libFuzzer's own `main` is not linked; each target's entry point calls this instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
