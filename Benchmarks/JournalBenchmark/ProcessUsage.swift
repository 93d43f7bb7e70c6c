import Foundation

/// The benchmark process's own resource use: peak RSS and CPU time (getrusage), and the RSS trace
/// printed with `BENCH_TRACE` set.
enum ProcessUsage {
    /// Whether `BENCH_TRACE` is set: print RSS at each step and the resume's phases.
    static let tracing = ProcessInfo.processInfo.environment["BENCH_TRACE"] != nil

    /// With `BENCH_TRACE` set, prints the resident set size now and at its peak (Linux).
    static func trace(_ label: String) {
        guard tracing else { return }
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        print(String(format: "  RSS %@: %.1f MB (peak %.1f MB)", label, Double(pages * 4096) / 1e6, Double(peakRSS()) / 1e6))
    }

    /// The process's peak resident set size so far, in bytes.
    static func peakRSS() -> Int64 {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int64(usage.ru_maxrss) * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int64(usage.ru_maxrss)
        #endif
    }

    /// User plus system CPU time of the process so far (a busy machine inflates wall time, not this).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
