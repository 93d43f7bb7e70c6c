extension JSONValue {
    /// `text` as a JSON string literal (`JournalJSON.writeString`: escaped as `JSONEncoder` escapes it).
    public static func quoted(_ text: String) -> String {
        // Most values (ids, uids, statuses, keys) need no escape at all.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        JournalJSON.writeString(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
