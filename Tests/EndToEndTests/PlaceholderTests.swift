import Testing

@Suite struct EndToEndTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
