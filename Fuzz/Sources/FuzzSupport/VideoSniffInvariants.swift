import IngestCore

/// Invariants of `VideoContainer.sniff`, whatever the input.
public enum VideoSniffInvariants {
    /// Sniffs `bytes` and checks that the answer depends only on the first `sniffLength` bytes.
    public static func run(_ bytes: [UInt8]) {
        let container = VideoContainer.sniff(bytes)
        if bytes.count > VideoContainer.sniffLength {
            precondition(VideoContainer.sniff(Array(bytes.prefix(VideoContainer.sniffLength))) == container,
                         "sniff looked past sniffLength")
        }
        if let container {
            precondition(VideoContainer.allCases.contains(container))
        }
    }
}
