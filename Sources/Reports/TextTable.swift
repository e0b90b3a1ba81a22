/// Aligned plain-text columns for terminal output.
package struct TextTable {
    package enum Alignment { case left, right }

    var header: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []

    package init(_ header: [String], alignments: [Alignment]) {
        self.header = header
        self.alignments = alignments
    }

    package mutating func add(_ row: [String]) { rows.append(row) }

    package func render(indent: String = "") -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var out = ""
        for (rowIndex, row) in all.enumerated() {
            var line = indent
            for (index, cell) in row.enumerated() where index < widths.count {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let isLast = index == row.count - 1
                if alignments[index] == .right {
                    line += padding + cell
                } else {
                    line += isLast ? cell : cell + padding
                }
                if !isLast { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
            if rowIndex == 0 {
                out += indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        return out
    }
}

/// Markdown tables for CI job summaries. Cells escape `|` and newlines.
package enum MarkdownTable {
    package static func render(header: [String], rightAligned: Set<Int> = [], rows: [[String]]) -> String {
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
        }
        var out = "| " + header.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + header.indices.map { rightAligned.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows {
            out += "| " + row.map(cell).joined(separator: " | ") + " |\n"
        }
        return out
    }
}

/// Output formats every report supports.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, json, csv, markdown
}

/// A report with one renderer per output format; `rendered(as:)` picks the one asked for, so
/// each report's public `render(_:)` is a single line.
protocol FormatRenderers {
    func renderTable() -> String
    func jsonValue() -> JSONValue
    func renderCSV() -> String
    func renderMarkdown() -> String
}

extension FormatRenderers {
    func rendered(as format: ReportFormat) -> String {
        switch format {
        case .table: return renderTable()
        case .json: return jsonValue().rendered()
        case .csv: return renderCSV()
        case .markdown: return renderMarkdown()
        }
    }
}
