/// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF, quotes
/// doubled. Text cells beginning with `=`, `+`, `-`, `@` or a tab are neutralised with a
/// leading `'` so a spreadsheet never runs them as formulas; numeric cells are written as is.
public enum CSV {
    /// One cell of a row.
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A number already formatted (`-12.50` stays a number).
        case number(String)
        case empty
    }

    /// The whole document, header first.
    public static func render(header: [String], rows: [[Cell]]) -> String {
        var out = header.map { field(.text($0)) }.joined(separator: ",") + "\r\n"
        for row in rows {
            out += row.map(field).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func field(_ cell: Cell) -> String {
        var text: String
        switch cell {
        case .empty: return ""
        case .number(let value): text = value
        case .text(let value):
            text = value
            if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
                text = "'" + text
            }
        }
        if text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
