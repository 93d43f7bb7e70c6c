import Testing
@testable import IngestCore

@Suite struct CSVParserTests {
    private func parse(_ text: String) throws(CSVSyntaxError) -> [([CSVCell], Int)] {
        var records: [([CSVCell], Int)] = []
        try CSVParser.parse(Array(text.utf8)[...]) { cells, line in records.append((cells, line)) }
        return records
    }

    @Test func cellsCarryLineAndColumn() throws {
        let records = try parse("id,video\nabc,media/x.mp4\n")
        #expect(records.count == 2)
        let row = records[1].0
        #expect(row.map(\.value) == ["abc", "media/x.mp4"])
        #expect(row.map(\.line) == [2, 2])
        #expect(row.map(\.column) == [1, 5])
    }

    @Test func quotedMultiLineCellShiftsLaterRowsAndColumns() throws {
        let records = try parse("a,b,c\n1,\"two\nlines\",x\n3,4,5\n")
        #expect(records.count == 3)
        #expect(records[1].0[1].value == "two\nlines")
        #expect(records[1].1 == 2)
        // The cell after the multi-line cell is on line 3, after `lines",`.
        #expect(records[1].0[2].line == 3)
        #expect(records[1].0[2].column == 8)
        #expect(records[2].1 == 4)
        #expect(records[2].0[0].line == 4)
    }

    @Test func doubledQuotesAndCommasInsideQuotesAreText() throws {
        let records = try parse("a,b\n\"say \"\"hi\"\", then go\",2\n")
        #expect(records[1].0.map(\.value) == ["say \"hi\", then go", "2"])
    }

    @Test func crlfAndMissingFinalNewlineAreAccepted() throws {
        let records = try parse("a,b\r\n1,2\r\n3,4")
        #expect(records.map { $0.0.map(\.value) } == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(records[2].1 == 3)
    }

    @Test func blankLinesAreSkipped() throws {
        let records = try parse("a,b\n\n1,2\n\n")
        #expect(records.count == 2)
        #expect(records[1].1 == 3)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let records = try parse("é,ü,x\n")
        #expect(records[0].0.map(\.column) == [1, 3, 5])
    }

    @Test func unterminatedQuoteIsReportedAtTheOpeningQuote() {
        #expect(throws: CSVSyntaxError.self) { try parse("a,b\n1,\"open\n2,3\n") }
        do {
            _ = try parse("a,b\n1,\"open\n2,3\n")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 3)
        }
    }

    @Test func textAfterClosingQuoteIsASyntaxError() {
        do {
            _ = try parse("a,b\n\"x\"y,2\n")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 4)
        }
    }

    @Test func quoteInsideUnquotedCellIsASyntaxError() {
        do {
            _ = try parse("a,b\nab\"c,2\n")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 3)
        }
    }

    @Test func veryLongLineIsParsedWithRightColumns() throws {
        let cells = 200_000
        let records = try parse(String(repeating: "ab,", count: cells) + "z\n")
        #expect(records[0].0.count == cells + 1)
        #expect(records[0].0.last?.column == 3 * cells + 1)
    }
}
