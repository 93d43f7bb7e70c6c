import Foundation
import IngestCore

/// Extra CA certificates (`AWS_CA_BUNDLE`, `--ca-bundle`) trusted in addition to the system store.
///
/// libcurl's `CURLOPT_CAINFO` replaces the store, so the extra bundle is appended to the system
/// bundle in a file of our own (in a private temp directory), and that file is handed to curl.
public enum CABundle {
    /// Where distributions keep the system bundle (`SSL_CERT_FILE` first).
    public static func systemBundlePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var candidates = [String]()
        if let file = environment["SSL_CERT_FILE"], !file.isEmpty { candidates.append(file) }
        candidates += ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
                       "/etc/pki/tls/cacert.pem", "/etc/ssl/cert.pem"]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// A bundle file holding the system certificates and those of `extra`; `extra` itself when there is
    /// no system bundle or it is the system bundle.
    public static func combined(with extra: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> String {
        guard let extraData = FileManager.default.contents(atPath: extra) else {
            throw IngestError(code: .caBundleUnreadable, message: "cannot read the CA bundle \(extra)",
                              hint: "check AWS_CA_BUNDLE / --ca-bundle")
        }
        guard let system = systemBundlePath(environment: environment),
              URL(fileURLWithPath: system).resolvingSymlinksInPath() != URL(fileURLWithPath: extra).resolvingSymlinksInPath(),
              let systemData = FileManager.default.contents(atPath: system) else { return extra }
        let directory = NSTemporaryDirectory() + "skylark-ingest-ca-\(getuid())-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = directory + "/bundle.pem"
        var data = systemData
        if data.last != UInt8(ascii: "\n") { data.append(UInt8(ascii: "\n")) }
        data.append(extraData)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
