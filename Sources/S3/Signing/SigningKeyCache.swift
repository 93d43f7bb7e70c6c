import CryptoPrimitives
import Foundation
import IngestCore
import Synchronization

/// Derived SigV4 signing keys, one per day/region/service/key pair (four HMACs saved per request).
final class SigningKeyCache: Sendable {
    private struct Entry {
        var cacheKey: String
        var secret: Secret
        var key: [UInt8]
    }

    private let entries = Mutex<[Entry]>([])

    /// The signing key for `day`/`region`/`service` and `credentials`, derived once and kept.
    func key(day: String, region: String, service: String, credentials: AWSCredentials) -> [UInt8] {
        let cacheKey = "\(day)/\(region)/\(service)/\(credentials.accessKeyId)"
        let secret = credentials.secretAccessKey
        if let hit = entries.withLock({ $0.first { $0.cacheKey == cacheKey && $0.secret == secret }?.key }) {
            return hit
        }
        let key = SigV4Signer.signingKey(secret: secret, day: day, region: region, service: service)
        entries.withLock { entries in
            entries.append(Entry(cacheKey: cacheKey, secret: secret, key: key))
            if entries.count > 8 { entries.removeFirst(entries.count - 8) }
        }
        return key
    }
}
