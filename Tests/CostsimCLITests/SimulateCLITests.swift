import Foundation
import Testing

/// `costsim simulate` and `costsim workload generate` end to end: formats, determinism, exit codes.
@Suite("simulate and workload generate (CLI)")
struct SimulateCLITests {
    static let uncertain = "Fixtures/saas-uncertain.yaml"

    @Test("every format is written, and the same seed gives the same bytes", arguments: ["table", "json", "csv", "markdown"])
    func formatsAndDeterminism(_ format: String) throws {
        let arguments = ["simulate", Self.uncertain, "--trials", "1500", "--seed", "11", "--budget", "250", "--format", format]
        let first = try CLI.run(arguments)
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr == "", "no progress or noise when not on a terminal")
        let second = try CLI.run(arguments)
        #expect(Data(first.stdout.utf8) == Data(second.stdout.utf8))
        var other = arguments
        other[5] = "12"
        #expect(try CLI.run(other).stdout != first.stdout)
        switch format {
        case "json": #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) }
        case "csv": #expect(first.stdout.hasPrefix("provider,plan,mean,p50,p90,p95,p99,max,probability_over_budget,") && first.stdout.hasSuffix("\r\n"))
        case "markdown": #expect(first.stdout.hasPrefix("### costsim simulate: saas-uncertain\n"))
        default: #expect(first.stdout.hasPrefix("costsim simulate: saas-uncertain (Fixtures/saas-uncertain.yaml)\n"))
        }
    }

    @Test("the JSON has trials, seed and per provider mean, percentiles, max and the probability over budget, money as strings")
    func jsonShape() throws {
        let result = try CLI.run(["simulate", Self.uncertain, "--trials", "800", "--seed", "3", "--budget", "250", "--sensitivity", "--format", "json"])
        #expect(result.status == 0, "\(result)")
        let object = try result.jsonObject()
        #expect(object["trials"] as? Int == 800)
        #expect(object["seed"] as? Int == 3)
        #expect(object["budget"] as? String == "250.00")
        let providers = try #require(object["providers"] as? [[String: Any]])
        #expect(providers.map { $0["provider"] as? String } == ["inngest", "trigger-dev"])
        for provider in providers {
            for key in ["mean", "p50", "p90", "p95", "p99", "max"] {
                let money = try #require(provider[key] as? String, "\(key) is a decimal string")
                #expect(money.range(of: #"^\d+\.\d\d$"#, options: .regularExpression) != nil, "\(key): \(money)")
            }
            let probability = try #require(provider["probability_over_budget"] as? Double)
            #expect(probability >= 0 && probability <= 1)
            #expect(provider["plans"] is [[String: Any]])
        }
        let sensitivity = try #require(object["sensitivity"] as? [String: Any])
        let inputs = try #require(sensitivity["inputs"] as? [[String: Any]])
        #expect(inputs.first?["input"] as? String == "webhook-handler.runs_per_hour")
        #expect(inputs.count == 9)
    }

    @Test("a workload with fixed values: the simulated mean is compare's cost")
    func fixedEqualsCompare() throws {
        let simulate = try CLI.run(["simulate", "Fixtures/saas.yaml", "--trials", "50", "--format", "json"])
        let compare = try CLI.run(["compare", "Fixtures/saas.yaml", "--format", "json"])
        let simulated = try simulate.jsonObject()
        let compared = try compare.jsonObject()
        let perProvider = try #require(compared["cheapest_per_provider"] as? [[String: Any]])
        for (provider, expected) in zip(try #require(simulated["providers"] as? [[String: Any]]), perProvider) {
            #expect(provider["mean"] as? String == expected["monthly_cost"] as? String)
            #expect(provider["p99"] as? String == expected["monthly_cost"] as? String)
        }
    }

    @Test("bad options exit 64, bad files 65, missing files 66", arguments: [
        (["simulate", uncertain, "--trials", "0"], Int32(64), "--trials must be between 1 and 1,000,000, found 0"),
        (["simulate", uncertain, "--trials", "1000001"], Int32(64), "--trials must be between 1 and 1,000,000, found 1000001"),
        (["simulate", uncertain, "--trials", "many"], Int32(64), "many"),
        (["simulate", uncertain, "--seed", "-1"], Int32(64), "--seed"),
        (["simulate", uncertain, "--budget", "lots"], Int32(64), "--budget: expected an amount of money such as 500 or 1250.50, found 'lots'"),
        (["simulate", uncertain, "--provider", "nope"], Int32(64), "unknown provider 'nope'"),
        (["simulate", "Fixtures/invalid/workload-typos.yaml"], Int32(65), "runs_per_mnth"),
        (["simulate", "Fixtures/missing.yaml"], Int32(66), "Fixtures/missing.yaml: no such file"),
        (["workload", "generate", "--jobs", "0"], Int32(64), "--jobs must be between 1 and 10,000, found 0"),
        (["workload", "generate", "--scale", "0"], Int32(64), "--scale: expected a number above 0"),
        (["workload", "generate", "--profile", "spiky"], Int32(64), "spiky"),
        (["workload", "generate", "--platform", "vercel"], Int32(64), "--platform: expected provider/plan"),
    ])
    func errors(_ item: ([String], Int32, String)) throws {
        let result = try CLI.run(item.0)
        #expect(result.status == item.1, "\(result)")
        #expect(result.stderr.contains(item.2), "\(result)")
        #expect(result.stdout == "")
    }

    @Test("impossible distribution parameters are reported with file, line, key path and hint")
    func badDistribution() throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.write("bad.yaml", """
        version: 1
        name: bad
        jobs:
          - name: a
            runs_per_month: {dist: lognormal, median: 10, p95: 5}
            step_seconds: 1
        """)
        let result = try CLI.run(["simulate", file.path])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("bad.yaml:5:56: jobs[0].runs_per_month.p95: p95 (5) must be above the median (10)\n  hint: a lognormal's long tail lies above its median"))
    }

    @Test("workload generate writes a valid, seeded workload file", arguments: ["steady-saas", "bursty-webhooks", "nightly-batch", "heavy-tail"])
    func generate(_ profile: String) throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("generated.yaml")
        let arguments = ["workload", "generate", "--profile", profile, "--jobs", "6", "--seed", "5", "--scale", "10"]
        let written = try CLI.run(arguments + ["--out-file", path])
        #expect(written.status == 0, "\(written)")
        #expect(written.stdout == "")
        let printed = try CLI.run(arguments)
        #expect(printed.stdout == (try String(contentsOfFile: path, encoding: .utf8)))
        let validated = try CLI.run(["workload", "validate", path])
        #expect(validated.status == 0, "\(validated)")
        #expect(validated.stdout.contains(", 6 jobs"))
        let simulated = try CLI.run(["simulate", path, "--trials", "200"])
        #expect(simulated.status == 0, "\(simulated)")
    }
}
