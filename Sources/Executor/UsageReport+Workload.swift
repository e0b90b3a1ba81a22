import CostModel
import Foundation
import Workload

extension UsageReport {
    /// The observed usage as a workload file (SPEC §4) that `compare`, `estimate`, `place` and
    /// `simulate` accept: each job's runs scaled from the observed window to a month, and its
    /// measured shape.
    ///
    /// Per job, with R runs over T observed seconds and a month of M hours:
    /// `runs_per_month` = R × M × 3600 / T; `steps_per_run` = steps / R (at least 1: a run
    /// without steps counts as one, as Inngest bills a function without steps);
    /// `sleeps_per_run` = sleeps / R; `step_seconds` = seconds of succeeded attempts / succeeded
    /// steps; `retry_rate` = retries / compute steps.
    ///
    /// - Parameters:
    ///   - observedSeconds: the window the ledger covers (default: first run to last activity).
    ///   - name: the workload's name.
    /// - Returns: YAML text; nil when the ledger has no runs.
    public func workloadYAML(name: String, observedSeconds override: Decimal? = nil,
                             monthHours: Decimal = Workload.defaultMonthHours) -> String? {
        guard let window = override ?? observedSeconds, window > 0, !jobs.isEmpty else { return nil }
        let scale = monthHours * 3600 / window
        var lines: [String] = []
        let from = (since ?? firstRunAt).map(\.description) ?? "?"
        let to = lastActivityAt.map(\.description) ?? "?"
        lines.append("# Observed by `costsim usage` from \(database): \(total.runs) run\(total.runs == 1 ? "" : "s") from \(from) to \(to)")
        lines.append("# (\(NumberFormat.plain(window, scale: 3)) s), scaled to a \(NumberFormat.plain(monthHours)) hour month.")
        lines.append("version: 1")
        lines.append("name: \(Self.quoted(name))")
        lines.append("description: \(Self.quoted("observed usage from \(database), \(from) to \(to)"))")
        if monthHours != Workload.defaultMonthHours { lines.append("month_hours: \(NumberFormat.plain(monthHours))") }
        lines.append("jobs:")
        for usage in jobs {
            let counts = usage.counts
            let runs = Decimal(counts.runs)
            lines.append("  - name: \(Self.quoted(usage.job))")
            lines.append("    runs_per_month: \(NumberFormat.plain(runs * scale))")
            if counts.steps == 0 {
                lines.append("    steps_per_run: 1")
                lines.append("    run_seconds: \(NumberFormat.plain(counts.activeSeconds / runs))")
                continue
            }
            lines.append("    steps_per_run: \(NumberFormat.plain(max(1, Decimal(counts.steps) / runs)))")
            if counts.sleeps > 0 { lines.append("    sleeps_per_run: \(NumberFormat.plain(Decimal(counts.sleeps) / runs))") }
            if counts.computeSteps > 0 {
                let stepSeconds = counts.succeededSteps > 0
                    ? counts.succeededSeconds / Decimal(counts.succeededSteps)
                    : counts.computeSeconds / Decimal(max(1, counts.stepAttempts - counts.sleeps))
                lines.append("    step_seconds: \(NumberFormat.plain(stepSeconds))")
                if counts.retries > 0 {
                    lines.append("    retry_rate: \(NumberFormat.plain(min(Workload.maxRetryRate, Decimal(counts.retries) / Decimal(counts.computeSteps))))")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar (JSON string syntax, which YAML accepts).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
