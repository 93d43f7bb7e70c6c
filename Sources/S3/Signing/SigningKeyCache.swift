import CryptoPrimitives
import Foundation
import IngestCore

/// Derived SigV4 signing keys, one per day/region/service/key pair (four HMACs saved per request).
///
/// `@unchecked Sendable`: all mutable state is guarded by `lock`.
final class SigningKeyCache: @unchecked Sendable {
    private struct Entry {
        var cacheKey: String
        var secret: Secret
        var key: [UInt8]
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    /// The signing key for `day`/`region`/`service` and `credentials`, derived once and kept.
    func key(day: String, region: String, service: String, credentials: AWSCredentials) -> [UInt8] {
        let cacheKey = "\(day)/\(region)/\(service)/\(credentials.accessKeyId)"
        lock.lock()
        if let hit = entries.first(where: { $0.cacheKey == cacheKey && $0.secret == credentials.secretAccessKey }) {
            lock.unlock()
            return hit.key
        }
        lock.unlock()
        let key = SigV4Signer.signingKey(secret: credentials.secretAccessKey, day: day, region: region, service: service)
        lock.lock()
        entries.append(Entry(cacheKey: cacheKey, secret: credentials.secretAccessKey, key: key))
        if entries.count > 8 { entries.removeFirst(entries.count - 8) }
        lock.unlock()
        return key
    }
}
