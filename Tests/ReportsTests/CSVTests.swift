import Testing
@testable import Reports

/// RFC 4180 output and spreadsheet-formula neutralisation (SPEC §6).
@Suite("CSV")
struct CSVTests {
    @Test func headerThenRowsEachEndingInCRLF() {
        let text = CSV.render(header: ["provider", "monthly_cost"], rows: [[.text("inngest"), .number("40.00")]])
        #expect(text == "provider,monthly_cost\r\ninngest,40.00\r\n")
    }

    @Test func noBareLineFeeds() {
        let text = CSV.render(header: ["a", "b"], rows: [[.text("x"), .text("y")], [.text("z"), .empty]])
        #expect(text == "a,b\r\nx,y\r\nz,\r\n")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func emptyRowsGiveOnlyTheHeader() {
        #expect(CSV.render(header: ["plan"], rows: []) == "plan\r\n")
    }

    @Test func emptyCellIsAnEmptyField() {
        #expect(CSV.field(.empty) == "")
        #expect(CSV.render(header: ["a", "b", "c"], rows: [[.empty, .empty, .empty]]) == "a,b,c\r\n,,\r\n")
    }

    @Test func plainTextIsUnquoted() {
        #expect(CSV.field(.text("trigger-dev")) == "trigger-dev")
        #expect(CSV.field(.text("has space")) == "has space")
    }

    @Test func commaIsQuoted() {
        #expect(CSV.field(.text("a, b")) == "\"a, b\"")
    }

    @Test func quotesAreDoubledAndQuoted() {
        #expect(CSV.field(.text("say \"hi\"")) == "\"say \"\"hi\"\"\"")
        #expect(CSV.field(.text("\"")) == "\"\"\"\"")
    }

    @Test func embeddedNewlinesAreQuoted() {
        #expect(CSV.field(.text("line1\nline2")) == "\"line1\nline2\"")
        #expect(CSV.field(.text("line1\rline2")) == "\"line1\rline2\"")
    }

    /// Swift reads "\r\n" as ONE grapheme cluster, equal to neither "\n" nor "\r"; a cell
    /// holding a CRLF line break was once written unquoted, splitting the record in two.
    @Test func embeddedCRLFIsQuoted() {
        #expect(CSV.field(.text("line1\r\nline2")) == "\"line1\r\nline2\"")
        #expect(CSV.render(header: ["a", "b"], rows: [[.text("x\r\ny"), .text("z")]]) == "a,b\r\n\"x\r\ny\",z\r\n")
    }

    @Test func quotedFieldsInAWholeDocument() {
        let text = CSV.render(header: ["name", "reasons"],
                              rows: [[.text("free"), .text("capped, \"hard\"\nlimit")]])
        #expect(text == "name,reasons\r\nfree,\"capped, \"\"hard\"\"\nlimit\"\r\n")
    }

    @Test("Text cells beginning with a formula character are neutralised",
          arguments: ["=SUM(A1:A9)", "+1", "-2", "@cmd", "\tindent"])
    func formulaCharactersAreNeutralised(_ value: String) {
        #expect(CSV.field(.text(value)) == "'" + value)
    }

    @Test func neutralisedCellIsStillQuotedWhenNeeded() {
        #expect(CSV.field(.text("=HYPERLINK(\"x\",\"y\")")) == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")
        #expect(CSV.field(.text("-a,b")) == "\"'-a,b\"")
    }

    @Test func formulaCharacterLaterInTheCellIsLeftAlone() {
        #expect(CSV.field(.text("a=b")) == "a=b")
        #expect(CSV.field(.text("inngest/pro-2026")) == "inngest/pro-2026")
    }

    @Test("Numeric cells are written as given, even negative ones",
          arguments: ["-12.50", "+3", "4000.00", "0", "-0.01"])
    func numbersAreUntouched(_ value: String) {
        #expect(CSV.field(.number(value)) == value)
    }

    @Test func negativeNumberInADocumentIsNotNeutralised() {
        let text = CSV.render(header: ["line", "amount"], rows: [[.text("credit"), .number("-12.50")]])
        #expect(text == "line,amount\r\ncredit,-12.50\r\n")
    }

    @Test func headerCellsAreEscapedToo() {
        #expect(CSV.render(header: ["a,b", "c"], rows: []) == "\"a,b\",c\r\n")
    }
}
