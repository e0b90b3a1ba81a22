import CostModel
import Foundation
import Workload

/// A workload's jobs as synthetic durable jobs, so what actually runs can be checked against
/// what `costsim estimate` predicts: `costsim exec --workload`.
///
/// Each run of a job has ⌊S⌋ or ⌈S⌉ steps (so the mean is steps_per_run), of which ⌊W⌋ or ⌈W⌉
/// are durable sleeps; each compute step waits its duration (step_seconds, or run_seconds
/// shared by the compute steps) × `timeScale` on the clock, and each attempt fails with
/// probability r / (1 + r), so the expected retries per compute step are retry_rate = r.
/// Failed attempts take as long as successful ones (as the estimate assumes) and are retried
/// at once. Every draw hashes the seed, the run id, the step and the attempt: replays see the
/// same run, and the outcome does not depend on scheduling.
///
/// ```swift
/// let jobs = SyntheticWorkload(workload: workload, timeScale: 0.001, seed: 7, clock: SystemClock()).definitions()
/// ```
public struct SyntheticWorkload: Sendable {
    public var workload: Workload
    /// Real seconds per workload second.
    public var timeScale: Double
    public var seed: UInt64
    public var clock: any ExecutorClock
    /// Attempts allowed per step: far more than any plausible retry rate needs.
    public static let maxAttempts = 1000

    public init(workload: Workload, timeScale: Double, seed: UInt64, clock: any ExecutorClock) {
        precondition(timeScale >= 0, "time scale is not negative")
        self.workload = workload
        self.timeScale = timeScale
        self.seed = seed
        self.clock = clock
    }

    /// One definition per workload job.
    public func definitions() -> [JobDefinition] {
        workload.jobs.map(definition(for:))
    }

    /// The shape one run of `job` takes: compute steps and sleeps.
    public func plan(for job: Job, runID: String) -> (computeSteps: Int, sleeps: Int) {
        let steps = Self.count(job.stepsPerRun, unit: RetryPolicy.unit(seed: seed, runID: runID, step: "#steps", attempt: 0))
        let sleeps = min(steps, Self.count(job.sleepsPerRun, unit: RetryPolicy.unit(seed: seed, runID: runID, step: "#sleeps", attempt: 0)))
        return (max(0, steps - sleeps), sleeps)
    }

    /// ⌊value⌋, plus one with probability frac(value).
    static func count(_ value: Decimal, unit: Double) -> Int {
        let whole = NSDecimalNumber(decimal: value.floored()).intValue
        let fraction = NSDecimalNumber(decimal: value - Decimal(whole)).doubleValue
        return whole + (unit < fraction ? 1 : 0)
    }

    /// Seconds one compute step of `job` lasts, unscaled.
    static func stepSeconds(_ job: Job, computeSteps: Int) -> Double {
        if let stepSeconds = job.stepSeconds { return NSDecimalNumber(decimal: stepSeconds).doubleValue }
        if let runSeconds = job.runSeconds, computeSteps > 0 {
            return NSDecimalNumber(decimal: runSeconds).doubleValue / Double(computeSteps)
        }
        return 0
    }

    func definition(for job: Job) -> JobDefinition {
        let retryRate = NSDecimalNumber(decimal: job.retryRate).doubleValue
        let failure = retryRate / (1 + retryRate)
        let this = self
        let retries = RetryPolicy(maxAttempts: Self.maxAttempts, backoff: .none, baseSeconds: 0, jitter: 0)
        return JobDefinition(name: job.name, retries: retries) { run in
            let (compute, sleeps) = this.plan(for: job, runID: run.runID)
            let seconds = Self.stepSeconds(job, computeSteps: compute) * this.timeScale
            var sleepsLeft = sleeps
            for index in 1...max(1, compute) where compute > 0 {
                let name = "step-\(index)"
                try run.step(name) {
                    this.clock.sleep(seconds: seconds)
                    let attempt = run.currentAttempt?.attempt ?? 1
                    if RetryPolicy.unit(seed: this.seed, runID: run.runID, step: name, attempt: attempt) < failure {
                        throw SyntheticFailure(step: name, attempt: attempt)
                    }
                }
                if sleepsLeft > 0 {
                    try run.sleep("sleep-\(sleeps - sleepsLeft + 1)", for: seconds)
                    sleepsLeft -= 1
                }
            }
            // Bounded by the plan's sleep count.
            while sleepsLeft > 0 {
                try run.sleep("sleep-\(sleeps - sleepsLeft + 1)", for: seconds)
                sleepsLeft -= 1
            }
        }
    }
}

/// A synthetic step's simulated failure.
struct SyntheticFailure: Error, CustomStringConvertible {
    var step: String
    var attempt: Int
    var description: String { "synthetic failure of \(step), attempt \(attempt)" }
}

/// Observed per-run quantities beside `costsim estimate`'s prediction for a workload's jobs.
public struct PredictionCheck: Sendable, Equatable {
    /// One quantity of one job.
    public struct Line: Sendable, Equatable {
        public var job: String
        /// A workload quantity name: `steps`, `step_attempts`, …
        public var quantity: String
        /// Per run, as `estimate` computes it (expected values).
        public var predicted: Decimal
        /// Per run, as the ledger recorded it (durations unscaled).
        public var observed: Decimal
        /// Runs observed.
        public var runs: Int
    }

    public var lines: [Line]

    /// Compares each job's observed counts (per run) with `Job.quantities` under both execution
    /// models. Durations are divided by `timeScale` to return to workload seconds.
    /// - Complexity: O(jobs).
    public static func make(workload: Workload, usage: UsageReport, timeScale: Double) -> PredictionCheck {
        var lines: [Line] = []
        let scale = timeScale > 0 ? Decimal(string: String(timeScale)) ?? 1 : 1
        for job in workload.jobs {
            guard let observed = usage.jobs.first(where: { $0.job == job.name })?.counts, observed.runs > 0 else { continue }
            let runs = Decimal(observed.runs)
            let perMonth = job.runsPerMonth
            let steps = job.quantities(execution: .steps)
            let whole = job.quantities(execution: .runs)
            func perRun(_ value: Decimal) -> Decimal { perMonth > 0 ? value / perMonth : 0 }
            func add(_ quantity: String, _ predicted: Decimal, _ measured: Decimal) {
                lines.append(Line(job: job.name, quantity: quantity, predicted: predicted, observed: measured / runs, runs: observed.runs))
            }
            add("steps", perRun(steps.steps), Decimal(observed.steps))
            add("sleeps", perRun(steps.sleeps), Decimal(observed.sleeps))
            add("step_attempts", perRun(steps.stepAttempts), Decimal(observed.stepAttempts))
            add("compute_seconds", perRun(steps.computeSeconds), observed.computeSeconds / scale)
            add("run_attempts", perRun(whole.runAttempts), Decimal(observed.runAttempts))
            add("run_compute_seconds", perRun(whole.computeSeconds), observed.runComputeSeconds / scale)
        }
        return PredictionCheck(lines: lines)
    }
}
