import IngestCore

/// `junit.xml`: one testcase per item; failures carry the code and message (with the hint, when there is
/// one: `message — hint`); pending items are skipped. Times are the journal's: a testcase's `time` is its
/// item's first to last record, the suite's the span over all items (seconds); the suite's and each
/// testcase's `properties` hold the totals and the item's title, source, asset, bytes, times and shard.
public enum JUnitReport {
    /// The XML text.
    public static func render(_ report: RunReport) -> String {
        var out = header(report)
        for item in report.items { out += testcase(item) }
        return out + footer
    }

    /// Everything before the first test case (`report.items` is not read).
    static func header(_ report: RunReport) -> String {
        let failures = report.counts.failed
        let skipped = report.counts.pending + report.counts.skipped
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"skylark-ingest\" tests=\"\(report.counts.total)\" failures=\"\(failures)\">\n"
        out += "  <testsuite name=\"\(escape(report.manifest))\" tests=\"\(report.counts.total)\" "
            + "failures=\(quoted(failures)) errors=\"0\" skipped=\(quoted(skipped))"
            + (report.totals.durationMS.map { " time=\"\(seconds($0))\"" } ?? "")
            + " timestamp=\"\(escape(report.generatedAt))\">\n"
        out += properties([("bytes", String(report.totals.bytes)), ("started_at", report.totals.startedAt),
                           ("ended_at", report.totals.endedAt)], indent: "    ")
        return out
    }

    /// A `properties` element of the pairs that have a value.
    private static func properties(_ pairs: [(String, String?)], indent: String) -> String {
        let present = pairs.compactMap { name, value in value.map { (name, $0) } }
        guard !present.isEmpty else { return "" }
        var out = indent + "<properties>\n"
        for (name, value) in present {
            out += indent + "  <property name=\"\(name)\" value=\"\(escape(value))\"/>\n"
        }
        return out + indent + "</properties>\n"
    }

    /// Milliseconds as seconds with three decimals.
    static func seconds(_ milliseconds: Int64) -> String {
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// One item's test case.
    static func testcase(_ item: ItemReport) -> String {
        var out = "    <testcase classname=\"skylark-ingest.\(item.mode.rawValue)\" name=\"\(escape(item.id))\""
            + (item.durationMS.map { " time=\"\(seconds(max(0, $0)))\"" } ?? "") + ">\n"
        out += properties([
            ("title", item.title), ("source", item.source), ("asset_uid", item.assetUID),
            ("asset_adopted", item.assetAdopted ? "true" : nil), ("bytes", item.bytes.map(String.init)),
            ("started_at", item.startedAt), ("ended_at", item.endedAt), ("shard", item.shard),
        ], indent: "      ")
        switch item.status {
        case .succeeded:
            out += "    </testcase>\n"
        case .failed:
            out += "      <failure type=\"\(escape(item.errorCode ?? ErrorCode.unknown.rawValue))\" "
                + "message=\"\(escape((item.message ?? "") + (item.hint.map { " — \($0)" } ?? "")))\">"
                + "stage: \(escape(item.stage?.rawValue ?? "unknown"))</failure>\n    </testcase>\n"
        case .pending, .skipped:
            out += "      <skipped message=\"\(escape(item.status.rawValue))\"/>\n    </testcase>\n"
        }
        return out
    }

    /// Everything after the last test case.
    static let footer = "  </testsuite>\n</testsuites>\n"

    private static func quoted(_ value: Int) -> String { "\"\(value)\"" }

    /// `text` as XML 1.0 character data or attribute value: markup characters as entities; line
    /// breaks and tabs as character references (attribute-value normalisation keeps them); characters
    /// XML 1.0 does not allow, other controls and bidi/format characters as visible `\u{XXXX}`
    /// escapes (`ReportText`), never as character references (`&#1;` is not well-formed XML 1.0).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                if ReportText.isHidden(scalar) { out += ReportText.escaped(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
