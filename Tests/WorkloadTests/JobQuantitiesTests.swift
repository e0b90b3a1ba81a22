import CostModel
import Foundation
import Testing
@testable import Workload

private typealias F = WorkloadFixture

/// Pins the table in the doc comment of `Job.quantities(execution:)`: R runs, S steps, W sleeps,
/// C = S − W compute steps, A active seconds per run, r = retry_rate.
@Suite("Job quantities under steps and runs execution")
struct JobQuantitiesTests {
    private func job(runs: Decimal = 1000, steps: Decimal = 4, sleeps: Decimal = 1, stepSeconds: Decimal? = 2,
                     runSeconds: Decimal? = nil, memory: Decimal? = 512, retry: Decimal = 0, events: Decimal = 2) -> Job {
        Job(name: "j", volume: .perMonth(runs), runsPerMonth: runs, stepsPerRun: steps, sleepsPerRun: sleeps,
            stepSeconds: stepSeconds, runSeconds: runSeconds, memoryMB: memory, retryRate: retry, eventsPerRun: events)
    }

    /// Every quantity, in `Quantity.allCases` order.
    private func all(_ q: QuantitySet) -> [Quantity: Decimal] {
        Dictionary(uniqueKeysWithValues: Quantity.allCases.map { ($0, q[$0]) })
    }

    @Test("steps execution, no retries: R, R, R·S, R·S, R·W, R·A, GB-s, R·events, R + step_attempts")
    func stepsNoRetry() {
        // R = 1000, S = 4, W = 1, C = 3, d = 2 → A = 6.
        let q = job().quantities(execution: .steps)
        #expect(all(q) == [
            .runs: 1000, .runAttempts: 1000, .steps: 4000, .stepAttempts: 4000, .sleeps: 1000,
            .computeSeconds: 6000, .gbSeconds: 3000, .events: 2000, .invocations: 5000,
        ])
    }

    @Test("runs execution, no retries: identical to steps except invocations = run_attempts")
    func runsNoRetry() {
        let q = job().quantities(execution: .runs)
        #expect(all(q) == [
            .runs: 1000, .runAttempts: 1000, .steps: 4000, .stepAttempts: 4000, .sleeps: 1000,
            .computeSeconds: 6000, .gbSeconds: 3000, .events: 2000, .invocations: 1000,
        ])
    }

    @Test("steps execution with retry_rate: a failure re-runs one compute step")
    func stepsWithRetry() {
        // r = 0.1, C·r = 0.3 failures per run.
        let j = job(retry: F.d("0.1"))
        #expect(j.failuresPerRun == F.d("0.3"))
        let q = j.quantities(execution: .steps)
        #expect(all(q) == [
            .runs: 1000, .runAttempts: 1000, .steps: 4000,
            .stepAttempts: 4300,            // R·S + R·C·r
            .sleeps: 1000,
            .computeSeconds: 6600,          // R·A·(1 + r)
            .gbSeconds: 3300,               // × 512 / 1024
            .events: 2000,
            .invocations: 5300,             // R + step_attempts
        ])
    }

    @Test("runs execution with retry_rate: a failure re-runs the whole run")
    func runsWithRetry() {
        let q = job(retry: F.d("0.1")).quantities(execution: .runs)
        #expect(all(q) == [
            .runs: 1000,
            .runAttempts: 1300,             // R·(1 + C·r)
            .steps: 4000,
            .stepAttempts: 5200,            // R·S·(1 + C·r)
            .sleeps: 1000,
            .computeSeconds: 7800,          // R·A·(1 + C·r)
            .gbSeconds: 3900,
            .events: 2000,
            .invocations: 1300,             // run_attempts
        ])
    }

    @Test("run_seconds is the run's active time, whatever the step count")
    func runSeconds() {
        let j = job(steps: 3, sleeps: 0, stepSeconds: nil, runSeconds: 45, memory: nil, events: 0)
        #expect(j.activeSecondsPerRun == 45)
        #expect(j.quantities(execution: .steps)[.computeSeconds] == 45000)
        #expect(j.quantities(execution: .runs)[.computeSeconds] == 45000)

        let retried = job(steps: 3, sleeps: 0, stepSeconds: nil, runSeconds: 45, memory: nil, retry: F.d("0.02"), events: 0)
        #expect(retried.quantities(execution: .steps)[.computeSeconds] == 45900)   // 45,000 × 1.02
        #expect(retried.quantities(execution: .runs)[.computeSeconds] == 47700)    // 45,000 × 1.06
        #expect(retried.quantities(execution: .runs)[.runAttempts] == 1060)
        #expect(retried.quantities(execution: .steps)[.stepAttempts] == 3060)
    }

    @Test("sleeps count as steps but not as compute")
    func sleeps() {
        let j = job(steps: 3, sleeps: 1, stepSeconds: 2, memory: nil, events: 0)
        let q = j.quantities(execution: .steps)
        #expect(q[.steps] == 3000)
        #expect(q[.sleeps] == 1000)
        #expect(q[.computeSeconds] == 4000)        // 2 compute steps × 2 s
        #expect(j.computeStepsPerRun == 2)
        // Retries happen only to compute steps.
        let retried = job(steps: 3, sleeps: 1, stepSeconds: 2, memory: nil, retry: F.d("0.5"), events: 0)
        #expect(retried.failuresPerRun == 1)
        #expect(retried.quantities(execution: .steps)[.stepAttempts] == 4000)
        #expect(retried.quantities(execution: .runs)[.stepAttempts] == 6000)
    }

    @Test("gb_seconds = compute_seconds × memory_mb / 1024, defaulting to 1024 MB")
    func gbSeconds() {
        let withMemory = job(memory: 2048).quantities(execution: .steps)
        #expect(withMemory[.gbSeconds] == 12000)
        let without = job(memory: nil).quantities(execution: .steps)
        #expect(without[.gbSeconds] == without[.computeSeconds])
        #expect(without[.gbSeconds] == 6000)
        let odd = job(memory: 1000).quantities(execution: .runs)
        #expect(odd[.gbSeconds] == Decimal(6000) * 1000 / 1024)
        #expect(odd[.gbSeconds] == F.d("5859.375"))
    }

    @Test("seed article: 3 steps × 100,000 runs = 300,000 steps")
    func seedSteps() {
        let j = Job(name: "seed", volume: .perMonth(100_000), runsPerMonth: 100_000, stepsPerRun: 3, stepSeconds: 2)
        #expect(j.quantities(execution: .steps)[.steps] == 300_000)
        #expect(j.quantities(execution: .runs)[.runs] == 100_000)
    }

    @Test("seed article: 1 million steps is 250,000–500,000 runs of 4–2 steps")
    func millionSteps() {
        let four = Job(name: "a", volume: .perMonth(250_000), runsPerMonth: 250_000, stepsPerRun: 4, stepSeconds: 1)
        let two = Job(name: "b", volume: .perMonth(500_000), runsPerMonth: 500_000, stepsPerRun: 2, stepSeconds: 1)
        #expect(four.quantities(execution: .steps)[.steps] == 1_000_000)
        #expect(two.quantities(execution: .steps)[.steps] == 1_000_000)
    }

    @Test("quantities from a parsed file follow the fractional runs exactly")
    func parsedFraction() throws {
        let workload = try F.parse(F.oneJob("runs_per_day: 10\nsteps_per_run: 3\nstep_seconds: 2"))
        let q = workload.jobs[0].quantities(execution: .steps)
        let runs = Decimal(10) * 730 / 24
        #expect(q[.runs] == runs)
        #expect(q[.steps] == runs * 3)
        #expect(q[.computeSeconds] == runs * 6)
    }

    @Test("zero runs give zero of everything")
    func zeroRuns() {
        let q = job(runs: 0, retry: F.d("0.2")).quantities(execution: .runs)
        #expect(q == QuantitySet())
    }

    @Test("QuantitySet adds element-wise and starts at zero")
    func quantitySetSum() {
        let a = job().quantities(execution: .steps)
        let b = job(runs: 10, steps: 1, sleeps: 0, stepSeconds: 1, memory: nil, events: 0).quantities(execution: .steps)
        let sum = a + b
        for quantity in Quantity.allCases {
            #expect(sum[quantity] == a[quantity] + b[quantity], "\(quantity)")
        }
        #expect(Quantity.allCases.allSatisfy { QuantitySet()[$0] == 0 })
        var set = QuantitySet()
        for (index, quantity) in Quantity.allCases.enumerated() { set[quantity] = Decimal(index + 1) }
        #expect(Quantity.allCases.enumerated().allSatisfy { set[$0.element] == Decimal($0.offset + 1) })
        var accumulated = a
        accumulated += b
        #expect(accumulated == sum)
    }
}
