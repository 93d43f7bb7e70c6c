import Foundation
import Testing

/// One case of `Vectors/cognito-srp/*.json` (copied from the shared test data).
struct SRPVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Inputs: Decodable, Sendable {
        let pool_id: String
        let client_id: String
        let client_secret: String?
        let login_username: String
        let password: String
        let small_a_hex: String
        let now_utc: String
    }

    struct Server: Decodable, Sendable {
        let small_b_hex: String
        let verifier_hex: String
        let S_hex: String
    }

    struct Expected: Decodable, Sendable {
        let pool_name: String
        let k_hex: String
        let SRP_A: String
        let A_padded_hex: String
        let B_padded_hex: String
        let u_hex: String
        let u_padded_hex: String
        let salt_padded_hex: String
        let user_password_hash_hex: String
        let x_hex: String
        let S_hex: String
        let S_padded_hex: String
        let hkdf_prk_hex: String
        let hkdf_key_hex: String
        let TIMESTAMP: String
        let claim_message_hex: String
        let PASSWORD_CLAIM_SIGNATURE: String
        let auth_parameters: [String: String]
        let challenge_responses: [String: String]
    }

    let name: String
    let features: [String]
    let inputs: Inputs
    let challenge_parameters: [String: String]
    let server: Server
    let expected: Expected

    var testDescription: String { name }

    /// The clock value of the case.
    var now: Date {
        get throws {
            guard let date = ISO8601DateFormatter().date(from: inputs.now_utc) else {
                throw VectorError.badDate(inputs.now_utc)
            }
            return date
        }
    }

    enum VectorError: Error { case missing, badDate(String) }

    /// Every vector shipped in the test bundle, sorted by name.
    static let all: [SRPVector] = {
        guard let directory = Bundle.module.url(forResource: "Vectors/cognito-srp", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        else { return [] }
        return files.filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .compactMap { try? JSONDecoder().decode(SRPVector.self, from: Data(contentsOf: $0)) }
    }()
}
