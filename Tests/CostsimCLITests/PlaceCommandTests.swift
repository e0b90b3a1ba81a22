import Foundation
import Testing

/// `costsim place` end to end: the JSON contract, CSV rows, options, and exit codes 0/64/65/66.
@Suite("costsim place")
struct PlaceCommandTests {
    static let article = ["place", "Fixtures/placement-article.yaml", "--catalog", "seed-2025-01"]

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result)")
        return try result.jsonObject()
    }

    @Test("JSON: monthly_cost, proven_optimal, assignments, best_single_provider, money as decimal strings")
    func jsonShape() throws {
        let object = try Self.json(Self.article)
        #expect(object["monthly_cost"] as? String == "440.61")
        #expect(object["proven_optimal"] as? Bool == true)
        let assignments = try #require(object["assignments"] as? [[String: Any]])
        #expect(assignments.map { "\($0["job"]!)=\($0["provider"]!)/\($0["plan"]!)" } == [
            "stripe-webhooks=inngest/startup", "github-webhooks=inngest/startup", "pdf-render=trigger-dev/pro",
            "crm-sync=inngest/startup", "nightly-batch=trigger-dev/pro",
        ])
        #expect(assignments[2]["adds"] as? String == "380.61")
        let single = try #require(object["best_single_provider"] as? [String: Any])
        #expect(single["provider"] as? String == "trigger-dev")
        #expect(single["plan"] as? String == "pro")
        #expect(single["monthly_cost"] as? String == "4955.81")
        let rule = try #require(object["rule_of_thumb"] as? [String: Any])
        #expect(rule["monthly_cost"] as? String == "469.81")
        #expect(rule["saving"] as? String == "29.20")
    }

    @Test("CSV: a header and one row per job, CRLF")
    func csvRows() throws {
        let result = try CLI.run(Self.article + ["--format", "csv"])
        #expect(result.status == 0, "\(result)")
        let rows = result.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 6)
        #expect(rows[0].hasPrefix("job,provider,plan,pinned,adds,next_best_provider,"))
        #expect(rows[3].hasPrefix("pdf-render,trigger-dev,pro,false,380.61,,,,inngest: pdf-render: 45 s step exceeds Vercel Hobby's 10 s limit,"))
    }

    @Test func maxProvidersAndPins() throws {
        let one = try Self.json(Self.article + ["--max-providers", "1"])
        #expect(one["monthly_cost"] as? String == "4955.81")
        #expect(one["max_providers"] as? Int == 1)
        let pinned = try Self.json(Self.article + ["--pin", "crm-sync=trigger-dev"])
        #expect(pinned["monthly_cost"] as? String == "469.81")
        let assignments = try #require(pinned["assignments"] as? [[String: Any]])
        #expect(assignments[3]["provider"] as? String == "trigger-dev")
        #expect(assignments[3]["pinned"] as? Bool == true)
    }

    @Test("--out-file writes the report; nothing on stdout")
    func outFile() throws {
        let folder = try TemporaryDirectory()
        let result = try CLI.run(Self.article + ["--format", "markdown", "--out-file", folder.path("place.md")])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "")
        let text = try String(contentsOfFile: folder.path("place.md"), encoding: .utf8)
        #expect(text.hasPrefix("### costsim place: placement-article\n"))
    }

    @Test("a job no provider can take: exit 65, the job and the limit on stderr, nothing on stdout")
    func infeasibleJobExits65() throws {
        let result = try CLI.run(Self.article + ["--provider", "inngest"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix(
            "Fixtures/placement-article.yaml:30: jobs[2]: no provider can take job 'pdf-render': inngest: pdf-render: 45 s step exceeds Vercel Hobby's 10 s limit\n"))
        #expect(result.stderr.hasSuffix("error: 2 problems found\n"))
    }

    @Test("a pin where the job cannot run: exit 65 naming the pin")
    func impossiblePinExits65() throws {
        let result = try CLI.run(Self.article + ["--pin", "pdf-render=inngest"])
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("job 'pdf-render' is pinned to inngest (--pin pdf-render=inngest), which cannot take it: pdf-render: 45 s step exceeds Vercel Hobby's 10 s limit"))
    }

    @Test("usage errors exit 64", arguments: [
        (["--pin", "pdf-render"], "--pin: expected JOB=PROVIDER, found 'pdf-render'"),
        (["--pin", "pdf-rendr=inngest"], "error: --pin pdf-rendr=inngest: no job named 'pdf-rendr' in Fixtures/placement-article.yaml\n  hint: did you mean 'pdf-render'?"),
        (["--max-providers", "0"], "--max-providers must be at least 1, found 0"),
        (["--provider", "inngst"], "error: unknown provider 'inngst' in catalog seed-2025-01"),
    ])
    func usageErrors(_ extra: [String], _ message: String) throws {
        let result = try CLI.run(Self.article + extra)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
    }

    @Test func missingWorkloadExits66() throws {
        let result = try CLI.run(["place", "Fixtures/no-such-file.yaml"])
        #expect(result.status == 66, "\(result)")
    }

    @Test func helpExplainsTheCommand() throws {
        let result = try CLI.run(["place", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--max-providers"))
        #expect(result.stdout.contains("--pin"))
    }
}
