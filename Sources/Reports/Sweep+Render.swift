import CostModel
import Foundation
import Simulation
import Workload

extension Sweep {
    /// The report in the requested format: CSV and JSON are one row per value, one column per
    /// option (empty or null where the option is infeasible), then the cheapest option.
    public func render(_ format: ReportFormat) -> String {
        rendered(as: format)
    }

    var optionIDs: [String] { breakeven.options.map(\.id) }

    /// The cheapest option at row i (ties to the option named first).
    func cheapest(_ row: Int) -> Int? {
        var best: Int?
        for (index, cost) in costs[row].enumerated() {
            guard let cost else { continue }
            if best == nil || cost < costs[row][best!]! { best = index }
        }
        return best
    }

    var columnName: String { breakeven.axis.field(in: breakeven.workload).replacingOccurrences(of: " or ", with: "_or_") }

    func renderCSV() -> String {
        let header = [columnName] + optionIDs + ["cheapest"]
        let rows: [[CSV.Cell]] = values.indices.map { row in
            [.number(AxisText.plain(values[row]))]
                + costs[row].map { $0.map { .number(AxisText.money($0)) } ?? .empty }
                + [cheapest(row).map { .text(optionIDs[$0]) } ?? .empty]
        }
        return CSV.render(header: header, rows: rows)
    }

    func tableRows() -> [[String]] {
        values.indices.map { row in
            [AxisText.value(values[row], integer: breakeven.integer)]
                + costs[row].indices.map { option in
                    guard let cost = costs[row][option] else { return "infeasible" }
                    let plan = breakeven.options[option].plan == nil ? plans[row][option].map { " (\($0))" } ?? "" : ""
                    return AxisText.dollars(cost) + plan
                }
                + [cheapest(row).map { optionIDs[$0] } ?? "none"]
        }
    }

    func renderTable() -> String {
        var out = breakeven.header(command: "sweep")
        out += "\(values.count) values\(logScale ? ", spaced logarithmically" : ""); monthly cost per option (providers at their cheapest feasible plan)\n\n"
        var table = TextTable([breakeven.axis.unit] + optionIDs + ["cheapest"],
                              alignments: [.right] + optionIDs.map { _ in .right } + [.left])
        tableRows().forEach { table.add($0) }
        out += table.render()
        if !breakeven.points.isEmpty {
            out += "\nBreakeven points in this range: " + breakeven.points.map {
                "\(breakeven.at($0.at)) (\(breakeven.optionName($0.below)) → \(breakeven.optionName($0.above)))"
            }.joined(separator: ", ") + "\n"
        }
        out += ReportText.notesSection(breakeven.notes)
        return out
    }

    func renderMarkdown() -> String {
        var out = "### costsim sweep: \(breakeven.workload.name)\n\n"
        out += "Axis: \(AxisText.axisName(breakeven.axis, in: breakeven.workload)); monthly cost in USD, catalog `\(breakeven.catalog.name)`.\n\n"
        out += MarkdownTable.render(header: [breakeven.axis.unit] + optionIDs + ["cheapest"],
                                    rightAligned: Set(0...optionIDs.count), rows: tableRows())
        out += ReportText.markdownNotes(breakeven.notes)
        return out
    }

    /// `{"axis", "field", "options", "points": [{"at", "costs": {option: "40.00" | null},
    /// "plans": {option: plan | null}, "cheapest"}], "breakeven": [points]}`.
    public func jsonValue() -> JSONValue {
        let rows: [JSONValue] = values.indices.map { row in
            .object([
                ("at", .number(AxisText.plain(values[row]))),
                ("costs", .object(zip(optionIDs, costs[row]).map { ($0, $1.map { .string(AxisText.money($0)) } ?? .null) })),
                ("plans", .object(zip(optionIDs, plans[row]).map { ($0, $1.map(JSONValue.string) ?? .null) })),
                ("cheapest", cheapest(row).map { .string(optionIDs[$0]) } ?? .null),
            ])
        }
        return .object(breakeven.jsonHead() + [
            ("log", .bool(logScale)),
            ("points", .array(rows)),
            ("breakeven", breakeven.pointsJSON()),
            ("notes", breakeven.notesJSON()),
        ])
    }
}

extension Sweep: FormatRenderers {}
