import Foundation
import Testing

extension Golden {
    /// `breakeven` and `sweep` goldens: reports in every format, and SVG charts (`--chart -`
    /// writes the chart to standard output) for two fixtures, byte for byte.
    static let breakevenGoldens: [Golden] = {
        let seed = ["Fixtures/seed-article.yaml", "--catalog", "seed-2025-01"]
        var goldens: [Golden] = []
        for format in formats {
            goldens.append(Golden(fixture: "seed-article", command: "breakeven-runs", format: format,
                                  arguments: ["breakeven"] + seed + ["--axis", "runs", "--between", "inngest/startup", "trigger-dev/startup",
                                                                     "--format", format]))
            goldens.append(Golden(fixture: "seed-article", command: "breakeven-steps", format: format,
                                  arguments: ["breakeven"] + seed + ["--axis", "steps", "--format", format]))
            goldens.append(Golden(fixture: "seed-article", command: "sweep-runs", format: format,
                                  arguments: ["sweep"] + seed + ["--axis", "runs", "--from", "0", "--to", "5000", "--points", "11",
                                                                 "--format", format]))
            goldens.append(Golden(fixture: "pdf-generation", command: "breakeven-duration", format: format,
                                  arguments: ["breakeven", "Fixtures/pdf-generation.yaml", "--catalog", "seed-2025-01",
                                              "--axis", "duration", "--format", format]))
        }
        goldens.append(Golden(fixture: "seed-article", command: "breakeven-runs-chart", format: "svg",
                              arguments: ["breakeven"] + seed + ["--axis", "runs", "--between", "inngest/startup", "trigger-dev/startup",
                                                                 "--to", "2000", "--chart", "-"]))
        goldens.append(Golden(fixture: "seed-article", command: "sweep-runs-log-chart", format: "svg",
                              arguments: ["sweep"] + seed + ["--axis", "runs", "--from", "1", "--to", "10000000", "--log", "--chart", "-"]))
        goldens.append(Golden(fixture: "pdf-generation", command: "breakeven-duration-chart", format: "svg",
                              arguments: ["breakeven", "Fixtures/pdf-generation.yaml", "--catalog", "seed-2025-01",
                                          "--axis", "duration", "--chart", "-"]))
        return goldens
    }()
}

/// `costsim breakeven` and `costsim sweep` end to end: the seed article's breakevens, the JSON
/// and CSV contracts, charts, and every usage error word for word with its exit code.
@Suite("breakeven and sweep commands")
struct BreakevenCLITests {
    static let seed = ["Fixtures/seed-article.yaml", "--catalog", "seed-2025-01"]

    func json(_ result: CLI.Result) throws -> [String: Any] {
        try result.jsonObject()
    }

    @Test("seed: Trigger.dev Startup is cheaper than Inngest Startup below 1,000 runs/month, dearer above")
    func seedRuns() throws {
        let result = try CLI.run(["breakeven"] + Self.seed + ["--axis", "runs", "--between", "inngest/startup", "trigger-dev/startup"])
        #expect(result.status == 0 && result.stderr == "", "\(result)")
        #expect(result.stdout.contains("  from 0 to 1,000 runs/month: trigger-dev/startup cheapest\n"))
        #expect(result.stdout.contains("  from 1,000 to 100,000,000 runs/month: inngest/startup cheapest\n"))
        #expect(result.stdout.contains("          1,000  trigger-dev/startup  inngest/startup      $40.00      $40.00  costs cross\n"))
    }

    @Test("JSON: axis, points with both options and costs, intervals with the cheapest option")
    func jsonShape() throws {
        let result = try CLI.run(["breakeven"] + Self.seed + ["--axis", "steps", "--between", "inngest/startup", "trigger-dev/startup",
                                                              "--format", "json"])
        #expect(result.status == 0, "\(result)")
        let object = try json(result)
        #expect(object["axis"] as? String == "steps")
        let points = try #require(object["points"] as? [[String: Any]])
        #expect(points.count == 1)
        #expect(points[0]["at"] as? Int == 1000)
        #expect(points[0]["below"] as? String == "inngest/startup" && points[0]["above"] as? String == "trigger-dev/startup")
        #expect(points[0]["cost_below"] as? String == "4000.00" && points[0]["cost_above"] as? String == "4000.00")
        let intervals = try #require(object["intervals"] as? [[String: Any]])
        #expect(intervals.count == 2)
        #expect(intervals[0]["from"] as? Int == 1 && intervals[0]["to"] as? Int == 1000)
        #expect(intervals[0]["cheapest"] as? String == "inngest/startup")
        #expect(intervals[1]["cheapest"] as? String == "trigger-dev/startup")
        #expect(object["infeasible"] as? [Any] != nil && object["options"] as? [String] == ["inngest/startup", "trigger-dev/startup"])
    }

    @Test("sweep CSV: one row per value, one column per option, then the cheapest")
    func sweepCSV() throws {
        let result = try CLI.run(["sweep"] + Self.seed + ["--axis", "runs", "--from", "0", "--to", "2000", "--points", "5", "--format", "csv"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == """
            runs_per_month,inngest,trigger-dev,cheapest\r
            0,40.00,20.00,trigger-dev\r
            500,40.00,20.00,trigger-dev\r
            1000,40.00,40.00,inngest\r
            1500,40.00,60.00,inngest\r
            2000,40.00,80.00,inngest\r

            """)
    }

    @Test("sweep JSON: each value with every option's cost and plan")
    func sweepJSON() throws {
        let result = try CLI.run(["sweep"] + Self.seed + ["--axis", "steps", "--from", "1", "--to", "2001", "--points", "3", "--format", "json"])
        let object = try json(result)
        let points = try #require(object["points"] as? [[String: Any]])
        #expect(points.map { $0["at"] as? Int } == [1, 1001, 2001])
        let costs = try #require(points[1]["costs"] as? [String: Any])
        #expect(costs["inngest"] as? String == "3503.50" && costs["trigger-dev"] as? String == "2000.00")
        #expect((points[1]["plans"] as? [String: Any])?["inngest"] as? String == "team")
        #expect(points[1]["cheapest"] as? String == "trigger-dev")
        #expect((object["breakeven"] as? [[String: Any]])?.first?["at"] as? Int == 572)
    }

    @Test("--chart writes a self-contained SVG file beside the report")
    func chartFile() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("steps.svg")
        let result = try CLI.run(["breakeven"] + Self.seed + ["--axis", "steps", "--chart", path])
        #expect(result.status == 0 && result.stdout.hasPrefix("costsim breakeven: seed-article"), "\(result)")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains(">572</text>"))
        // '-' puts the chart on stdout and the report only in --out-file.
        let report = folder.path("report.txt")
        let piped = try CLI.run(["sweep"] + Self.seed + ["--axis", "runs", "--from", "0", "--to", "10", "--chart", "-", "--out-file", report])
        #expect(piped.stdout.hasPrefix("<svg"))
        #expect(try String(contentsOfFile: report, encoding: .utf8).hasPrefix("costsim sweep: seed-article"))
    }

    @Test("usage errors exit 64 with a clear message", arguments: [
        (["breakeven", "Fixtures/seed-article.yaml", "--axis", "runs", "--job", "high-frequncy-job"],
         "error: unknown job 'high-frequncy-job' in Fixtures/seed-article.yaml\n  hint: did you mean 'high-frequency-job'?\n"),
        (["breakeven", "Fixtures/seed-article.yaml", "--catalog", "seed-2025-01", "--axis", "runs", "--between", "inngest/startp", "trigger-dev"],
         "error: unknown plan 'startp' of inngest in catalog seed-2025-01\n  hint: did you mean 'startup'?\n"),
        (["breakeven", "Fixtures/seed-article.yaml", "--axis", "runs", "--option", "ingest"],
         "error: unknown provider 'ingest' in catalog current-2026-11\n  hint: did you mean 'inngest'?\n"),
        (["breakeven", "Fixtures/seed-article.yaml", "--catalog", "seed-2025-01", "--axis", "runs", "--option", "inngest/enterprise"],
         "error: inngest/enterprise is a custom plan (contact sales): it has no price to compare\n  hint: compare the provider (inngest) or another of its plans: inngest/free, inngest/startup, inngest/team\n"),
        (["breakeven", "Fixtures/seed-article.yaml", "--axis", "runs", "--from", "10", "--to", "5"],
         "error: empty range: --from 10 is not below --to 5\n  hint: give --from below --to\n"),
        (["breakeven", "Fixtures/seed-article.yaml", "--axis", "runs", "--from", "0.5"],
         "error: --from 0.5: the runs axis counts whole runs, so the range must be whole numbers\n  hint: e.g. --from 0\n"),
        (["breakeven", "Fixtures/seed-article.yaml", "--axis", "steps", "--from", "0"],
         "error: --from 0: the steps axis starts at 1 (a run has at least one step, and its sleeps count among its steps)\n  hint: use --from 1 or more\n"),
        (["sweep", "Fixtures/seed-article.yaml", "--axis", "runs", "--from", "0", "--to", "10", "--log"],
         "error: --log needs --from above 0 (a logarithmic axis never reaches 0), found --from 0\n  hint: e.g. --from 1\n"),
        (["sweep", "Fixtures/seed-article.yaml", "--axis", "runs", "--from", "0", "--to", "10", "--points", "1"],
         "error: --points 1: a sweep visits between 2 and 10,000 points\n  hint: e.g. --points 21\n"),
    ] as [([String], String)])
    func usageErrors(_ arguments: [String], _ message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr == message)
        #expect(result.stdout == "")
    }

    @Test("argument errors (bad axis, --between with one option, a non-number) exit 64 naming the option", arguments: [
        (["breakeven", "Fixtures/seed-article.yaml", "--axis", "speed"],
         "Error: The value 'speed' is invalid for '--axis <axis>'. Please provide one of 'runs', 'steps', 'duration', 'memory' or 'scale'."),
        (["breakeven", "Fixtures/seed-article.yaml", "--axis", "runs", "--between", "inngest"],
         "Error: --between takes exactly two options (provider or provider/plan), found 1: inngest"),
        (["sweep", "Fixtures/seed-article.yaml", "--axis", "runs", "--from", "abc", "--to", "10"],
         "Error: --from: expected a number such as 1000 or 2.5, found 'abc'"),
        (["sweep", "Fixtures/seed-article.yaml", "--axis", "runs", "--to", "10"],
         "Error: Missing expected argument '--from <value>'"),
    ] as [([String], String)])
    func argumentErrors(_ arguments: [String], _ firstLine: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.lines.first.map(String.init) == firstLine)
    }

    @Test("a missing workload exits 66, an invalid one 65")
    func inputErrors() throws {
        let missing = try CLI.run(["breakeven", "Fixtures/nope.yaml", "--axis", "runs"])
        #expect(missing.status == 66 && missing.stderr == "error: Fixtures/nope.yaml: no such file\n", "\(missing)")
        let invalid = try CLI.run(["sweep", "Fixtures/invalid/workload-typos.yaml", "--axis", "runs", "--from", "0", "--to", "9"])
        #expect(invalid.status == 65, "\(invalid)")
        #expect(invalid.stderr.hasSuffix("error: 3 problems found\n"))
    }

    @Test("--help explains both commands", arguments: ["breakeven --help", "sweep --help"])
    func help(_ commandLine: String) throws {
        let result = try CLI.run(commandLine)
        #expect(result.status == 0 && result.stdout.contains("USAGE:") && result.stdout.contains("--axis <axis>"))
    }
}
