import CostModel
import Foundation
import Testing
import Workload
@testable import Executor

/// `exec --workload`: what synthetic runs record agrees with what `estimate` predicts.
@Suite struct PredictionTests {
    func run(_ yaml: String, runs: Int, seed: UInt64 = 1) throws -> (Workload, UsageReport) {
        let workload = try Workload.parse(yaml, file: "w.yaml")
        let h = try Harness()
        let definitions = SyntheticWorkload(workload: workload, timeScale: 1, seed: seed, clock: h.clock).definitions()
        let executor = h.executor(definitions)
        for job in workload.jobs {
            for _ in 0..<runs { _ = try executor.enqueue(job: job.name) }
        }
        let summary = try executor.run()
        #expect(summary.failed.isEmpty)
        return (workload, try h.usage())
    }

    @Test func withoutRetriesObservedEqualsPredictedExactly() throws {
        let (workload, usage) = try run("""
            version: 1
            name: exact
            jobs:
              - {name: pdf, runs_per_month: 20000, steps_per_run: 4, sleeps_per_run: 1, step_seconds: 15}
              - {name: sync, runs_per_month: 730, steps_per_run: 5, run_seconds: 300}
            """, runs: 20)
        let check = PredictionCheck.make(workload: workload, usage: usage, timeScale: 1)
        #expect(check.lines.count == 12)
        for line in check.lines {
            #expect(same(line.observed, line.predicted), "\(line.job) \(line.quantity): observed \(line.observed), predicted \(line.predicted)")
        }
    }

    @Test func withRetriesObservedIsWithinStatisticalTolerance() throws {
        let (workload, usage) = try run("""
            version: 1
            name: flaky
            jobs:
              - {name: api, runs_per_month: 100000, steps_per_run: 3, step_seconds: 2, retry_rate: 0.1}
            """, runs: 300, seed: 42)
        let check = PredictionCheck.make(workload: workload, usage: usage, timeScale: 1)
        let observed = Dictionary(uniqueKeysWithValues: check.lines.map { ($0.quantity, $0) })
        #expect(same(observed["steps"]?.observed ?? 0, 3), "logical steps do not depend on retries")
        // 900 compute steps; retries per step are geometric with mean r = 0.1 and variance
        // r(1 + r) = 0.11, so the mean over 900 steps has sd ≈ 0.011; allow 4 sd.
        let attempts = try #require(observed["step_attempts"])
        let retryRate = (attempts.observed - 3) / 3
        #expect(abs(NSDecimalNumber(decimal: retryRate - 0.1).doubleValue) < 0.045, "seed 42: observed retry rate \(retryRate)")
        let compute = try #require(observed["compute_seconds"])
        #expect(abs(NSDecimalNumber(decimal: compute.observed / compute.predicted).doubleValue - 1) < 0.045)
    }

    @Test func fractionalShapesAverageOut() throws {
        let workload = try Workload.parse("version: 1\nname: f\njobs:\n  - {name: j, runs_per_month: 10, steps_per_run: 2.5, sleeps_per_run: 0.5, step_seconds: 1}\n", file: "w.yaml")
        let synthetic = SyntheticWorkload(workload: workload, timeScale: 0, seed: 3, clock: ManualClock())
        var steps = 0, sleeps = 0
        for index in 0..<2000 {
            let plan = synthetic.plan(for: workload.jobs[0], runID: "run-\(index)")
            #expect(plan.computeSteps + plan.sleeps >= 2 && plan.computeSteps + plan.sleeps <= 3)
            steps += plan.computeSteps + plan.sleeps
            sleeps += plan.sleeps
        }
        #expect(abs(Double(steps) / 2000 - 2.5) < 0.05 && abs(Double(sleeps) / 2000 - 0.5) < 0.05)
    }
}
