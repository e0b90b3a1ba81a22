import CostModel
import Foundation
import Simulation
import Workload

/// Axis values and exact costs as text, for the breakeven and sweep reports.
enum AxisText {
    /// `1,000` on integer axes; `12.5` or `33.333333` elsewhere: 6 decimals, or 4 significant
    /// digits below 0.01 (`0.000003125`).
    static func value(_ value: Rational, integer: Bool) -> String {
        let scale = integer ? 0 : decimals(value)
        return NumberFormat.quantity(value.decimal(scale: scale), scale: scale)
    }

    /// 6 decimals, more for small values so that 4 significant digits show (at most 20).
    static func decimals(_ value: Rational) -> Int {
        let magnitude = abs(value.doubleValue)
        guard magnitude > 0 && magnitude < 0.01 else { return 6 }
        return min(20, max(6, Int((-log10(magnitude)).rounded(.up)) + 3))
    }

    /// For chart labels: whole values grouped (`1,000`), others to 3 significant digits
    /// (`0.0175`, `57.1`, `1,234.6` stays `1,235`).
    static func short(_ value: Rational, integer: Bool) -> String {
        if integer || value.isInteger || value.doubleValue.magnitude >= 100 {
            return NumberFormat.quantity(value.decimal(scale: 0), scale: 0)
        }
        let magnitude = value.doubleValue.magnitude
        let digits = magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : max(2, Int((-log10(magnitude)).rounded(.up)) + 2)
        return NumberFormat.quantity(value.decimal(scale: min(digits, 12)), scale: min(digits, 12))
    }

    /// The same without grouping, for JSON and CSV: `1000`, `33.333333`.
    static func plain(_ value: Rational) -> String {
        let scale = decimals(value)
        return NumberFormat.plain(value.decimal(scale: scale), scale: scale)
    }

    /// An axis value as a JSON number: `1000`, `33.333333`.
    static func json(_ value: Rational) -> JSONValue {
        .number(plain(value))
    }

    /// The exact value: full decimal text when it terminates, else the fraction `4000/3`.
    static func exact(_ value: Rational) -> String {
        value.exactDecimal.map { "\($0)" } ?? value.description
    }

    /// Money for JSON and CSV (`4000.00`), rounded once, half away from zero.
    static func money(_ value: Rational) -> String {
        NumberFormat.money(value.decimal(scale: Money.minorUnitScale))
    }

    /// Money for tables (`$4,000.00`).
    static func dollars(_ value: Rational) -> String {
        NumberFormat.dollars(value.decimal(scale: Money.minorUnitScale))
    }

    /// `runs per month`, `steps per run`, `step_seconds`…: the axis in words.
    static func axisName(_ axis: AxisSelection, in workload: Workload) -> String {
        let jobs = axis.job.map { "job \($0)" } ?? (workload.jobs.count == 1 ? "job \(workload.jobs[0].name)" : "every job")
        switch axis.axis {
        case .runs: return "runs per month of \(jobs) (runs_per_month)"
        case .steps: return "steps per run of \(jobs) (steps_per_run, sleeps included)"
        case .duration: return "seconds of \(jobs) (\(axis.field(in: workload)))"
        case .memory: return "memory of \(jobs) (memory_mb)"
        case .scale: return "scale: the runs of \(jobs) multiplied by this"
        }
    }

    /// `1,000 runs/month`, `12.5 s`, `×2`.
    static func withUnit(_ value: Rational, _ axis: AxisSelection) -> String {
        let text = Self.value(value, integer: axis.axis.isInteger)
        return axis.axis == .scale ? "×" + text : "\(text) \(axis.unit)"
    }
}

extension Breakeven {
    /// The report in the requested format.
    public func render(_ format: ReportFormat) -> String {
        rendered(as: format)
    }

    func optionName(_ index: Int?) -> String { index.map { options[$0].id } ?? "no feasible option" }

    /// `trigger-dev (startup, then pro)` for a provider option that changes plan.
    func describe(_ interval: Interval) -> String {
        guard let index = interval.cheapest else { return "no feasible option" }
        let name = options[index].id
        guard options[index].plan == nil, !interval.plans.isEmpty else { return name }
        return "\(name) (\(interval.plans.joined(separator: ", then ")))"
    }

    var integer: Bool { axis.axis.isInteger }

    func at(_ value: Rational) -> String { AxisText.value(value, integer: integer) }

    /// What happens at a point, in words.
    func whatHappens(_ point: Point) -> String {
        switch point.kind {
        case .crossing:
            return integer && point.exact != point.at ? "costs cross at \(AxisText.value(point.exact, integer: false))" : "costs cross"
        case .jump:
            if let plan = point.planBelowAfter, plan != point.planBelow, let below = point.below, options[below].plan == nil {
                return "\(optionName(point.below)) moves to \(plan)"
            }
            return "a price step"
        case .infeasible: return "\(optionName(point.below)) becomes infeasible"
        case .feasible: return "\(optionName(point.above)) becomes feasible"
        }
    }

    /// The table report's opening lines, for `costsim breakeven` or another command over the
    /// same analysis (`sweep`).
    func header(command: String) -> String {
        var text = "costsim \(command): \(workload.name) (\(workload.file))\n"
        text += ReportText.contextLine(catalog: catalog, platform: platform) + "\n"
        text += "axis: \(AxisText.axisName(axis, in: workload)), from \(at(lower)) to \(at(upper))"
        if let current { text += "; the workload has \(at(Rational(current)))" }
        return text + "\noptions: " + options.map(\.id).joined(separator: ", ") + "\n"
    }

    /// One sentence: which option is cheapest where, and at the workload's own value.
    public var verdict: String {
        var parts: [String] = []
        for interval in intervals {
            parts.append("\(describe(interval)) from \(at(interval.from)) to \(at(interval.to))")
        }
        let unit = axis.axis == .scale ? "" : " (\(axis.unit))"
        var text: String
        if parts.count > 1 {
            text = "Cheapest: " + parts.joined(separator: "; ") + unit + "."
        } else if intervals[0].cheapest == nil {
            text = "No option is feasible anywhere in this range."
        } else {
            text = "\(describe(intervals[0])) is cheapest over the whole range."
        }
        if let current, Rational(current) >= lower, Rational(current) <= upper {
            let x = Rational(current)
            let here = intervals.last { $0.from <= x } ?? intervals[0]
            text += " At the workload's own \(AxisText.withUnit(x, axis)): \(optionName(here.cheapest))."
        }
        return text
    }

    func pointRows() -> [[String]] {
        points.map { point in
            [at(point.at), optionName(point.below), optionName(point.above),
             point.costBelow.map(AxisText.dollars) ?? "-", point.costAbove.map(AxisText.dollars) ?? "-", whatHappens(point)]
        }
    }

    var pointHeader: [String] { ["at \(axis.unit)", "cheapest below", "cheapest above", "cost below", "cost above", "what happens"] }

    func intervalLines() -> [String] {
        intervals.map { "from \(at($0.from)) to \(at($0.to)) \(axis.unit): \(describe($0))" + ($0.cheapest == nil ? "" : " cheapest") }
    }

    func infeasibleLines() -> [String] {
        infeasible.map { range in
            let value = { (x: Rational) in AxisText.withUnit(x, self.axis) }
            let start = range.fromIncluded ? "from \(value(range.from))" : "above \(value(range.from))"
            let end = range.to == upper ? " (to the end of the range)" : range.toIncluded ? " to \(value(range.to))" : " up to \(value(range.to))"
            let span = range.from == range.to ? "at \(value(range.from))" : start + end
            let reasons = range.reasons.isEmpty ? "" : ": " + range.reasons.joined(separator: "; ")
            return "\(options[range.option].id): infeasible \(span)\(reasons)"
        }
    }

    func switchLines() -> [String] {
        planSwitches.map { "\(options[$0.option].id): \($0.from) → \($0.to) at \(at($0.at)) \(axis.unit)" }
    }

    func exactNotes() -> [String] {
        guard !integer else { return [] }
        // Only fractions short enough to read; a workload's own repeating decimals (730/24 runs a
        // day) make most crossings fractions of 40-digit numbers, which the JSON still carries.
        return points.filter { $0.at.exactDecimal == nil && $0.at.description.count <= 24 }.map {
            "the point at \(at($0.at)) is exactly \($0.at) \(axis.unit) (shown rounded to 6 decimals)"
        }
    }

    func renderTable() -> String {
        var out = header(command: "breakeven") + "\n" + verdict + "\n\nCheapest option along the axis:\n"
        out += intervalLines().map { "  " + $0 + "\n" }.joined()
        out += "\nBreakeven points (where the cheapest option changes):\n"
        if points.isEmpty {
            out += "  none in this range\n"
        } else {
            var table = TextTable(pointHeader, alignments: [.right, .left, .left, .right, .right, .left])
            pointRows().forEach { table.add($0) }
            out += table.render(indent: "  ")
        }
        if !planSwitches.isEmpty {
            out += "\nPlan switches (each provider at its cheapest feasible plan):\n"
            out += switchLines().map { "  " + $0 + "\n" }.joined()
        }
        out += "\nInfeasible ranges:\n"
        out += infeasible.isEmpty ? "  none\n" : infeasibleLines().map { "  " + $0 + "\n" }.joined()
        out += ReportText.notesSection(exactNotes() + notes)
        return out
    }

    func renderMarkdown() -> String {
        var out = "### costsim breakeven: \(workload.name)\n\n"
        out += ReportText.markdownContext(catalog: catalog, platform: platform) + " "
        out += "Axis: \(AxisText.axisName(axis, in: workload)), from \(at(lower)) to \(at(upper)). "
        out += "Options: " + options.map { "`\($0.id)`" }.joined(separator: ", ") + ".\n\n"
        out += "**\(verdict)**\n\n"
        out += MarkdownTable.render(header: ["from", "to", "cheapest"], rightAligned: [0, 1],
                                    rows: intervals.map { [at($0.from), at($0.to), describe($0)] })
        out += "\n#### Breakeven points\n\n"
        out += points.isEmpty ? "None in this range.\n"
            : MarkdownTable.render(header: pointHeader, rightAligned: [0, 3, 4], rows: pointRows())
        if !planSwitches.isEmpty {
            out += "\n#### Plan switches\n\n" + switchLines().map { "- \($0)\n" }.joined()
        }
        if !infeasible.isEmpty {
            out += "\n<details><summary>Infeasible ranges</summary>\n\n" + infeasibleLines().map { "- \($0)\n" }.joined() + "\n</details>\n"
        }
        out += ReportText.markdownNotes(exactNotes() + notes)
        return out
    }

    func renderCSV() -> String {
        let header = ["at", "exact", "kind", "below", "above", "plan_below", "plan_above", "cost_below", "cost_above"]
        let rows: [[CSV.Cell]] = points.map { point in
            [.number(AxisText.plain(point.at)), .text(AxisText.exact(point.exact)), .text(point.kind.rawValue),
             .text(optionName(point.below)), .text(optionName(point.above)),
             point.planBelow.map { .text($0) } ?? .empty, point.planAbove.map { .text($0) } ?? .empty,
             point.costBelow.map { .number(AxisText.money($0)) } ?? .empty,
             point.costAbove.map { .number(AxisText.money($0)) } ?? .empty]
        }
        return CSV.render(header: header, rows: rows)
    }

    /// The JSON document: `{"axis", "points": [{"at", "below", "above", "cost_below",
    /// "cost_above", …}], "intervals": [{"from", "to", "cheapest"}], …}`; an option is written
    /// `provider` or `provider/plan`, money as decimal strings, axis values as numbers.
    public func jsonValue() -> JSONValue {
        let option = optionJSON, number = AxisText.json
        let intervalsJSON: [JSONValue] = intervals.map { interval in
            .object([("from", number(interval.from)), ("to", number(interval.to)), ("cheapest", option(interval.cheapest)),
                     ("plans", .array(interval.plans.map(JSONValue.string)))])
        }
        let infeasibleJSON: [JSONValue] = infeasible.map { range in
            .object([("option", option(range.option)), ("from", number(range.from)), ("to", number(range.to)),
                     ("from_included", .bool(range.fromIncluded)), ("to_included", .bool(range.toIncluded)),
                     ("reasons", .array(range.reasons.map(JSONValue.string)))])
        }
        let switchesJSON: [JSONValue] = planSwitches.map {
            .object([("option", option($0.option)), ("at", number($0.at)), ("from", .string($0.from)), ("to", .string($0.to))])
        }
        return .object(jsonHead() + [
            ("points", pointsJSON()),
            ("intervals", .array(intervalsJSON)),
            ("infeasible", .array(infeasibleJSON)),
            ("plan_switches", .array(switchesJSON)),
            ("notes", notesJSON()),
        ])
    }

    /// The document's opening keys, shared with the sweep: what was analysed, along which axis,
    /// over which range, between which options.
    func jsonHead() -> [(String, JSONValue)] {
        [
            ("version", .number("1")),
            ("workload", .object([("name", .string(workload.name)), ("file", .string(workload.file))])),
            ("catalog", .string(catalog.name)),
            ("currency", .string("USD")),
            ("platform", platform.map { .string($0.id) } ?? .null),
            ("axis", .string(axis.axis.rawValue)),
            ("field", .string(axis.field(in: workload))),
            ("job", axis.job.map(JSONValue.string) ?? .null),
            ("unit", .string(axis.unit)),
            ("integer", .bool(integer)),
            ("range", .object([("from", AxisText.json(lower)), ("to", AxisText.json(upper))])),
            ("current", current.map { .number(NumberFormat.plain($0)) } ?? .null),
            ("options", .array(options.map { .string($0.id) })),
        ]
    }

    /// The breakeven points: `[{"at", "exact", "kind", "below", "above", …}]`.
    func pointsJSON() -> JSONValue {
        func money(_ value: Rational?) -> JSONValue { value.map { .string(AxisText.money($0)) } ?? .null }
        return .array(points.map { point in
            .object([("at", AxisText.json(point.at)), ("exact", .string(AxisText.exact(point.exact))),
                     ("kind", .string(point.kind.rawValue)), ("below", optionJSON(point.below)), ("above", optionJSON(point.above)),
                     ("plan_below", point.planBelow.map(JSONValue.string) ?? .null),
                     ("plan_above", point.planAbove.map(JSONValue.string) ?? .null),
                     ("cost_below", money(point.costBelow)), ("cost_above", money(point.costAbove))])
        })
    }

    /// An option as JSON: `"inngest"` or `"inngest/startup"`, null for none.
    func optionJSON(_ index: Int?) -> JSONValue {
        index.map { .string(options[$0].id) } ?? .null
    }

    /// The notes: exact values of rounded points, then the analysis's own notes.
    func notesJSON() -> JSONValue {
        .array((exactNotes() + notes).map(JSONValue.string))
    }
}

extension Breakeven: FormatRenderers {}
