import CryptoPrimitives
import Foundation
import IngestCore

/// New Skylark object identifiers, as the sandbox makes them. Their rules (kinds, shape, API paths)
/// are `SkylarkUID` in IngestCore, shared with the tool.
public enum UID {
    /// A fresh random uid of `kind`.
    public static func make(_ kind: SkylarkUID.Kind) -> String {
        "\(kind.rawValue)_\(Hex.encode(SecureRandom.bytes(16)))"
    }
}
