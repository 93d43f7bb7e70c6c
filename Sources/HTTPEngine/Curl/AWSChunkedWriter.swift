/// Produces an `AWSChunkedEncoding` body piece by piece into curl's upload buffer: framing bytes are
/// written by this type, payload bytes are read by the caller straight into the buffer (no copy).
/// Engine thread only.
struct AWSChunkedWriter {
    let encoding: AWSChunkedEncoding
    /// Payload bytes handed out so far.
    private(set) var payloadDone: Int64 = 0
    /// Framing bytes waiting to be written (a chunk header, a chunk's CRLF, or the end with the trailer).
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    /// Payload bytes left in the current chunk.
    private var chunkRemaining: Int64 = 0
    private var ended = false

    init(encoding: AWSChunkedEncoding) {
        self.encoding = encoding
    }

    /// Fills up to `capacity` bytes at `buffer`; `readPayload(destination, count)` must put exactly `count`
    /// payload bytes there (nil on failure). `trailer()` is asked once, after the last payload byte.
    /// Returns the bytes written (0 at the end), or nil when the payload could not be read or the trailer
    /// has the wrong length (the body would not match its announced length).
    mutating func fill(_ buffer: UnsafeMutableRawPointer, capacity: Int,
                       readPayload: (UnsafeMutableRawPointer, Int) -> Bool,
                       trailer: () -> String) -> Int? {
        var written = 0
        while written < capacity {
            if pendingOffset < pending.count {
                let count = min(capacity - written, pending.count - pendingOffset)
                pending.withUnsafeBytes { source in
                    (buffer + written).copyMemory(from: source.baseAddress! + pendingOffset, byteCount: count)
                }
                pendingOffset += count
                written += count
                continue
            }
            if chunkRemaining > 0 {
                let count = Int(min(Int64(capacity - written), chunkRemaining))
                guard readPayload(buffer + written, count) else { return nil }
                written += count
                chunkRemaining -= Int64(count)
                payloadDone += Int64(count)
                if chunkRemaining == 0 { setPending(Array("\r\n".utf8)) }
                continue
            }
            if ended { break }
            if payloadDone < encoding.payloadLength {
                let size = min(Int64(encoding.chunkSize), encoding.payloadLength - payloadDone)
                chunkRemaining = size
                setPending(Array((String(size, radix: 16) + "\r\n").utf8))
            } else {
                let value = trailer()
                guard value.utf8.count == encoding.trailerValueLength else { return nil }
                setPending(Array("0\r\n\(encoding.trailerName):\(value)\r\n\r\n".utf8))
                ended = true
            }
        }
        return written
    }

    private mutating func setPending(_ bytes: [UInt8]) {
        pending = bytes
        pendingOffset = 0
    }
}
