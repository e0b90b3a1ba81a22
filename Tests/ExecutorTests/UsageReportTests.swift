import CostModel
import Foundation
import Testing
import Workload
@testable import Executor

/// Decimal equality by value (Foundation's `==` can miss equal values written with different
/// exponents on Linux).
func same(_ a: Decimal, _ b: Decimal) -> Bool { (a - b).isZero }

@Suite struct UsageReportTests {
    func ledger(_ job: String, status: RunStatus = .completed, steps: Int, attempts: Int, sleeps: Int = 0,
                computeMicros: Int64, succeededMicros: Int64, executions: Int = 1, at seconds: Double) -> RunLedger {
        RunLedger(runID: "run-\(seconds)", job: job, status: status, createdAt: Timestamp(seconds: seconds),
                  lastActivityAt: Timestamp(seconds: seconds + 1), executions: executions, activeMicroseconds: computeMicros,
                  computeSteps: steps, attempts: attempts, failedAttempts: attempts - steps, computeMicroseconds: computeMicros,
                  succeededMicroseconds: succeededMicros, succeededSteps: steps, sleeps: sleeps)
    }

    @Test func countsFollowTheWorkloadQuantities() {
        let report = UsageReport.make(ledger: [
            ledger("export", steps: 3, attempts: 3, sleeps: 1, computeMicros: 6_000_000, succeededMicros: 6_000_000, at: 0),
            ledger("export", steps: 3, attempts: 4, sleeps: 1, computeMicros: 8_000_000, succeededMicros: 6_000_000, executions: 2, at: 100),
            ledger("email", status: .failed, steps: 1, attempts: 3, computeMicros: 1_500_000, succeededMicros: 0, executions: 3, at: 50),
        ], database: "jobs.db")
        #expect(report.jobs.map(\.job) == ["email", "export"])
        let export = report.jobs[1].counts
        #expect(export.runs == 2 && export.steps == 8 && export.stepAttempts == 9 && export.retries == 1 && export.sleeps == 2)
        #expect(same(export.computeSeconds, 14) && export.replays == 1 && export.runAttempts == 3)
        #expect(same(export.runComputeSeconds, 18), "a retried run counts its successful work once more")
        let total = report.total
        #expect(total.runs == 3 && total.runsCompleted == 2 && total.runsFailed == 1)
        #expect(total.steps == 9 && total.stepAttempts == 12 && total.retries == 3)
        #expect(same(report.observedSeconds ?? 0, 101))
    }

    @Test func theObservedWorkloadLoadsAndScalesToAMonth() throws {
        let report = UsageReport.make(ledger: [
            ledger("export", steps: 3, attempts: 3, sleeps: 1, computeMicros: 6_000_000, succeededMicros: 6_000_000, at: 0),
            ledger("export", steps: 3, attempts: 4, sleeps: 1, computeMicros: 8_000_000, succeededMicros: 6_000_000, at: 3599),
        ], database: "jobs.db")
        let yaml = try #require(report.workloadYAML(name: "observed", observedSeconds: 3600))
        let workload = try Workload.parse(yaml, file: "observed.yaml")
        let job = try #require(workload.jobs.first)
        #expect(workload.name == "observed")
        #expect(same(job.runsPerMonth, 1460), "2 runs an hour × 730 hours")
        #expect(same(job.stepsPerRun, 4) && same(job.sleepsPerRun, 1))
        #expect(same(job.stepSeconds ?? 0, 2))
        #expect(same(job.retryRate, Decimal(string: "0.166667")!), "1 retry over 6 compute steps")
        // Estimate's quantities for the observed workload reproduce the observed counts, scaled.
        let quantities = job.quantities(execution: .steps)
        #expect(same(quantities.steps, 5840))
        #expect(same(quantities.sleeps, 1460))
    }

    @Test func unusualJobNamesAreQuoted() throws {
        let report = UsageReport.make(ledger: [ledger("weird: \"name\" #1", steps: 1, attempts: 1, computeMicros: 500_000, succeededMicros: 500_000, at: 0)],
                                      database: "a.db")
        let yaml = try #require(report.workloadYAML(name: "n: x"))
        let workload = try Workload.parse(yaml, file: "w.yaml")
        #expect(workload.name == "n: x" && workload.jobs.map(\.name) == ["weird: \"name\" #1"])
        #expect(UsageReport.make(ledger: [], database: "a.db").workloadYAML(name: "x") == nil)
    }
}
