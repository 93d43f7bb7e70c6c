import Foundation
import IngestCore

/// What the sandbox's AWS credential endpoints hand out (instance metadata, container, STS).
public struct CredentialIssuerConfiguration: Sendable {
    /// Access key / secret pairs the local S3 accepts; handed out in turn, so a request signed with a
    /// key issued earlier can be told apart. Empty: the endpoints answer 404.
    public var identities: [(accessKey: String, secret: Secret)]
    /// How long each issued credential lives (its `Expiration`).
    public var lifetime: Duration
    /// The `Authorization` value the container endpoint requires.
    public var containerToken: String
    /// The instance profile role name served by instance metadata.
    public var roleName: String

    public init(identities: [(accessKey: String, secret: Secret)] = [], lifetime: Duration = .seconds(3600),
                containerToken: String = "sandbox-container-token", roleName: String = "sandbox-instance-role") {
        self.identities = identities
        self.lifetime = lifetime
        self.containerToken = containerToken
        self.roleName = roleName
    }
}

/// Issues credentials in turn from the configured identities with an expiry, counts how often each
/// endpoint was asked and logs every issue (key id and times only, never the secret).
actor CredentialIssuer {
    struct Issued: Sendable {
        var source: String
        var accessKey: String
        var secret: Secret
        var issuedAt: Date
        var expiresAt: Date
    }

    let configuration: CredentialIssuerConfiguration
    private var next = 0
    private(set) var counts: [String: Int] = [:]
    private(set) var log: [Issued] = []
    private var imdsTokens: Set<String> = []

    init(configuration: CredentialIssuerConfiguration) { self.configuration = configuration }

    var isEnabled: Bool { !configuration.identities.isEmpty }

    /// Counts one request to `endpoint` (`imds_token`, `imds_role`, `imds_credentials`, `container`, …).
    func count(_ endpoint: String) { counts[endpoint, default: 0] += 1 }

    /// The next identity with a fresh expiry.
    func issue(source: String, now: Date = Date()) -> Issued? {
        guard isEnabled else { return nil }
        let identity = configuration.identities[next % configuration.identities.count]
        next += 1
        let seconds = Double(configuration.lifetime.components.seconds) + Double(configuration.lifetime.components.attoseconds) / 1e18
        let issued = Issued(source: source, accessKey: identity.accessKey, secret: identity.secret, issuedAt: now,
                            expiresAt: now.addingTimeInterval(seconds))
        if log.count < 100_000 { log.append(issued) }
        counts["issued", default: 0] += 1
        return issued
    }

    /// A new IMDSv2 session token.
    func newIMDSToken() -> String {
        let token = "imds-" + UUID().uuidString
        imdsTokens.insert(token)
        return token
    }

    func isValidIMDSToken(_ token: String?) -> Bool { token.map { imdsTokens.contains($0) } ?? false }

    /// The counters and the issue log for `/_admin/state`.
    func state() -> JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return .object([
            "counts": .object(counts.mapValues { .number(Double($0)) }),
            "lifetime_s": .number(Double(configuration.lifetime.components.seconds)
                + Double(configuration.lifetime.components.attoseconds) / 1e18),
            "issued": .array(log.map { entry in
                .object(["source": .string(entry.source), "access_key": .string(entry.accessKey),
                         "issued_at": .string(formatter.string(from: entry.issuedAt)),
                         "expires_at": .string(formatter.string(from: entry.expiresAt))])
            }),
        ])
    }
}
