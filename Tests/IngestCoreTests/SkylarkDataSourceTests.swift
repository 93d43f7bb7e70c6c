import IngestCore
import Testing

/// The data source id the confirm stage looks a simple-mode asset up by, and the sandbox names it with.
@Suite struct SkylarkDataSourceTests {
    @Test func isTheKeysLastSegmentWithoutItsLastExtension() {
        #expect(SkylarkDataSource.id(forKey: "a/b/Clip One.final.mp4") == "Clip One.final")
        #expect(SkylarkDataSource.id(forKey: "folder/ABC.123.mp4") == "ABC.123")
        #expect(SkylarkDataSource.id(forKey: "clip") == "clip")
        #expect(SkylarkDataSource.id(forKey: "plain") == "plain")
        #expect(SkylarkDataSource.id(forKey: ".hidden") == ".hidden")
    }
}
