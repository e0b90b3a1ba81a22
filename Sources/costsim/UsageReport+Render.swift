import CostModel
import Executor
import Foundation
import Reports

/// `costsim usage` and `costsim exec` reports as table, JSON, CSV or Markdown.
extension UsageReport {
    /// The quantities of one job or the total, in report order, as (key, value) for JSON/CSV.
    static func fields(_ counts: Counts) -> [(String, JSONValue)] {
        [
            ("runs", .number("\(counts.runs)")),
            ("runs_completed", .number("\(counts.runsCompleted)")),
            ("runs_failed", .number("\(counts.runsFailed)")),
            ("runs_unfinished", .number("\(counts.runsUnfinished)")),
            ("steps", .number("\(counts.steps)")),
            ("step_attempts", .number("\(counts.stepAttempts)")),
            ("retries", .number("\(counts.retries)")),
            ("sleeps", .number("\(counts.sleeps)")),
            ("compute_seconds", .string(NumberFormat.plain(counts.computeSeconds))),
            ("executions", .number("\(counts.executions)")),
            ("replays", .number("\(counts.replays)")),
            ("run_attempts", .number("\(counts.runAttempts)")),
            ("run_compute_seconds", .string(NumberFormat.plain(counts.runComputeSeconds))),
            ("active_seconds", .string(NumberFormat.plain(counts.activeSeconds))),
        ]
    }

    /// The JSON document: `{"version", "database", "since", "from", "to", "jobs": [{"job", …}], "total": {…}}`,
    /// and `"prediction"` when given.
    func json(prediction: PredictionCheck? = nil) -> JSONValue {
        .object([
            ("version", .number("1")),
            ("database", .string(database)),
            ("since", since.map { .string($0.description) } ?? .null),
            ("from", firstRunAt.map { .string($0.description) } ?? .null),
            ("to", lastActivityAt.map { .string($0.description) } ?? .null),
            ("jobs", .array(jobs.map { .object([("job", .string($0.job))] + Self.fields($0.counts)) })),
            ("total", .object(Self.fields(total))),
        ] + (prediction.map { [("prediction", $0.json())] } ?? []))
    }

    /// The report; `prediction` (from `exec --workload`) follows the usage in every format.
    func render(_ format: ReportFormat, title: String, prediction: PredictionCheck? = nil) -> String {
        switch format {
        case .json: return json(prediction: prediction).rendered()
        case .csv: return csv() + (prediction.map { "\r\n" + $0.csv() } ?? "")
        case .table: return table(title: title) + (prediction.map { "\n" + $0.table() } ?? "")
        case .markdown: return markdown(title: title) + (prediction.map { "\n" + $0.markdown() } ?? "")
        }
    }

    func csv() -> String {
        let header = ["job"] + Self.fields(total).map(\.0)
        func cells(_ name: String, _ counts: Counts) -> [CSV.Cell] {
            [.text(name)] + Self.fields(counts).map { _, value in
                switch value {
                case .number(let text), .string(let text): return .number(text)
                default: return .empty
                }
            }
        }
        return CSV.render(header: header, rows: jobs.map { cells($0.job, $0.counts) } + [cells("total", total)])
    }

    private var window: String {
        guard let first = firstRunAt, let last = lastActivityAt else { return "no runs" }
        let runs = total.runs
        return "\(NumberFormat.quantity(Decimal(runs))) run\(runs == 1 ? "" : "s") from \(first) to \(last)"
    }

    private func countRows() -> (header: [String], rows: [[String]]) {
        let header = ["job", "runs", "completed", "failed", "unfinished", "steps", "step_attempts", "retries", "sleeps", "replays"]
        func row(_ name: String, _ c: Counts) -> [String] {
            [name] + [c.runs, c.runsCompleted, c.runsFailed, c.runsUnfinished, c.steps, c.stepAttempts, c.retries, c.sleeps, c.replays]
                .map { NumberFormat.quantity(Decimal($0)) }
        }
        return (header, jobs.map { row($0.job, $0.counts) } + [row("total", total)])
    }

    private func secondRows() -> (header: [String], rows: [[String]]) {
        let header = ["job", "compute_seconds", "run_attempts", "run_compute_seconds", "active_seconds"]
        func row(_ name: String, _ c: Counts) -> [String] {
            [name, NumberFormat.quantity(c.computeSeconds, scale: 3), NumberFormat.quantity(Decimal(c.runAttempts)),
             NumberFormat.quantity(c.runComputeSeconds, scale: 3), NumberFormat.quantity(c.activeSeconds, scale: 3)]
        }
        return (header, jobs.map { row($0.job, $0.counts) } + [row("total", total)])
    }

    /// The two billing views in words.
    private var billingLines: [String] {
        let t = total
        return [
            "Inngest-style: \(NumberFormat.quantity(Decimal(t.steps))) steps (\(NumberFormat.quantity(Decimal(t.stepAttempts))) step attempts with retries); "
                + "executions = runs + steps = \(NumberFormat.quantity(Decimal(t.runs + t.steps))) (\(NumberFormat.quantity(Decimal(t.runs + t.stepAttempts))) with retried attempts)",
            "Trigger.dev-style: \(NumberFormat.quantity(Decimal(t.runs))) runs, \(NumberFormat.quantity(Decimal(t.runAttempts))) run attempts "
                + "(a retry re-runs the whole run), \(NumberFormat.quantity(t.runComputeSeconds, scale: 3)) compute seconds",
        ]
    }

    func table(title: String) -> String {
        var out = "\(title)\n\(window)\n"
        guard !jobs.isEmpty else { return out }
        let counts = countRows()
        var first = TextTable(counts.header, alignments: [.left] + Array(repeating: .right, count: counts.header.count - 1))
        counts.rows.forEach { first.add($0) }
        let seconds = secondRows()
        var second = TextTable(seconds.header, alignments: [.left] + Array(repeating: .right, count: seconds.header.count - 1))
        seconds.rows.forEach { second.add($0) }
        out += "\n" + first.render() + "\n" + second.render() + "\n"
        out += billingLines.map { "  " + $0 + "\n" }.joined()
        return out
    }

    func markdown(title: String) -> String {
        var out = "### \(title)\n\n\(window).\n"
        guard !jobs.isEmpty else { return out }
        let counts = countRows()
        let seconds = secondRows()
        out += "\n" + MarkdownTable.render(header: counts.header, rightAligned: Set(1..<counts.header.count), rows: counts.rows)
        out += "\n" + MarkdownTable.render(header: seconds.header, rightAligned: Set(1..<seconds.header.count), rows: seconds.rows)
        out += "\n" + billingLines.map { "- " + $0 + "\n" }.joined()
        return out
    }
}

extension PredictionCheck {
    func json() -> JSONValue {
        .array(lines.map {
            .object([("job", .string($0.job)), ("quantity", .string($0.quantity)), ("runs", .number("\($0.runs)")),
                     ("predicted_per_run", .string(NumberFormat.plain($0.predicted))),
                     ("observed_per_run", .string(NumberFormat.plain($0.observed)))])
        })
    }

    func table() -> String {
        var table = TextTable(["job", "quantity per run", "predicted (estimate)", "observed"], alignments: [.left, .left, .right, .right])
        for line in lines {
            table.add([line.job, line.quantity, NumberFormat.quantity(line.predicted, scale: 4), NumberFormat.quantity(line.observed, scale: 4)])
        }
        return "Observed vs. predicted (durations in workload seconds)\n" + table.render()
    }

    func markdown() -> String {
        "#### Observed vs. predicted\n\n" + MarkdownTable.render(
            header: ["job", "quantity per run", "predicted (estimate)", "observed"], rightAligned: [2, 3],
            rows: lines.map { [$0.job, $0.quantity, NumberFormat.quantity($0.predicted, scale: 4), NumberFormat.quantity($0.observed, scale: 4)] })
    }

    func csv() -> String {
        CSV.render(header: ["job", "quantity", "runs", "predicted_per_run", "observed_per_run"], rows: lines.map {
            [.text($0.job), .text($0.quantity), .number("\($0.runs)"), .number(NumberFormat.plain($0.predicted)), .number(NumberFormat.plain($0.observed))]
        })
    }
}
