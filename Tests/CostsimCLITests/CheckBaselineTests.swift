import Foundation
import Testing

/// `check --baseline FILE --max-increase AMOUNT|PCT%`: the baseline is a workload file or a
/// JSON report saved by `compare`/`check`.
///
/// Seed catalog: the seed article workload's cheapest plan is inngest/startup at $40.00; adding
/// a second job of 300,000 runs × 3 steps takes Inngest Startup to 1,200,000 steps,
/// 200,000 over the included million at $0.00004 = $8.00, so $48.00: +$8.00, +20%.
@Suite("check against a baseline")
struct CheckBaselineTests {
    static let seed = "Fixtures/seed-article.yaml"
    static let grown = """
        version: 1
        name: grown
        jobs:
          - name: high-frequency-job
            runs_per_month: 100000
            steps_per_run: 3
            step_seconds: 2
          - name: extra
            runs_per_month: 300000
            steps_per_run: 3
            step_seconds: 2
        """

    /// A scratch folder holding the grown workload and a saved JSON report of the seed workload.
    static func setUp() throws -> (TemporaryDirectory, grown: String, report: String) {
        let scratch = try TemporaryDirectory()
        let grown = try scratch.write("grown.yaml", Self.grown).path
        let saved = try CLI.run(["compare", seed, "--catalog", "seed-2025-01", "--format", "json", "--out-file", scratch.path("baseline.json")])
        try #require(saved.status == 0, "\(saved)")
        #expect(saved.stdout == "")
        return (scratch, grown, scratch.path("baseline.json"))
    }

    enum BaselineKind: String, CaseIterable, Sendable { case workload, report }

    static func baseline(_ kind: BaselineKind, report: String) -> String {
        kind == .workload ? seed : report
    }

    @Test("An unchanged workload passes 10%", arguments: BaselineKind.allCases)
    func unchangedPasses(_ kind: BaselineKind) throws {
        let (scratch, _, report) = try Self.setUp()
        _ = scratch
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01",
                                  "--baseline", Self.baseline(kind, report: report), "--max-increase", "10%"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        #expect(result.stdout.contains("check: passed\n"))
    }

    @Test("A 20% rise fails --max-increase 10%", arguments: BaselineKind.allCases)
    func riseFailsTenPercent(_ kind: BaselineKind) throws {
        let (scratch, grown, report) = try Self.setUp()
        _ = scratch
        let result = try CLI.run(["check", grown, "--catalog", "seed-2025-01",
                                  "--baseline", Self.baseline(kind, report: report), "--max-increase", "10%"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "check failed: the cheapest plan (inngest/startup) rose by 20.0% (from $40.00 to $48.00), more than the allowed 10%\n")
        #expect(result.stdout.contains("check: FAILED\n"))
    }

    @Test("A 20% rise passes --max-increase 25%", arguments: BaselineKind.allCases)
    func risePassesTwentyFivePercent(_ kind: BaselineKind) throws {
        let (scratch, grown, report) = try Self.setUp()
        _ = scratch
        let result = try CLI.run(["check", grown, "--catalog", "seed-2025-01",
                                  "--baseline", Self.baseline(kind, report: report), "--max-increase", "25%"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
    }

    @Test func exactlyAtTheLimitPasses() throws {
        let (scratch, grown, report) = try Self.setUp()
        _ = scratch
        let percent = try CLI.run(["check", grown, "--catalog", "seed-2025-01", "--baseline", report, "--max-increase", "20%"])
        #expect(percent.status == 0, "\(percent)")
        let amount = try CLI.run(["check", grown, "--catalog", "seed-2025-01", "--baseline", report, "--max-increase", "8"])
        #expect(amount.status == 0, "\(amount)")
    }

    @Test func amountIncrease() throws {
        let (scratch, grown, report) = try Self.setUp()
        _ = scratch
        let fail = try CLI.run(["check", grown, "--catalog", "seed-2025-01", "--baseline", report, "--max-increase", "$5"])
        #expect(fail.status == 1, "\(fail)")
        #expect(fail.stderr == "check failed: the cheapest plan (inngest/startup) rose by $8.00 (from $40.00 to $48.00), more than the allowed $5.00\n")
        let pass = try CLI.run(["check", grown, "--catalog", "seed-2025-01", "--baseline", report, "--max-increase", "10"])
        #expect(pass.status == 0, "\(pass)")
    }

    @Test func budgetAndIncreaseBothReportedInJSON() throws {
        let (scratch, grown, report) = try Self.setUp()
        _ = scratch
        let result = try CLI.run(["check", grown, "--catalog", "seed-2025-01", "--baseline", report,
                                  "--max-increase", "10%", "--budget", "45", "--format", "json"])
        #expect(result.status == 1, "\(result)")
        let object = try result.jsonObject()
        #expect(object["passed"] as? Bool == false)
        let violations = try #require(object["violations"] as? [[String: Any]])
        #expect(violations.map { $0["rule"] as? String } == ["budget", "max_increase"])
        #expect(violations.last?["actual"] as? String == "20.0%")
        let check = try #require(object["check"] as? [String: Any])
        #expect(check["baseline_cost"] as? String == "40.00")
        #expect(check["monthly_cost"] as? String == "48.00")
        // Both reasons on the one stderr line.
        #expect(result.stderr.lines.count == 1)
        #expect(result.stderr.contains("; "))
    }

    @Test func aSavedCheckReportIsAlsoABaseline() throws {
        let scratch = try TemporaryDirectory()
        let saved = scratch.path("check.json")
        let first = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--budget", "100", "--format", "json", "--out-file", saved])
        #expect(first.status == 0, "\(first)")
        let grown = try scratch.write("grown.yaml", Self.grown).path
        let result = try CLI.run(["check", grown, "--catalog", "seed-2025-01", "--baseline", saved, "--max-increase", "10%"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("from $40.00 to $48.00"))
    }

    @Test func baselineForANamedPlanUsesThatPlansCost() throws {
        let (scratch, grown, report) = try Self.setUp()
        _ = scratch
        // trigger-dev/pro: $2,000.00 -> 100 + 395,000 × 0.02 = $8,000.00: +300%.
        let result = try CLI.run(["check", grown, "--catalog", "seed-2025-01", "--plan", "trigger-dev/pro",
                                  "--baseline", report, "--max-increase", "10%"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "check failed: trigger-dev/pro rose by 300.0% (from $2,000.00 to $8,000.00), more than the allowed 10%\n")
    }
}
