import IngestCore

/// `report.json` (schema: `schemas/report.schema.json`), written row by row.
///
/// The text is what Foundation's `JSONEncoder` makes of the `RunReport` with `.prettyPrinted`,
/// `.sortedKeys` and `.withoutEscapingSlashes` (a test compares the two), without ever holding the
/// whole report: 100,000 rows through `JSONEncoder` took half a gigabyte.
public enum JSONReport {
    /// The whole report as text.
    public static func render(_ report: RunReport) -> String {
        let out = ReportOutput()
        try? begin(report, out)
        for (index, item) in report.items.enumerated() { try? row(item, index: index, out) }
        try? end(report, rows: report.items.count, out)
        return out.text
    }

    /// Everything before the first row (`report.items` is not read).
    static func begin(_ envelope: RunReport, _ out: ReportOutput) throws {
        let counts = envelope.counts
        let head: Node = .object([
            ("checkpoint", .string(envelope.checkpoint)),
            ("counts", .object([
                ("failed", .raw(String(counts.failed))), ("pending", .raw(String(counts.pending))),
                ("skipped", .raw(String(counts.skipped))), ("succeeded", .raw(String(counts.succeeded))),
                ("total", .raw(String(counts.total))),
            ])),
            ("generated_at", .string(envelope.generatedAt)),
            ("interrupted", .raw(envelope.interrupted ? "true" : "false")),
        ])
        var text = ""
        head.render(into: &text, indent: 0)
        text.removeLast(2)  // "\n}": the object goes on with "items"
        text += ",\n  \"items\" : ["
        try out.write(text)
    }

    /// Row `index` of the `items` array.
    static func row(_ item: ItemReport, index: Int, _ out: ReportOutput) throws {
        var text = index == 0 ? "\n    " : ",\n    "
        node(item).render(into: &text, indent: 4)
        try out.write(text)
    }

    /// Everything after the last of `rows` rows.
    static func end(_ envelope: RunReport, rows: Int, _ out: ReportOutput) throws {
        var text = rows == 0 ? "\n\n  ]" : "\n  ]"
        let tail: [(String, Node)] = [
            ("manifest", .string(envelope.manifest)),
            ("schema_version", .raw(String(envelope.schemaVersion))),
            ("stages", .array(envelope.stages.map { .string($0.rawValue) })),
            ("tool", .string(envelope.tool)),
            ("totals", .object([
                ("bytes", .raw(String(envelope.totals.bytes))),
                ("duration_ms", envelope.totals.durationMS.map { .raw(String($0)) } ?? .null),
                ("ended_at", .optional(envelope.totals.endedAt)),
                ("started_at", .optional(envelope.totals.startedAt)),
            ])),
        ]
        for (key, value) in tail {
            text += ",\n  " + Node.quoted(key) + " : "
            value.render(into: &text, indent: 2)
        }
        text += "\n}\n"
        try out.write(text)
    }

    /// An item as `ItemReport.encode(to:)` has it: every key, nulls explicit.
    private static func node(_ item: ItemReport) -> Node {
        var fields: [(String, Node)] = [
            ("asset_adopted", .raw(item.assetAdopted ? "true" : "false")),
            ("asset_uid", .optional(item.assetUID)),
            ("bucket", .optional(item.bucket)),
            ("bytes", item.bytes.map { .raw(String($0)) } ?? .null),
            ("duration_ms", item.durationMS.map { .raw(String($0)) } ?? .null),
            ("ended_at", .optional(item.endedAt)),
            ("error_code", .optional(item.errorCode)),
            ("etag", .optional(item.etag)),
            ("hint", .optional(item.hint)),
            ("id", .string(item.id)),
            ("key", .optional(item.key)),
            ("message", .optional(item.message)),
            ("mode", .string(item.mode.rawValue)),
        ]
        // Only merged reports have shards: other reports have no `shard` key at all.
        if let shard = item.shard { fields.append(("shard", .string(shard))) }
        fields += [
            ("source", .string(item.source)),
            ("stage", .optional(item.stage?.rawValue)),
            ("stages", .object(item.stages.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("started_at", .optional(item.startedAt)),
            ("status", .string(item.status.rawValue)),
            ("text_tracks", .array(item.textTracks.map(node))),
            ("title", .optional(item.title)),
        ]
        return .object(fields)
    }

    /// A track as its synthesized `Codable` conformance has it: absent values are left out.
    private static func node(_ track: TrackReport) -> Node {
        var fields: [(String, Node)] = []
        if let v = track.documentUID { fields.append(("document_uid", .string(v))) }
        fields.append(("language", .string(track.language)))
        if let v = track.textTrackUID { fields.append(("text_track_uid", .string(v))) }
        fields.append(("uploaded", .raw(track.uploaded ? "true" : "false")))
        return .object(fields)
    }

    /// A JSON value to print; object keys are given in sorted order.
    private indirect enum Node {
        case raw(String)
        case string(String)
        case null
        case object([(String, Node)])
        case array([Node])

        static func optional(_ value: String?) -> Node { value.map(Node.string) ?? .null }

        /// Appends the value, its nested lines indented from `indent` spaces.
        func render(into text: inout String, indent: Int) {
            switch self {
            case .raw(let raw): text += raw
            case .string(let value): text += Self.quoted(value)
            case .null: text += "null"
            case .object(let fields):
                text += "{\n"
                if fields.isEmpty { text += "\n" }
                for (n, (key, value)) in fields.enumerated() {
                    text += Self.spaces(indent + 2)
                    text += Self.quoted(key)
                    text += " : "
                    value.render(into: &text, indent: indent + 2)
                    text += n == fields.count - 1 ? "\n" : ",\n"
                }
                text += Self.spaces(indent)
                text += "}"
            case .array(let values):
                text += "[\n"
                if values.isEmpty { text += "\n" }
                for (n, value) in values.enumerated() {
                    text += Self.spaces(indent + 2)
                    value.render(into: &text, indent: indent + 2)
                    text += n == values.count - 1 ? "\n" : ",\n"
                }
                text += Self.spaces(indent)
                text += "]"
            }
        }

        /// Indentation made once (a report has a dozen levels at most).
        private static let indents = (0...16).map { String(repeating: " ", count: $0) }
        private static func spaces(_ count: Int) -> String {
            count < indents.count ? indents[count] : String(repeating: " ", count: count)
        }

        /// `value` as a JSON string: `"` and `\` escaped, control characters as JSONEncoder writes
        /// them (`\b \t \n \f \r`, others `\u00xx`), `/` and everything else as it is.
        static func quoted(_ value: String) -> String { JSONValue.quoted(value) }
    }
}
