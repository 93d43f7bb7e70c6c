import IngestCore
import Testing

/// `SplitMix64` gives the reference algorithm's outputs: recorded seeds (sandbox `--seed`, failing tests) and
/// the shard hash depend on them never changing.
@Suite struct SplitMix64Tests {
    @Test func seedZeroGivesTheReferenceOutputs() {
        // The published first outputs for seed 0 (the reference C code by Vigna, splitmix64.c).
        var generator = SplitMix64(seed: 0)
        let outputs = (0..<4).map { _ in generator.next() }
        #expect(outputs == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
    }

    @Test func seed1234567GivesTheReferenceOutputs() {
        var generator = SplitMix64(seed: 1_234_567)
        let outputs = (0..<5).map { _ in generator.next() }
        #expect(outputs == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                            4_593_380_528_125_082_431, 16_408_922_859_458_223_821])
    }

    @Test func theFinaliserIsTheGeneratorsOutputFunction() {
        // The first output of seed 0 is the finaliser of the golden gamma.
        #expect(SplitMix64.mix(0x9E37_79B9_7F4A_7C15) == 0xE220_A839_7B1D_CDAF)
        #expect(SplitMix64.mix(0) == 0)
    }

    @Test func derivedValuesComeFromTheOutputs() {
        let first: UInt64 = 0xE220_A839_7B1D_CDAF
        var a = SplitMix64(seed: 0)
        #expect(a.bytes(10) == [0xAF, 0xCD, 0x1D, 0x7B, 0x39, 0xA8, 0x20, 0xE2, 0xF4, 0x65])
        var b = SplitMix64(seed: 0)
        #expect(b.below(1_000) == Int(first % 1_000))
        #expect(b.below(0) == 0)
        var c = SplitMix64(seed: 0)
        #expect(c.unit() == Double(first >> 11) * 0x1.0p-53)
    }
}
