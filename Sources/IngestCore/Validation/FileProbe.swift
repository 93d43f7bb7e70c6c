#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where validation touches the file system: `stat`, `open` and `read`, with no
/// `FileManager` overhead per item.
public enum FileProbe {
    /// Why a file cannot be used.
    public enum Problem: Error, Sendable, Hashable {
        case missing
        case notRegular(kind: String)
        case unreadable(reason: String)
        case empty
        /// Larger than the limit the caller gave (subtitles: `SubtitleLimits.maxBytes`); not read.
        case tooLarge(size: Int64, limit: Int64)

        /// The rule id for this problem.
        public var rule: String {
            switch self {
            case .missing: return DiagnosticRule.fileMissing
            case .notRegular: return DiagnosticRule.fileNotRegular
            case .unreadable: return DiagnosticRule.fileUnreadable
            case .empty: return DiagnosticRule.fileEmpty
            case .tooLarge: return DiagnosticRule.subtitleTooLarge   // only subtitles have a size limit
            }
        }

        /// A diagnostic for this problem at `location`; `what` names the file's role ("video", "subtitle").
        func diagnostic(at location: SourceLocation, what: String, path: String? = nil,
                        item: String? = nil, field: String? = nil) -> Diagnostic {
            let name = path.map { "\(what) file `\(DiagnosticText.escaped($0))`" } ?? "\(what) file"
            switch self {
            case .missing:
                return .error(rule, "\(name) does not exist",
                              hint: "paths are relative to the manifest's folder", at: location, item: item, field: field)
            case .notRegular(let kind):
                return .error(rule, "\(name) is \(kind), not a regular file", at: location, item: item, field: field)
            case .unreadable(let reason):
                return .error(rule, "\(name) cannot be read: \(reason)",
                              hint: "check the file's permissions", at: location, item: item, field: field)
            case .empty:
                return .error(rule, "\(name) is empty", at: location, item: item, field: field)
            case .tooLarge(let size, let limit):
                return .error(rule, "\(name) is \(size) bytes; subtitle files may be at most \(limit) bytes (\(limit / 1_048_576) MiB)",
                              hint: "check that this is the right file; split or trim it if it really is subtitles",
                              at: location, item: item, field: field)
            }
        }
    }

    /// A file that exists, is regular, readable and non-empty: its size and first bytes.
    public struct Header: Sendable {
        public var size: Int64
        public var bytes: [UInt8]
    }

    /// Checks `path` and reads up to `headerLength` bytes from its start.
    public static func header(_ path: String, headerLength: Int = 4096) -> Result<Header, Problem> {
        let fd: Int32, info: stat
        switch openRegularFile(path) {
        case .success(let opened): (fd, info) = opened
        case .failure(let problem): return .failure(problem)
        }
        defer { close(fd) }
        if info.st_size == 0 { return .failure(.empty) }
        let wanted = Int(min(Int64(headerLength), Int64(info.st_size)))
        var bytes = [UInt8](repeating: 0, count: wanted)
        let count = bytes.withUnsafeMutableBytes { readFully(fd, $0.baseAddress!, wanted) }
        if count < 0 { return .failure(.unreadable(reason: errorText(errno))) }
        bytes.removeLast(wanted - count)
        return .success(Header(size: Int64(info.st_size), bytes: bytes))
    }

    /// Checks `path` and reads the whole file (for manifests and subtitles, never videos). With
    /// `maxBytes`, a larger file is `.tooLarge` from its size (`fstat`) and is not read at all.
    public static func readAll(_ path: String, maxBytes: Int64? = nil) -> Result<[UInt8], Problem> {
        let fd: Int32, info: stat
        switch openRegularFile(path) {
        case .success(let opened): (fd, info) = opened
        case .failure(let problem): return .failure(problem)
        }
        defer { close(fd) }
        if let maxBytes, Int64(info.st_size) > maxBytes {
            return .failure(.tooLarge(size: Int64(info.st_size), limit: maxBytes))
        }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        let count = size == 0 ? 0 : bytes.withUnsafeMutableBytes { readFully(fd, $0.baseAddress!, size) }
        if count < 0 { return .failure(.unreadable(reason: errorText(errno))) }
        bytes.removeLast(size - count)
        return .success(bytes)
    }

    /// Opens `path` for reading and checks that it is a regular file: its descriptor (the caller closes it)
    /// and `fstat`; the descriptor is closed when the file is missing, unreadable or not regular.
    private static func openRegularFile(_ path: String) -> Result<(Int32, stat), Problem> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .failure(.missing) }
            return .failure(.unreadable(reason: errorText(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            return .failure(.unreadable(reason: errorText(code)))
        }
        if let kind = nonRegularKind(info.st_mode) {
            close(fd)
            return .failure(.notRegular(kind: kind))
        }
        return .success((fd, info))
    }

    private static func readFully(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ length: Int) -> Int {
        var done = 0
        while done < length {
            let n = read(fd, base + done, length - done)
            if n < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    private static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "not a regular file"
        }
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
