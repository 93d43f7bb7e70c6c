import Testing
@testable import IngestCore

private func box(_ type: String, _ payload: [UInt8] = []) -> [UInt8] {
    let size = UInt32(8 + payload.count)
    return [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        + Array(type.utf8) + payload
}

private func ebml(docType: String?) -> [UInt8] {
    var body: [UInt8] = [0x42, 0x86, 0x81, 0x01]  // EBMLVersion 1
    body += [0x42, 0xF7, 0x81, 0x01]              // EBMLReadVersion 1
    if let docType { body += [0x42, 0x82, 0x80 | UInt8(docType.utf8.count)] + Array(docType.utf8) }
    body += [0x42, 0x87, 0x81, 0x04]              // DocTypeVersion 4
    return [0x1A, 0x45, 0xDF, 0xA3, 0x80 | UInt8(body.count)] + body + [0x18, 0x53, 0x80, 0x67]
}

@Suite struct VideoContainerTests {
    @Test func ftypBoxIsISOBMFF() {
        let mp4 = box("ftyp", Array("isom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8))
        #expect(VideoContainer.sniff(mp4) == .isoBMFF)
        #expect(VideoContainer.sniff(box("ftyp", Array("qt  ".utf8) + [0, 0, 0, 0])) == .isoBMFF)
    }

    @Test func oldQuickTimeFirstBoxesAreISOBMFF() {
        for type in ["moov", "mdat", "free", "wide", "skip"] {
            #expect(VideoContainer.sniff(box(type, [0, 0, 0, 0])) == .isoBMFF, "\(type)")
        }
    }

    @Test func malformedFtypIsNotAVideo() {
        // An ftyp box too small to hold a major brand, a non-printable brand, and text mentioning ftyp.
        #expect(VideoContainer.sniff([0, 0, 0, 9] + Array("ftypi".utf8)) == nil)
        #expect(VideoContainer.sniff(box("ftyp", [0x00, 0x01, 0x02, 0x03, 0, 0, 0, 0])) == nil)
        #expect(VideoContainer.sniff(Array("abcdftyp is a word in this text file".utf8)) == nil)
        #expect(VideoContainer.sniff(Array("1\n00:00:01,000 --> 00:00:02,000\n".utf8)) == nil)
        #expect(VideoContainer.sniff([]) == nil)
        #expect(VideoContainer.sniff([0, 0, 0]) == nil)
    }

    @Test func mxfHeaderPartitionKey() {
        let key: [UInt8] = [0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0D, 0x01, 0x02, 0x01, 0x01, 0x02, 0x04]
        #expect(VideoContainer.sniff(key + [0x83, 0, 0, 0x58]) == .mxf)
        #expect(VideoContainer.sniff(Array(repeating: 0, count: 100) + key) == .mxf)  // run-in
        var body = key
        body[13] = 0x03  // a body partition first is not an MXF header
        #expect(VideoContainer.sniff(body) == nil)
    }

    @Test func ebmlDocTypeSelectsMatroskaOrWebM() {
        #expect(VideoContainer.sniff(ebml(docType: "matroska")) == .matroska)
        #expect(VideoContainer.sniff(ebml(docType: "webm")) == .webm)
        #expect(VideoContainer.sniff(ebml(docType: nil)) == .matroska)
        #expect(VideoContainer.sniff(ebml(docType: "other")) == nil)
        #expect(VideoContainer.sniff([0x1A, 0x45, 0xDF, 0xA3]) == nil)
        #expect(VideoContainer.sniff([0x1A, 0x45, 0xDF, 0xA3, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) == .matroska)
    }

    @Test func transportStreamSyncBytes() {
        var ts = [UInt8](repeating: 0xFF, count: 188 * 3)
        for k in 0..<3 { ts[k * 188] = 0x47 }
        #expect(VideoContainer.sniff(ts) == .mpegTS)
        #expect(VideoContainer.sniff(Array(ts[0..<189])) == .mpegTS)
        #expect(VideoContainer.sniff(Array(ts[0..<188])) == nil)  // one packet is not evidence
        var broken = ts
        broken[376] = 0x00
        #expect(VideoContainer.sniff(broken) == nil)
        var m2ts = [UInt8](repeating: 0xFF, count: 192 * 3)
        for k in 0..<3 { m2ts[4 + k * 192] = 0x47 }
        #expect(VideoContainer.sniff(m2ts) == .mpegTS)
    }

    @Test func sniffLooksAtMostAtTheFirst4096Bytes() {
        let ts = [UInt8](repeating: 0, count: 4096) + [UInt8](repeating: 0x47, count: 400)
        #expect(VideoContainer.sniff(ts) == nil)
    }

    @Test func extensionsMapToContainers() {
        #expect(VideoContainer.expected(forExtension: "mp4") == [.isoBMFF])
        #expect(VideoContainer.expected(forExtension: ".MOV") == [.isoBMFF])
        #expect(VideoContainer.expected(forExtension: "m4v") == [.isoBMFF])
        #expect(VideoContainer.expected(forExtension: "mxf") == [.mxf])
        #expect(VideoContainer.expected(forExtension: "mkv") == [.matroska, .webm])
        #expect(VideoContainer.expected(forExtension: "webm") == [.webm])
        #expect(VideoContainer.expected(forExtension: "ts") == [.mpegTS])
        #expect(VideoContainer.expected(forExtension: "m2ts") == [.mpegTS])
        #expect(VideoContainer.expected(forExtension: "txt") == nil)
        #expect(VideoContainer.expected(forExtension: "") == nil)
    }
}
