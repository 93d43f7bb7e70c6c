import Foundation

/// One case of `Vectors/cognito-srp/*.json` (copied from the shared test data), stored once here for the
/// client tests (SkylarkTests) and the server tests (SkylarkSandboxTests).
public struct SRPVector: Decodable, Sendable, CustomStringConvertible {
    public struct Inputs: Decodable, Sendable {
        public let pool_id: String
        public let client_id: String
        public let client_secret: String?
        public let login_username: String
        public let password: String
        public let small_a_hex: String
        public let now_utc: String
    }

    public struct Server: Decodable, Sendable {
        public let small_b_hex: String
        public let verifier_hex: String
        public let S_hex: String
    }

    public struct Expected: Decodable, Sendable {
        public let pool_name: String
        public let k_hex: String
        public let SRP_A: String
        public let A_padded_hex: String
        public let B_padded_hex: String
        public let u_hex: String
        public let u_padded_hex: String
        public let salt_padded_hex: String
        public let user_password_hash_hex: String
        public let x_hex: String
        public let S_hex: String
        public let S_padded_hex: String
        public let hkdf_prk_hex: String
        public let hkdf_key_hex: String
        public let TIMESTAMP: String
        public let claim_message_hex: String
        public let PASSWORD_CLAIM_SIGNATURE: String
        public let auth_parameters: [String: String]
        public let challenge_responses: [String: String]
    }

    public let name: String
    public let features: [String]
    public let inputs: Inputs
    public let challenge_parameters: [String: String]
    public let server: Server
    public let expected: Expected

    public var description: String { name }

    /// The clock value of the case.
    public var now: Date {
        get throws {
            guard let date = ISO8601DateFormatter().date(from: inputs.now_utc) else {
                throw VectorError.badDate(inputs.now_utc)
            }
            return date
        }
    }

    public enum VectorError: Error { case missing, badDate(String) }

    /// Every vector in the IngestTestSupport bundle, sorted by name.
    public static let all: [SRPVector] = {
        guard let directory = Bundle.module.url(forResource: "Vectors/cognito-srp", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        else { return [] }
        return files.filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .compactMap { try? JSONDecoder().decode(SRPVector.self, from: Data(contentsOf: $0)) }
    }()
}
