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
        let this = self
        return JobDefinition(name: job.name, retries: Self.retries) { run in
            let shape = this.shape(of: job, runID: run.runID)
            for index in 0..<shape.computeSteps {
                let name = "step-\(index + 1)"
                try run.step(name) {
                    this.clock.sleep(seconds: shape.seconds)
                    try this.maybeFail(shape, runID: run.runID, step: name, attempt: run.currentAttempt?.attempt ?? 1)
                }
                if let sleep = shape.sleep(after: index) { try run.sleep(sleep, for: shape.seconds) }
            }
            for sleep in shape.trailingSleeps { try run.sleep(sleep, for: shape.seconds) }
        }
    }

    /// `definitions()` as async bodies (`Executor.run(inFlight:)`): the same runs, each compute
    /// step pausing without holding a thread.
    public func asyncDefinitions() -> [JobDefinition] {
        let this = self
        return workload.jobs.map { job in
            JobDefinition.async(name: job.name, retries: Self.retries) { run in
                let shape = this.shape(of: job, runID: run.runID)
                for index in 0..<shape.computeSteps {
                    let name = "step-\(index + 1)"
                    try await run.step(name) {
                        try await this.clock.pause(seconds: shape.seconds)
                        try this.maybeFail(shape, runID: run.runID, step: name, attempt: run.currentAttempt?.attempt ?? 1)
                    }
                    if let sleep = shape.sleep(after: index) { try await run.sleep(sleep, for: shape.seconds) }
                }
                for sleep in shape.trailingSleeps { try await run.sleep(sleep, for: shape.seconds) }
            }
        }
    }

    static let retries = RetryPolicy(maxAttempts: maxAttempts, backoff: .none, baseSeconds: 0, jitter: 0)

    /// One run of a job: its compute steps, how long each lasts (scaled), its durable sleeps
    /// (one after each of the first compute steps, the rest at the end), and the chance that an
    /// attempt fails.
    struct Shape {
        var computeSteps: Int
        var sleeps: Int
        var seconds: Double
        var failure: Double

        func sleep(after index: Int) -> String? { index < sleeps ? "sleep-\(index + 1)" : nil }
        var trailingSleeps: [String] { sleeps > computeSteps ? (computeSteps + 1...sleeps).map { "sleep-\($0)" } : [] }
    }

    func shape(of job: Job, runID: String) -> Shape {
        let (compute, sleeps) = plan(for: job, runID: runID)
        let retryRate = NSDecimalNumber(decimal: job.retryRate).doubleValue
        return Shape(computeSteps: compute, sleeps: sleeps, seconds: Self.stepSeconds(job, computeSteps: compute) * timeScale,
                     failure: retryRate / (1 + retryRate))
    }

    func maybeFail(_ shape: Shape, runID: String, step: String, attempt: Int) throws {
        if RetryPolicy.unit(seed: seed, runID: runID, step: step, attempt: attempt) < shape.failure {
            throw SyntheticFailure(step: step, attempt: attempt)
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
