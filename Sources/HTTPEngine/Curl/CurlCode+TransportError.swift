import CCurl
import Foundation

extension TransportError.Kind {
    /// The kind of failure a curl result code means; `osErrno` (CURLINFO_OS_ERRNO) tells a reset
    /// connection apart from other send/receive failures.
    init(curlCode code: CURLcode, osErrno: Int32) {
        let reset = osErrno == ECONNRESET || osErrno == EPIPE || osErrno == ECONNABORTED
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .couldNotResolve
        case CURLE_COULDNT_CONNECT:
            self = .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            self = .timedOut
        case CURLE_GOT_NOTHING:
            // The server closed the connection without answering.
            self = .connectionReset
        case CURLE_SEND_ERROR, CURLE_SEND_FAIL_REWIND:
            self = reset ? .connectionReset : .sendFailed
        case CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            self = reset ? .connectionReset : .receiveFailed
        case CURLE_SSL_CONNECT_ERROR:
            self = reset ? .connectionReset : .tls
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_USE_SSL_FAILED:
            self = .tls
        case CURLE_READ_ERROR:
            self = .fileReadFailed
        default:
            self = .other
        }
    }
}
