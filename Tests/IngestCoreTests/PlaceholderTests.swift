import Testing

@Suite struct IngestCoreTestsPlaceholder {
    @Test func targetBuilds() { #expect(Bool(true)) }
}
