import CryptoPrimitives
import Foundation
import IngestTestSupport
import Testing

/// Checks the servers' state against a catalogue, reading it independently of the tool:
/// the sandbox's `/_admin/state` and the bucket through boto3.
struct EndStateVerifier {
    let stack: SandboxStack
    let catalogue: Catalogue

    /// Every difference from the exact expected end state (empty = exact).
    ///
    /// Expected: one asset per item (advanced: by title; simple: by data source id), `subtitlesPerAsset`
    /// text tracks per advanced asset, one uploaded document per text track, every object processed
    /// exactly once (`times_processed` 1: an upload processed and moved, then uploaded again under the
    /// same key, counts twice even with the same bytes; and one distinct ETag) under `processed/<key>`
    /// with the right bytes and `asset` metadata, and, when `expectOVPs`, OVPs on every asset.
    func differences(expectOVPs: Bool = true) async throws -> [String] {
        let state = try await stack.adminState()
        var problems: [String] = []
        let assets = state["assets"] as? [[String: Any]] ?? []
        let tracks = state["text_tracks"] as? [[String: Any]] ?? []
        let documents = state["documents"] as? [[String: Any]] ?? []
        let processed = state["processed_objects"] as? [[String: Any]] ?? []
        let errors = state["watchfolder_errors"] as? [[String: Any]] ?? []
        if !errors.isEmpty { problems.append("watchfolder errors: \(errors)") }

        let expectedAssets = catalogue.advancedIDs.count + catalogue.simpleIDs.count
        if assets.count != expectedAssets { problems.append("\(assets.count) assets, expected \(expectedAssets)") }
        let expectedTracks = catalogue.advancedIDs.count * catalogue.subtitlesPerAsset
        if tracks.count != expectedTracks { problems.append("\(tracks.count) text tracks, expected \(expectedTracks)") }
        if documents.count != expectedTracks { problems.append("\(documents.count) documents, expected \(expectedTracks)") }

        var uidByID: [String: String] = [:]
        for id in catalogue.advancedIDs {
            let matches = assets.filter { $0["title"] as? String == "Catalogue \(id)" }
            guard matches.count == 1, let asset = matches.first, let uid = asset["uid"] as? String else {
                problems.append("\(id): \(matches.count) assets with its title")
                continue
            }
            uidByID[id] = uid
            let trackURLs = asset["text_track_urls"] as? [String] ?? []
            if trackURLs.count != catalogue.subtitlesPerAsset {
                problems.append("\(id): \(trackURLs.count) text tracks")
            }
            for url in trackURLs {
                let docs = documents.filter { $0["content_url"] as? String == url }
                if docs.count != 1 { problems.append("\(id): \(docs.count) documents for \(url)") }
                if let doc = docs.first, doc["url"] is NSNull || doc["url"] == nil {
                    problems.append("\(id): document for \(url) has no uploaded file")
                }
            }
            if expectOVPs, (asset["ovps"] as? [Any] ?? []).isEmpty { problems.append("\(id): no OVPs") }
        }
        for id in catalogue.simpleIDs {
            let matches = assets.filter { $0["data_source_id"] as? String == id }
            if matches.count != 1 { problems.append("\(id): \(matches.count) assets with its data source id"); continue }
            uidByID[id] = matches[0]["uid"] as? String
            if expectOVPs, (matches[0]["ovps"] as? [Any] ?? []).isEmpty { problems.append("\(id): no OVPs") }
        }

        let objects = try await bucketObjects()
        for id in catalogue.advancedIDs + catalogue.simpleIDs {
            let key = "\(id).mp4"
            let records = processed.filter { $0["key"] as? String == key }
            if records.count != 1 { problems.append("\(key): \(records.count) processed records") }
            if let record = records.first {
                let etags = Set(record["etags"] as? [String] ?? [])
                if etags.count > 1 { problems.append("\(key): uploaded \(etags.count) times (distinct ETags \(etags))") }
                let times = (record["times_processed"] as? NSNumber)?.intValue
                if times != 1 { problems.append("\(key): processed \(times.map(String.init) ?? "nil") times, expected exactly 1") }
                if let uid = uidByID[id], record["asset_uid"] as? String != uid {
                    problems.append("\(key): processed for asset \(record["asset_uid"] ?? "nil"), expected \(uid)")
                }
            }
            guard let object = objects["processed/\(key)"] else {
                problems.append("processed/\(key) missing from the bucket")
                continue
            }
            if objects[key] != nil { problems.append("\(key) still in the watchfolder root") }
            let localMD5 = try md5(ofFile: catalogue.videoPath(id))
            if object.md5 != localMD5 { problems.append("processed/\(key): bytes differ (md5 \(object.md5) vs \(localMD5))") }
            if catalogue.advancedIDs.contains(id) {
                let expected = uidByID[id].map { "{\"uid\": \"\($0)\"}" }
                if object.assetMetadata != expected {
                    problems.append("processed/\(key): asset metadata \(object.assetMetadata ?? "nil"), expected \(expected ?? "nil")")
                }
            } else if object.assetMetadata != nil {
                problems.append("processed/\(key): simple-mode object has asset metadata")
            }
        }
        return problems
    }

    struct BucketObject {
        let md5: String
        let assetMetadata: String?
    }

    /// Every object in the bucket with the MD5 of its bytes and its `asset` metadata, via boto3.
    func bucketObjects() async throws -> [String: BucketObject] {
        let script = """
        out = {}
        for page in s3.get_paginator('list_objects_v2').paginate(Bucket='\(stack.bucket)'):
            for o in page.get('Contents', []):
                r = s3.get_object(Bucket='\(stack.bucket)', Key=o['Key'])
                out[o['Key']] = {'md5': hashlib.md5(r['Body'].read()).hexdigest(), 'asset': r['Metadata'].get('asset')}
        print(json.dumps(out))
        """
        let result = try await stack.s3.boto3(script)
        guard result.exitCode == 0,
              let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]]
        else { throw CatalogueError.generatorFailed("boto3 listing failed: \(result.stderr)") }
        return json.mapValues { BucketObject(md5: $0["md5"] as? String ?? "", assetMetadata: $0["asset"] as? String) }
    }

    /// The sandbox's count of write requests (POST/PUT/DELETE) so far.
    func writeRequests() async throws -> Int {
        (try await stack.adminState()["write_requests"] as? NSNumber)?.intValue ?? -1
    }

    /// Waits until nothing is left in the watchfolder root and then `quiet` more (several poll
    /// intervals, so a late duplicate upload is processed and counted before the state is read);
    /// polls with `Task.sleep`, at most `timeout`.
    func settleWatchfolder(quiet: Duration = .seconds(1), timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let waiting = try await bucketKeys().filter { !$0.hasPrefix("processed/") && !$0.hasPrefix("failed/") }
            if waiting.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: quiet)
    }

    /// Every key in the bucket (no bytes read), via boto3.
    func bucketKeys() async throws -> [String] {
        let script = """
        keys = []
        for page in s3.get_paginator('list_objects_v2').paginate(Bucket='\(stack.bucket)'):
            keys += [o['Key'] for o in page.get('Contents', [])]
        print(json.dumps(keys))
        """
        let result = try await stack.s3.boto3(script)
        guard result.exitCode == 0, let keys = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String]
        else { throw CatalogueError.generatorFailed("boto3 listing failed: \(result.stderr)") }
        return keys
    }

    private func md5(ofFile path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return Hex.encode(Digest.md5(data))
    }
}
