import ArgumentParser
import CostModel
import Executor
import Foundation
import Reports
import Simulation
import Workload

struct Usage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Report what `costsim exec` ran, per job and in total; write it as a workload.",
        discussion: """
        Reads the ledger: runs by outcome, logical steps, step attempts, retries,
        sleeps, compute seconds and replays, enough to bill Inngest-style (steps, or
        executions = runs + steps, with or without retried attempts) and
        Trigger.dev-style (runs, and compute where a retry re-runs the whole run).

        --to-workload writes the observed usage, scaled from the observed window to a
        month, as a workload file that compare, estimate, place and simulate accept.
        The window runs from --since (or the first run) to the last recorded activity;
        --observed-hours overrides it.

        Examples:
          costsim usage --db jobs.db
          costsim usage --db jobs.db --since 2026-11-01 --format json
          costsim usage --db jobs.db --to-workload observed.yaml --observed-hours 24
          costsim compare observed.yaml
        """
    )

    @Option(help: ArgumentHelp("The ledger database written by `costsim exec`.", valueName: "file"))
    var db: String

    @Option(help: ArgumentHelp("Only runs created at or after this date (YYYY-MM-DD, UTC) or time (ISO 8601).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Write the observed usage, scaled to a month, as a workload file.", valueName: "out.yaml"))
    var toWorkload: String?

    @Option(help: ArgumentHelp("With --to-workload: the hours the observed runs stand for (default: the observed window).", valueName: "hours"))
    var observedHours: Double?

    @Option(help: ArgumentHelp("With --to-workload: the workload's name (default: observed-<database name>).", valueName: "name"))
    var name: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let observedHours, !(observedHours > 0 && observedHours.isFinite) {
            throw ValidationError("--observed-hours must be positive")
        }
        if toWorkload == nil && (observedHours != nil || name != nil) {
            throw ValidationError("--observed-hours and --name apply to --to-workload only")
        }
    }

    func run() throws {
        try runExecutorReporting {
            let floor = try since.map(Self.parseSince)
            let store = try SQLiteStore(path: db, create: false)
            let report = UsageReport.make(ledger: try store.ledger(since: floor, runIDs: nil), database: db, since: floor)
            try output.emit(report.render(output.format, title: "costsim usage: \(db)" + (since.map { " (runs since \($0))" } ?? "")))
            guard let toWorkload else { return }
            let base = URL(fileURLWithPath: db).deletingPathExtension().lastPathComponent
            let workloadName = name ?? "observed-\(base.isEmpty ? "usage" : base)"
            let window = observedHours.flatMap { Decimal(string: String($0)) }.map { $0 * 3600 }
            guard let yaml = report.workloadYAML(name: workloadName, observedSeconds: window) else {
                throw InputError.invalid([Diagnostic(file: db, line: nil, column: nil, keyPath: "",
                                                     message: "no runs to write as a workload" + (since.map { " since \($0)" } ?? ""),
                                                     hint: "run jobs with `costsim exec` first, or widen --since")])
            }
            // What we write must load: a failure here is a bug, not the user's input.
            do {
                _ = try Workload.parse(yaml, file: toWorkload)
            } catch {
                printError("internal error: the workload written from the ledger does not load:\n\(error)")
                throw ExitCode(70)
            }
            try OutputOptions.emit(yaml, to: toWorkload, option: "--to-workload")
            FileHandle.standardError.write(Data("wrote \(toWorkload): \(report.jobs.count) job\(report.jobs.count == 1 ? "" : "s")\n".utf8))
        }
    }

    /// `2026-11-01` (UTC midnight) or an ISO 8601 time.
    static func parseSince(_ text: String) throws -> Timestamp {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        if text.count == 10, let date = formatter.date(from: text) { return Timestamp(date) }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Timestamp(date) }
        }
        throw CostsimError.usage("--since: expected a date YYYY-MM-DD or an ISO 8601 time, found '\(text)'",
                                 hint: "e.g. --since 2026-11-01 or --since 2026-11-01T12:00:00Z")
    }
}
