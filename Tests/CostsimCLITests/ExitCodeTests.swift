import Foundation
import Testing

/// SPEC §6 exit codes: 0 success, 1 check threshold crossed, 64 usage, 65 invalid input,
/// 66 missing input. Errors go to stderr; nothing half-written goes to stdout.
@Suite("Exit codes and error messages")
struct ExitCodeTests {
    static let seed = "Fixtures/seed-article.yaml"

    // MARK: 0

    @Test func compareSucceeds() throws {
        let result = try CLI.run(["compare", Self.seed, "--catalog", "seed-2025-01"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        #expect(!result.stdout.isEmpty)
    }

    @Test func checkWithinBudgetSucceeds() throws {
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--budget", "40"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr == "")
        #expect(result.stdout.hasSuffix(
            "check: passed\nok: the cheapest plan (inngest/startup) costs $40.00/month, within the budget of $40.00\n"))
    }

    @Test("--help works on every command", arguments: [
        "--help", "compare --help", "estimate --help", "check --help", "pricing --help",
        "pricing list --help", "pricing show --help", "pricing validate --help", "workload validate --help",
    ])
    func helpOnEveryCommand(_ commandLine: String) throws {
        let result = try CLI.run(commandLine)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("USAGE:"))
    }

    // MARK: 1

    @Test func checkOverBudgetExitsOneWithTheReportAndAOneLineReason() throws {
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--budget", "10"])
        #expect(result.status == 1, "\(result)")
        // The report is still written, in full, to stdout.
        #expect(result.stdout.hasPrefix("costsim compare: seed-article (Fixtures/seed-article.yaml)\n"))
        #expect(result.stdout.contains("inngest      startup           $40.00  cheapest overall"))
        #expect(result.stdout.hasSuffix(
            "check: FAILED\nFAIL: the cheapest plan (inngest/startup) costs $40.00/month, over the budget of $10.00 by $30.00\n"))
        // stderr: exactly one line, starting "check failed:".
        #expect(result.stderr.lines.count == 1)
        #expect(result.stderr ==
            "check failed: the cheapest plan (inngest/startup) costs $40.00/month, over the budget of $10.00 by $30.00\n")
    }

    @Test("check over budget writes every format before exiting 1", arguments: ["table", "json", "csv", "markdown"])
    func checkFailureWritesEveryFormat(_ format: String) throws {
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--budget", "10", "--format", format])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("check failed: "))
        switch format {
        case "json":
            let object = try result.jsonObject()
            #expect(object["passed"] as? Bool == false)
            let violations = try #require(object["violations"] as? [[String: Any]])
            #expect(violations.count == 1)
            #expect(violations.first?["rule"] as? String == "budget")
            #expect(violations.first?["message"] as? String
                    == "the cheapest plan (inngest/startup) costs $40.00/month, over the budget of $10.00 by $30.00")
            #expect(object["cheapest"] != nil, "check's JSON embeds the comparison")
        case "csv":
            #expect(result.stdout == "rule,limit,actual,passed,message\r\n"
                    + "budget,10.00,40.00,false,\"the cheapest plan (inngest/startup) costs $40.00/month, over the budget of $10.00 by $30.00\"\r\n")
        case "markdown":
            #expect(result.stdout.hasPrefix("### costsim check: FAILED\n"))
        default:
            #expect(result.stdout.contains("check: FAILED"))
        }
    }

    /// SPEC §6: JSON money is a decimal string with two decimals, in `violations` too
    /// (they once read "$10.00"; the `check` object and the CSV report say 10.00).
    @Test
    func checkJSONViolationMoneyIsDecimalText() throws {
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--budget", "10", "--format", "json"])
        let object = try result.jsonObject()
        let violation = try #require((object["violations"] as? [[String: Any]])?.first)
        #expect(violation["limit"] as? String == "10.00")
        #expect(violation["actual"] as? String == "40.00")
    }

    @Test func checkOutFileIsWrittenBeforeTheFailingExit() throws {
        let scratch = try TemporaryDirectory()
        let outFile = scratch.path("report.json")
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--budget", "10",
                                  "--format", "json", "--out-file", outFile])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout == "", "the report goes to --out-file only")
        #expect(result.stderr.hasPrefix("check failed: "))
        let written = try #require(FileManager.default.contents(atPath: outFile), "--out-file was not written")
        let object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        #expect(object["passed"] as? Bool == false)
    }

    @Test func checkOnANamedPlan() throws {
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--plan", "trigger-dev/pro", "--budget", "1999.99"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "check failed: trigger-dev/pro costs $2,000.00/month, over the budget of $1,999.99 by $0.01\n")
    }

    // MARK: 64

    @Test func unknownOption() throws {
        let result = try CLI.run(["compare", Self.seed, "--bogus"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.contains("Unknown option '--bogus'"))
    }

    @Test func unknownCommand() throws {
        let result = try CLI.run(["comapre", Self.seed])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
    }

    @Test func badFormat() throws {
        let result = try CLI.run(["compare", Self.seed, "--format", "xml"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.contains("'xml'"))
        #expect(result.stderr.contains("'table', 'json', 'csv' or 'markdown'"))
    }

    @Test func budgetThatIsNotMoney() throws {
        let result = try CLI.run(["check", Self.seed, "--budget", "lots"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.contains("--budget: expected an amount of money such as 500 or 1250.50, found 'lots'"))
    }

    @Test func maxIncreaseThatIsNotAnAmount() throws {
        let result = try CLI.run(["check", Self.seed, "--baseline", Self.seed, "--max-increase", "ten%"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("--max-increase: expected an amount (200) or a percentage (10%), found 'ten%'"))
    }

    @Test func maxIncreaseWithoutBaseline() throws {
        let result = try CLI.run(["check", Self.seed, "--max-increase", "10%"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.contains("--max-increase needs --baseline FILE"))
    }

    @Test func checkWithoutAnyRule() throws {
        let result = try CLI.run(["check", Self.seed])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("--budget"))
    }

    @Test func unknownCatalog() throws {
        let result = try CLI.run(["compare", Self.seed, "--catalog", "seed-2024"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr == "error: unknown catalog 'seed-2024'\n  hint: did you mean 'seed-2025-01'?\n")
    }

    @Test func unknownPlanOfAKnownProvider() throws {
        let result = try CLI.run(["estimate", Self.seed, "--catalog", "seed-2025-01", "--plan", "inngest/startp"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr == "error: unknown plan 'startp' of inngest in catalog seed-2025-01\n  hint: did you mean 'startup'?\n")
    }

    @Test func unknownProviderInPlan() throws {
        let result = try CLI.run(["estimate", Self.seed, "--catalog", "seed-2025-01", "--plan", "ingest/startup"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr == "error: unknown provider 'ingest' in catalog seed-2025-01\n  hint: did you mean 'inngest'?\n")
    }

    @Test func unknownPlanInCheck() throws {
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--plan", "trigger-dev/prod", "--budget", "10"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.contains("unknown plan 'prod'"))
    }

    @Test func unknownProviderInPricingShow() throws {
        let result = try CLI.run(["pricing", "show", "trigger", "--catalog", "seed-2025-01"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("unknown provider 'trigger'"))
    }

    @Test func unwritableOutFile() throws {
        let result = try CLI.run(["compare", Self.seed, "--catalog", "seed-2025-01", "--out-file", "/nonexistent-dir/report.txt"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent-dir/report.txt"))
    }

    // MARK: 65

    @Test func workloadWithATypoKey() throws {
        let scratch = try TemporaryDirectory()
        try scratch.write("typo.yaml", """
            version: 1
            name: typo
            jobs:
              - name: export
                runs_per_month: 1000
                step_secnds: 2
            """)
        let result = try CLI.run(["compare", "typo.yaml"], in: scratch.url)
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr == """
            typo.yaml:6:5: jobs[0].step_secnds: unknown key 'step_secnds'
              hint: did you mean 'step_seconds'?
            error: 1 problem found

            """)
    }

    @Test func workloadWithATypoKeyGivenByAbsolutePath() throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.write("jobs.yaml", """
            version: 1
            name: typo
            jobs:
              - name: export
                runs_per_mnth: 1000
                step_seconds: 2
            """)
        let result = try CLI.run(["estimate", file.path, "--plan", "inngest/startup", "--catalog", "seed-2025-01"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("\(file.path):5:5: jobs[0].runs_per_mnth: unknown key 'runs_per_mnth'"))
        #expect(result.stderr.contains("hint: did you mean 'runs_per_month'?"))
    }

    @Test func workloadWithANonNumberNamesTheSpecsExample() throws {
        let scratch = try TemporaryDirectory()
        try scratch.write("jobs.yaml", """
            version: 1
            name: lots
            jobs:
              - name: a
                runs_per_month: 10
                step_seconds: 1
              - name: b
                runs_per_month: lots
                step_seconds: 1
            """)
        let result = try CLI.run(["compare", "jobs.yaml"], in: scratch.url)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasPrefix("jobs.yaml:8:21: jobs[1].runs_per_month: expected a number, found \"lots\"\n"))
        #expect(result.stderr.hasSuffix("error: 1 problem found\n"))
    }

    @Test func workloadThatIsNotYAML() throws {
        let scratch = try TemporaryDirectory()
        try scratch.write("broken.yaml", "version: 1\nname: [unclosed\njobs:\n")
        let result = try CLI.run(["compare", "broken.yaml"], in: scratch.url)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("broken.yaml:"))
    }

    @Test func workloadValidateReportsTheTypo() throws {
        let scratch = try TemporaryDirectory()
        try scratch.write("typo.yaml", """
            version: 1
            name: typo
            jobs:
              - name: export
                runs_per_month: 1000
                step_seconds: 2
                memroy_mb: 512
            """)
        let result = try CLI.run(["workload", "validate", "typo.yaml"], in: scratch.url)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("typo.yaml:7:5: jobs[0].memroy_mb: unknown key 'memroy_mb'"))
        #expect(result.stderr.contains("did you mean 'memory_mb'?"))
    }

    @Test func badPricingFolder() throws {
        let scratch = try TemporaryDirectory()
        try scratch.write("prices/acme/acme.yaml", """
            version: 1
            kind: provider
            provider: acme
            name: Acme
            catalog: acme
            effective: 2025-01-08
            source: "test"
            confidence: published
            currency: USD
            execution: steps
            runs_on: provider
            meters:
              steps: {steps: 1}
            plans:
              - name: basic
                monthly_fees: 40
                included: {steps: 1000}
                price: {steps: 0.001}
              - name: pro
                monthly_fee: forty
            """)
        let result = try CLI.run(["pricing", "validate", "prices"], in: scratch.url)
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout == "")
        let stderr = result.stderr
        #expect(stderr.contains("acme.yaml:16:5: plans[0].monthly_fees: unknown key 'monthly_fees'"), "\(result)")
        #expect(stderr.contains("did you mean 'monthly_fee'?"))
        #expect(stderr.contains("acme.yaml:20:18: plans[1].monthly_fee: expected a number, found \"forty\""), "\(result)")
    }

    @Test func goodPricingFolderValidates() throws {
        let result = try CLI.run(["pricing", "validate", "pricing"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("ok: "))
        #expect(result.stdout.contains("seed-2025-01"))
    }

    @Test func shippedCatalogValidates() throws {
        let result = try CLI.run(["pricing", "validate"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("ok: "))
    }

    @Test func baselineThatIsNotAReport() throws {
        let scratch = try TemporaryDirectory()
        let baseline = try scratch.write("baseline.json", "{}\n")
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01", "--baseline", baseline.path, "--max-increase", "10%"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("\(baseline.path): the report has no cheapest.monthly_cost"))
    }

    /// The shipped example of typical workload mistakes (README shows this output).
    @Test func shippedWorkloadTyposFixture() throws {
        let result = try CLI.run(["workload", "validate", "Fixtures/invalid/workload-typos.yaml"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr == """
            Fixtures/invalid/workload-typos.yaml:6:5: jobs[0].runs_per_mnth: unknown key 'runs_per_mnth'
              hint: did you mean 'runs_per_month'?
            Fixtures/invalid/workload-typos.yaml:10:21: jobs[1].runs_per_month: expected a number, found "lots"
              hint: write a plain number such as 20000, or a distribution such as {dist: poisson, mean: 3}
            Fixtures/invalid/workload-typos.yaml:12:21: jobs[1].sleeps_per_run: sleeps_per_run (3) exceeds steps_per_run (2)
              hint: sleeps are counted among the steps: steps_per_run includes them
            error: 3 problems found

            """)
    }

    /// The shipped example of typical pricing mistakes (README shows this output).
    @Test func shippedBrokenPricingFixture() throws {
        let result = try CLI.run(["pricing", "validate", "Fixtures/invalid/pricing"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout == "")
        let file = "Fixtures/invalid/pricing/broken/acme.yaml"
        #expect(result.stderr.contains("\(file):15:5: plans[0].monthly_fe: unknown key 'monthly_fe'\n  hint: did you mean 'monthly_fee'?\n"))
        #expect(result.stderr.contains("\(file):17:13: plans[0].price.step: unknown key 'step'\n  hint: did you mean 'steps'?\n"))
        #expect(result.stderr.contains("\(file):19:18: plans[1].monthly_fee: expected a number, found \"lots\"\n"))
        #expect(result.stderr.contains("\(file):22:46: plans[1].price.steps.tiers[1].up_to: tier bounds must increase: 1000 is not above 5000\n"))
        #expect(result.stderr.hasSuffix("error: 5 problems found\n"))
    }

    /// A broken file in a --pricing folder stops every pricing command, not just `validate`.
    @Test func brokenPricingFolderStopsCompare() throws {
        let result = try CLI.run(["compare", Self.seed, "--pricing", "Fixtures/invalid/pricing"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.contains("Fixtures/invalid/pricing/broken/acme.yaml:15:5: plans[0].monthly_fe"))
    }

    // MARK: 66

    @Test func missingWorkloadFile() throws {
        let result = try CLI.run(["compare", "Fixtures/no-such-workload.yaml"])
        #expect(result.status == 66, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr == "error: Fixtures/no-such-workload.yaml: no such file\n")
    }

    @Test func missingBaselineFile() throws {
        let result = try CLI.run(["check", Self.seed, "--catalog", "seed-2025-01",
                                  "--baseline", "Fixtures/no-such-baseline.json", "--max-increase", "10%"])
        #expect(result.status == 66, "\(result)")
        #expect(result.stderr.contains("Fixtures/no-such-baseline.json: no such file"))
    }
}
