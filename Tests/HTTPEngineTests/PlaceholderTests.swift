import Testing

@Suite struct HTTPEngineTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
