import Foundation
import IngestCore

/// What the live progress line shows at one moment.
public struct ProgressSnapshot: Sendable, Hashable {
    /// Items in this run.
    public var total: Int
    /// Items that reached an end (only ever grows during a run).
    public var counts: RunSummaryLine.Counts
    /// Per stage: items that finished it, and items in it now.
    public var stageDone: [Stage: Int]
    public var stageActive: [Stage: Int]
    /// Bytes sent so far, and the bytes the run's transfers will send in all (0: no transfer stage).
    public var bytesSent: Int64
    public var totalBytes: Int64
    /// The send rate over the last few seconds (`RateWindow`); nil until there is one.
    public var bytesPerSecond: Double?
    /// Time since the run started.
    public var elapsed: Duration
    /// Time left at the recent rate; nil when unknown.
    public var eta: Duration?

    public init(total: Int, counts: RunSummaryLine.Counts = .init(), stageDone: [Stage: Int] = [:],
                stageActive: [Stage: Int] = [:], bytesSent: Int64 = 0, totalBytes: Int64 = 0,
                bytesPerSecond: Double? = nil, elapsed: Duration = .zero, eta: Duration? = nil) {
        self.total = total
        self.counts = counts
        self.stageDone = stageDone
        self.stageActive = stageActive
        self.bytesSent = bytesSent
        self.totalBytes = totalBytes
        self.bytesPerSecond = bytesPerSecond
        self.elapsed = elapsed
        self.eta = eta
    }
}

/// The live progress line. Pure.
///
/// `[5/12] assets 6+2 documents 5+1 transfer 4+1 confirm 0+0 | 1.2 GiB/3.0 GiB 48.0 MiB/s | 1 failed | 31.0s ETA 40s`
///
/// It always fits `width` columns: when the full line is too long the stages are abbreviated, then left
/// out, then the rest is cut with `…`. It never holds a newline or a control character, so it can never
/// wrap or leave a stale line behind a `\r` redraw.
public enum ProgressLine {
    static let stages: [Stage] = [.assets, .documents, .transfer, .confirm]

    public static func render(_ snapshot: ProgressSnapshot, width: Int) -> String {
        let width = max(1, width)
        let head = "[\(min(snapshot.counts.finished, snapshot.total))/\(snapshot.total)]"
        var bytes = ""
        if snapshot.totalBytes > 0 || snapshot.bytesSent > 0 {
            bytes = "\(ByteText.format(snapshot.bytesSent))/\(ByteText.format(snapshot.totalBytes))"
            if let rate = snapshot.bytesPerSecond { bytes += " \(ByteText.format(Int64(rate)))/s" }
        }
        let failed = "\(snapshot.counts.failed) failed"
        let time = "\(ByteText.seconds(snapshot.elapsed)) ETA \(snapshot.eta.map(etaText) ?? "–")"
        func stageText(_ abbreviated: Bool) -> String {
            stages.map { s in
                "\(abbreviated ? String(s.rawValue.prefix(1)) : s.rawValue) \(snapshot.stageDone[s] ?? 0)+\(snapshot.stageActive[s] ?? 0)"
            }.joined(separator: " ")
        }
        func line(_ stagesPart: String?) -> String {
            var parts = [head + (stagesPart.map { " " + $0 } ?? "")]
            if !bytes.isEmpty { parts.append(bytes) }
            parts.append(failed)
            parts.append(time)
            return parts.joined(separator: " | ")
        }
        for candidate in [line(stageText(false)), line(stageText(true)), line(nil)] where candidate.count <= width {
            return candidate
        }
        return truncated(line(nil), to: width)
    }

    /// `text` cut to `width` characters, the last one `…` when anything was cut.
    public static func truncated(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(0, width))) }
        return String(text.prefix(width - 1)) + "…"
    }

    static func etaText(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration.components.seconds))
        if seconds >= 3600 { return "\(seconds / 3600)h\(String(format: "%02d", seconds % 3600 / 60))m" }
        if seconds >= 60 { return "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s" }
        return "\(seconds)s"
    }
}

/// A rate over a moving window (the last `span`): samples of a growing total, oldest dropped.
public struct RateWindow: Sendable {
    public let span: Duration
    private var samples: [(at: ContinuousClock.Instant, total: Double)] = []

    public init(span: Duration = .seconds(10)) { self.span = span }

    /// Records the total at `now`.
    public mutating func record(_ total: Double, at now: ContinuousClock.Instant) {
        if let last = samples.last, now - last.at < .milliseconds(100) {
            samples[samples.count - 1].total = max(last.total, total)
        } else {
            samples.append((now, total))
        }
        // Keep one sample at or before the window's start so the window is always covered.
        while samples.count > 2 && now - samples[1].at >= span { samples.removeFirst() }
    }

    /// Units per second over the window; nil until it spans at least a second.
    public func perSecond(at now: ContinuousClock.Instant) -> Double? {
        guard let first = samples.first, let last = samples.last else { return nil }
        let seconds = Double((now - first.at).components.seconds) + Double((now - first.at).components.attoseconds) / 1e18
        guard seconds >= 1 else { return nil }
        return max(0, last.total - first.total) / seconds
    }
}

/// Byte counts and durations as the progress and summary lines show them.
public enum ByteText {
    public static func format(_ value: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 { amount /= 1024; unit += 1 }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", amount, units[unit])
    }

    public static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1fs", seconds)
    }
}
