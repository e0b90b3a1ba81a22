import CostModel
import Foundation

/// What ran, per job and in total, read from the ledger: `costsim usage`.
///
/// Quantities follow costsim's workload quantities (README, "Workload quantities"):
/// - `steps`: logical steps (distinct steps attempted, plus sleeps);
/// - `step_attempts`: steps plus retried attempts (every step attempt, plus one per sleep), as
///   Inngest bills steps; `retries` = step_attempts − steps;
/// - `compute_seconds`: the durations of every ended step attempt, failed ones included;
/// - `run_attempts` and `run_compute_seconds`: what a service where a retry re-runs the whole
///   run (Trigger.dev) would count: each retry adds one run attempt and one more pass over the
///   run's successful work (the same upper bound `costsim estimate` uses);
/// - `executions`: times a body was entered; `replays` = executions beyond each run's first.
///
/// ```swift
/// let report = UsageReport.make(ledger: try store.ledger(since: nil, runIDs: nil), database: "jobs.db")
/// report.total.steps   // 300
/// ```
public struct UsageReport: Sendable, Equatable {
    /// Counts for one job or the total.
    public struct Counts: Sendable, Equatable {
        public var runs = 0
        public var runsCompleted = 0
        public var runsFailed = 0
        public var runsUnfinished = 0
        public var steps = 0
        public var stepAttempts = 0
        public var retries = 0
        public var sleeps = 0
        public var computeSeconds: Decimal = 0
        public var executions = 0
        public var replays = 0
        public var runAttempts = 0
        public var runComputeSeconds: Decimal = 0
        /// Seconds the runs' executions held a worker (code outside steps included).
        public var activeSeconds: Decimal = 0
        /// Distinct compute steps (sleeps excluded).
        public var computeSteps = 0
        /// Steps that succeeded, and their seconds: the typical step time.
        public var succeededSteps = 0
        public var succeededSeconds: Decimal = 0

        public init() {}

        /// Adds one run's ledger row.
        mutating func add(_ run: RunLedger) {
            runs += 1
            switch run.status {
            case .completed: runsCompleted += 1
            case .failed: runsFailed += 1
            default: runsUnfinished += 1
            }
            let runRetries = max(0, run.attempts - run.computeSteps)
            steps += run.computeSteps + run.sleeps
            stepAttempts += run.attempts + run.sleeps
            retries += runRetries
            sleeps += run.sleeps
            computeSeconds += UsageReport.seconds(run.computeMicroseconds)
            executions += run.executions
            replays += max(0, run.executions - 1)
            runAttempts += 1 + runRetries
            runComputeSeconds += UsageReport.seconds(run.succeededMicroseconds) * Decimal(1 + runRetries)
            activeSeconds += UsageReport.seconds(run.activeMicroseconds)
            computeSteps += run.computeSteps
            succeededSteps += run.succeededSteps
            succeededSeconds += UsageReport.seconds(run.succeededMicroseconds)
        }
    }

    /// One job's counts.
    public struct JobUsage: Sendable, Equatable {
        public var job: String
        public var counts: Counts
        /// When its first run was created and when it was last active.
        public var firstRunAt: Timestamp
        public var lastActivityAt: Timestamp
    }

    /// The database read, as the user named it.
    public var database: String
    /// Runs created before this were left out.
    public var since: Timestamp?
    /// Jobs by name.
    public var jobs: [JobUsage]
    public var total: Counts
    /// The observed window: the first run's creation to the last activity (nil with no runs).
    public var firstRunAt: Timestamp?
    public var lastActivityAt: Timestamp?

    /// Sums the ledger rows per job (jobs sorted by name).
    /// - Complexity: O(runs).
    public static func make(ledger: [RunLedger], database: String, since: Timestamp? = nil) -> UsageReport {
        var byJob: [String: JobUsage] = [:]
        var total = Counts()
        for run in ledger {
            total.add(run)
            var usage = byJob[run.job] ?? JobUsage(job: run.job, counts: Counts(), firstRunAt: run.createdAt, lastActivityAt: run.lastActivityAt)
            usage.counts.add(run)
            usage.firstRunAt = min(usage.firstRunAt, run.createdAt)
            usage.lastActivityAt = max(usage.lastActivityAt, run.lastActivityAt)
            byJob[run.job] = usage
        }
        let jobs = byJob.values.sorted { $0.job < $1.job }
        return UsageReport(database: database, since: since, jobs: jobs,
                           total: total,
                           firstRunAt: jobs.map(\.firstRunAt).min(), lastActivityAt: jobs.map(\.lastActivityAt).max())
    }

    /// Microseconds as exact decimal seconds.
    static func seconds(_ microseconds: Int64) -> Decimal {
        Decimal(sign: microseconds < 0 ? .minus : .plus, exponent: -6, significand: Decimal(microseconds.magnitude))
    }

    /// The observed window in seconds (at least one second), or nil without runs.
    public var observedSeconds: Decimal? {
        guard let first = since ?? firstRunAt, let last = lastActivityAt else { return nil }
        return max(1, Self.seconds(last.microseconds - first.microseconds))
    }
}
