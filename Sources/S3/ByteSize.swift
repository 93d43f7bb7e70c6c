import Foundation

/// Byte sizes and rates as users write them: `8MiB`, `64M`, `1.5GB`, `500k`, `50MB/s`.
public enum ByteSize {
    /// Parses a size: a number with an optional unit (B, K/KB, M/MB, G/GB, T/TB decimal; KiB, MiB, GiB, TiB binary;
    /// single letters K, M, G, T are binary as in s5cmd and rclone). A `/s` suffix is allowed (rates).
    public static func parse(_ text: String) -> Int64? {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.lowercased().hasSuffix("/s") { value.removeLast(2) }
        let numberEnd = value.firstIndex { !($0.isNumber || $0 == ".") } ?? value.endIndex
        guard let number = Double(value[..<numberEnd]), number >= 0 else { return nil }
        let unit = value[numberEnd...].trimmingCharacters(in: .whitespaces).lowercased()
        let multiplier: Double
        switch unit {
        case "", "b": multiplier = 1
        case "k", "kib": multiplier = 1024
        case "m", "mib": multiplier = 1024 * 1024
        case "g", "gib": multiplier = 1024 * 1024 * 1024
        case "t", "tib": multiplier = 1024 * 1024 * 1024 * 1024
        case "kb": multiplier = 1e3
        case "mb": multiplier = 1e6
        case "gb": multiplier = 1e9
        case "tb": multiplier = 1e12
        default: return nil
        }
        let bytes = number * multiplier
        guard bytes < 9e18 else { return nil }
        return Int64(bytes.rounded())
    }
}
