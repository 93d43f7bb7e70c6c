/// The shape check of a `PASSWORD_VERIFIER` answer's `TIMESTAMP` (the signature covers the exact string).
enum TimestampFormat {
    /// Whether `timestamp` has Cognito's `EEE MMM d HH:mm:ss UTC yyyy` shape (day not zero-padded).
    static func isValidTimestamp(_ timestamp: String) -> Bool {
        let parts = timestamp.split(separator: " ", omittingEmptySubsequences: false)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, days.contains(String(parts[0])), months.contains(String(parts[1])),
              let day = Int(parts[2]), (1...31).contains(day), String(day) == parts[2],
              parts[4] == "UTC", parts[5].count == 4, Int(parts[5]) != nil else { return false }
        let clock = parts[3].split(separator: ":", omittingEmptySubsequences: false)
        return clock.count == 3 && clock.allSatisfy { $0.count == 2 && Int($0) != nil }
    }
}
