import CryptoPrimitives
import Foundation
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

/// One case of `Vectors/etag/etag-vectors.json`.
struct ETagCase: Decodable, CustomStringConvertible {
    struct Part: Decodable {
        var number: Int
        var offset: Int64
        var size: Int64
        var md5_hex: String
        var content_md5: String
    }
    struct Check: Decodable {
        var sha256_hex: String
    }
    var name: String
    var size: Int64
    var seed: UInt64
    var part_size: Int64?
    var generator_check: Check
    var md5_hex: String
    var content_md5: String
    var upload: String
    var etag: String
    var parts: [Part]?

    var description: String { name }

    /// The case's bytes from SplitMix64 (8 little-endian bytes per output, cut to `size`).
    var bytes: [UInt8] {
        var generator = SplitMix64(seed: seed)
        return generator.bytes(Int(size))
    }
}

@Suite(.offThePool) struct ETagVectorTests {
    static let cases: [ETagCase] = {
        let url = Vectors.directory("etag").appendingPathComponent("etag-vectors.json")
        struct File: Decodable { var cases: [ETagCase] }
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.cases
    }()

    @Test func everyCaseIsLoaded() {
        #expect(Self.cases.count == 11)
    }

    @Test(arguments: cases)
    func localETagMatchesWhatS3Answers(_ vector: ETagCase) throws {
        let bytes = vector.bytes
        #expect(Hex.encode(Digest.sha256(bytes)) == vector.generator_check.sha256_hex)
        let whole = Digest.md5(bytes)
        #expect(Hex.encode(whole) == vector.md5_hex)
        #expect(Data(whole).base64EncodedString() == vector.content_md5)
        if let partSize = vector.part_size {
            let ranges = PartPlanner.parts(fileSize: vector.size, partSize: partSize)
            let expected = try #require(vector.parts)
            #expect(ranges.map(\.number) == expected.map(\.number))
            #expect(ranges.map(\.offset) == expected.map(\.offset))
            #expect(ranges.map(\.length) == expected.map(\.size))
            let md5s = ranges.map { Digest.md5(bytes[Int($0.offset)..<Int($0.offset + $0.length)]) }
            #expect(md5s.map { Data($0).base64EncodedString() } == expected.map(\.content_md5))
            #expect(MultipartETag.multipart(partMD5s: md5s) == vector.etag)
        } else {
            #expect(MultipartETag.single(md5: whole) == vector.etag)
        }
    }

    @Test func fileHasherHashesRangesOfAFileInChunks() async throws {
        let vector = try #require(Self.cases.first { $0.name == "multipart-odd-tail" })
        let dir = try TempDirectory(prefix: "hasher")
        defer { dir.remove() }
        let bytes = vector.bytes
        let path = try dir.write("file.bin", Data(bytes))
        let parts = try #require(vector.parts)
        for part in parts {
            let md5 = try await FileHasher.md5(path: path, offset: part.offset, length: part.size)
            #expect(Hex.encode(md5) == part.md5_hex)
        }
        #expect(Hex.encode(try await FileHasher.md5(path: path, offset: 0, length: vector.size)) == vector.md5_hex)
        await #expect(throws: (any Error).self) {
            try await FileHasher.md5(path: path, offset: vector.size - 10, length: 20)
        }
    }

    @Test func etagsAreNormalisedWithoutQuotes() {
        #expect(MultipartETag.normalized("\"ABC-2\"") == "abc-2")
        #expect(MultipartETag.normalized("W/\"abc\"") == "abc")
    }
}
