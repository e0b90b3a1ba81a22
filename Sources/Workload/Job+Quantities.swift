import CostModel
import Foundation

/// A job's (or a workload's) monthly quantities, from which meters are built.
///
/// Stored fields rather than a dictionary: a 10,000-job workload sums these per provider.
public struct QuantitySet: Sendable, Equatable {
    public var runs: Decimal = 0
    public var runAttempts: Decimal = 0
    public var steps: Decimal = 0
    public var stepAttempts: Decimal = 0
    public var sleeps: Decimal = 0
    public var computeSeconds: Decimal = 0
    public var gbSeconds: Decimal = 0
    public var events: Decimal = 0
    public var invocations: Decimal = 0

    public init() {}

    public subscript(quantity: Quantity) -> Decimal {
        get {
            switch quantity {
            case .runs: runs
            case .runAttempts: runAttempts
            case .steps: steps
            case .stepAttempts: stepAttempts
            case .sleeps: sleeps
            case .computeSeconds: computeSeconds
            case .gbSeconds: gbSeconds
            case .events: events
            case .invocations: invocations
            }
        }
        set {
            switch quantity {
            case .runs: runs = newValue
            case .runAttempts: runAttempts = newValue
            case .steps: steps = newValue
            case .stepAttempts: stepAttempts = newValue
            case .sleeps: sleeps = newValue
            case .computeSeconds: computeSeconds = newValue
            case .gbSeconds: gbSeconds = newValue
            case .events: events = newValue
            case .invocations: invocations = newValue
            }
        }
    }

    /// Adds another set field by field.
    public static func += (lhs: inout QuantitySet, rhs: QuantitySet) {
        // Decimal addition allocates; zero fields (no sleeps, events or retries) are common.
        if !rhs.runs.isZero { lhs.runs += rhs.runs }
        if !rhs.runAttempts.isZero { lhs.runAttempts += rhs.runAttempts }
        if !rhs.steps.isZero { lhs.steps += rhs.steps }
        if !rhs.stepAttempts.isZero { lhs.stepAttempts += rhs.stepAttempts }
        if !rhs.sleeps.isZero { lhs.sleeps += rhs.sleeps }
        if !rhs.computeSeconds.isZero { lhs.computeSeconds += rhs.computeSeconds }
        if !rhs.gbSeconds.isZero { lhs.gbSeconds += rhs.gbSeconds }
        if !rhs.events.isZero { lhs.events += rhs.events }
        if !rhs.invocations.isZero { lhs.invocations += rhs.invocations }
    }

    public static func + (lhs: QuantitySet, rhs: QuantitySet) -> QuantitySet {
        var sum = lhs
        sum += rhs
        return sum
    }
}

extension Job {
    /// Expected failed attempts per run: one per compute step at `retry_rate`.
    ///
    /// With 3 compute steps and retry_rate 0.02, 0.06 failures per run.
    public var failuresPerRun: Decimal { computeStepsPerRun * retryRate }

    /// The job's monthly quantities under a provider's execution model (SPEC §4, README
    /// "Workload quantities"). With R runs, S steps, W sleeps, C = S − W compute steps, A active
    /// seconds per run and r = retry_rate:
    ///
    /// | quantity | `execution: steps` | `execution: runs` |
    /// |---|---|---|
    /// | runs | R | R |
    /// | run_attempts | R | R × (1 + C·r) |
    /// | steps | R × S | R × S |
    /// | step_attempts | R × S + R × C·r | R × S × (1 + C·r) |
    /// | sleeps | R × W | R × W |
    /// | compute_seconds | R × A × (1 + r) | R × A × (1 + C·r) |
    /// | gb_seconds | compute_seconds × memory_mb / 1024 | same |
    /// | events | R × events_per_run | same |
    /// | invocations | R + step_attempts | run_attempts |
    ///
    /// Under `runs` each failure re-runs the whole run and a failed attempt is billed as a full
    /// run (an upper bound: it may have failed part-way).
    /// - Complexity: O(1).
    public func quantities(execution: PricingFile.Execution) -> QuantitySet {
        // Zero fields are common (no sleeps, no retries, no events): skipping their
        // multiplications keeps a 10,000-job workload fast; the results are identical.
        let runs = runsPerMonth
        let retried = !retryRate.isZero
        let failures = retried ? failuresPerRun : 0
        let runSteps = runs * stepsPerRun
        let baseCompute = runs * activeSecondsPerRun
        var q = QuantitySet()
        q.runs = runs
        q.steps = runSteps
        if !sleepsPerRun.isZero { q.sleeps = runs * sleepsPerRun }
        if !eventsPerRun.isZero { q.events = runs * eventsPerRun }
        switch execution {
        case .steps:
            q.runAttempts = runs
            q.stepAttempts = retried ? runSteps + runs * failures : runSteps
            q.computeSeconds = retried ? baseCompute * (1 + retryRate) : baseCompute
            q.invocations = runs + q.stepAttempts
        case .runs:
            q.runAttempts = retried ? runs * (1 + failures) : runs
            q.stepAttempts = retried ? runSteps * (1 + failures) : runSteps
            q.computeSeconds = retried ? baseCompute * (1 + failures) : baseCompute
            q.invocations = q.runAttempts
        }
        // × 1/1024, written exactly as 0.0009765625: a multiplication is far cheaper than a division.
        q.gbSeconds = q.computeSeconds * ((memoryMB ?? Job.defaultMemoryMB) * Job.perMebibyteInGibibytes)
        return q
    }

}
