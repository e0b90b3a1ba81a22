import CostModel
import Foundation
import Simulation
import Workload

/// Sentences several reports share, written once so their wording cannot drift apart.
enum ReportText {
    /// `catalog seed-2025-01, platform vercel/pro, monthly cost in USD`: the table reports' context line.
    static func contextLine(catalog: Catalog, platform: PlatformPlan?) -> String {
        "catalog \(catalog.name), platform \(platform?.id ?? "not given"), monthly cost in USD"
    }

    /// ``Catalog `seed-2025-01`, platform `vercel/pro`, monthly cost in USD.``: the Markdown form.
    static func markdownContext(catalog: Catalog, platform: PlatformPlan?) -> String {
        "Catalog `\(catalog.name)`, platform \(platform.map { "`\($0.id)`" } ?? "not given"), monthly cost in USD."
    }

    /// `\nNotes:\n  - …\n` for a table report; empty without notes.
    static func notesSection(_ notes: [String]) -> String {
        notes.isEmpty ? "" : "\nNotes:\n" + notes.map { "  - \($0)\n" }.joined()
    }

    /// The notes as Markdown quotes (`> …`), one paragraph each; empty without notes.
    static func markdownNotes(_ notes: [String]) -> String {
        notes.isEmpty ? "" : "\n" + notes.map { "> \($0)\n" }.joined(separator: ">\n")
    }
}

extension Workload {
    /// `7 jobs: 968,014.76 runs and 2,871,611.43 steps a month`: the figures to sanity-check.
    var volumeLine: String {
        let runs = jobs.reduce(Decimal(0)) { $0 + $1.runsPerMonth }
        let steps = jobs.reduce(Decimal(0)) { $0 + $1.runsPerMonth * $1.stepsPerRun }
        let count = jobs.count
        return "\(count) job\(count == 1 ? "" : "s"): \(NumberFormat.quantity(runs)) runs and \(NumberFormat.quantity(steps)) steps a month"
    }
}
