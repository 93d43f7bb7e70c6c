import IngestCore

/// `junit.xml`: one testcase per item; failures carry the code and message (with the hint, when there is
/// one: `message — hint`); pending items are skipped.
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
            + "failures=\(quoted(failures)) errors=\"0\" skipped=\(quoted(skipped)) timestamp=\"\(escape(report.generatedAt))\">\n"
        return out
    }

    /// One item's test case.
    static func testcase(_ item: ItemReport) -> String {
        var out = "    <testcase classname=\"skylark-ingest.\(item.mode.rawValue)\" name=\"\(escape(item.id))\""
        switch item.status {
        case .succeeded:
            out += "/>\n"
        case .failed:
            out += ">\n      <failure type=\"\(escape(item.errorCode ?? ErrorCode.unknown.rawValue))\" "
                + "message=\"\(escape((item.message ?? "") + (item.hint.map { " — \($0)" } ?? "")))\">"
                + "stage: \(escape(item.stage?.rawValue ?? "unknown"))</failure>\n    </testcase>\n"
        case .pending, .skipped:
            out += ">\n      <skipped message=\"\(escape(item.status.rawValue))\"/>\n    </testcase>\n"
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
