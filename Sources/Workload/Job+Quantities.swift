import CostModel
import Foundation

/// A job's (or a workload's) monthly quantities, from which meters are built.
public struct QuantitySet: Sendable, Equatable {
    public var values: [Decimal]

    public init() {
        values = Array(repeating: 0, count: Quantity.allCases.count)
    }

    public subscript(quantity: Quantity) -> Decimal {
        get { values[Self.index(quantity)] }
        set { values[Self.index(quantity)] = newValue }
    }

    static func index(_ quantity: Quantity) -> Int {
        switch quantity {
        case .runs: 0
        case .runAttempts: 1
        case .steps: 2
        case .stepAttempts: 3
        case .sleeps: 4
        case .computeSeconds: 5
        case .gbSeconds: 6
        case .events: 7
        case .invocations: 8
        }
    }

    public static func + (lhs: QuantitySet, rhs: QuantitySet) -> QuantitySet {
        var sum = lhs
        for i in sum.values.indices { sum.values[i] += rhs.values[i] }
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
        let runs = runsPerMonth
        let failures = failuresPerRun
        var q = QuantitySet()
        q[.runs] = runs
        q[.steps] = runs * stepsPerRun
        q[.sleeps] = runs * sleepsPerRun
        q[.events] = runs * eventsPerRun
        switch execution {
        case .steps:
            q[.runAttempts] = runs
            q[.stepAttempts] = runs * stepsPerRun + runs * failures
            q[.computeSeconds] = runs * activeSecondsPerRun * (1 + retryRate)
            q[.invocations] = runs + q[.stepAttempts]
        case .runs:
            q[.runAttempts] = runs * (1 + failures)
            q[.stepAttempts] = runs * stepsPerRun * (1 + failures)
            q[.computeSeconds] = runs * activeSecondsPerRun * (1 + failures)
            q[.invocations] = q[.runAttempts]
        }
        q[.gbSeconds] = q[.computeSeconds] * (memoryMB ?? Job.defaultMemoryMB) / 1024
        return q
    }
}
