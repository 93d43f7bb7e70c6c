import Testing

@Suite struct SkylarkTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
