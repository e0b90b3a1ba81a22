// Golden-file tests: every report of the built `costsim` binary, byte for byte (STYLE rule 9).
//
// Each case runs the binary from the package root and compares its stdout with
// Fixtures/expected/<fixture>/<command>.<ext> (txt = table, json, csv, md = markdown).
// A missing golden FAILS the test. To (re)generate the goldens after an intended change:
//
//     COSTSIM_UPDATE_GOLDENS=1 swift test --filter CostsimCLITests.GoldenTests
//
// then review the diff (`git diff Fixtures/expected`) as a user would before committing.
// Goldens priced with the default catalog (`saas/compare.*`, `pricing/*`) change whenever the
// shipped prices do; that is intended: a price change must show up in review.

import Foundation
import Testing

/// One golden: a command line and the file holding its expected stdout.
struct Golden: Sendable, CustomTestStringConvertible {
    /// Folder under Fixtures/expected: the fixture's name, or `pricing`.
    var fixture: String
    /// File name without extension, e.g. `compare` or `estimate-trigger-dev-pro`.
    var command: String
    var format: String
    var arguments: [String]
    /// The exit status the command must end with (1 for a failing `check`).
    var status: Int32 = 0

    var fileExtension: String {
        switch format {
        case "table": return "txt"
        case "markdown": return "md"
        default: return format
        }
    }

    /// Relative to the package root.
    var path: String { "Fixtures/expected/\(fixture)/\(command).\(fileExtension)" }

    var testDescription: String { path }

    static let formats = ["table", "json", "csv", "markdown"]

    static func compare(_ fixture: String, catalog: String?, name: String = "compare") -> [Golden] {
        formats.map { format in
            var arguments = ["compare", "Fixtures/\(fixture).yaml"]
            if let catalog { arguments += ["--catalog", catalog] }
            return Golden(fixture: fixture, command: name, format: format, arguments: arguments + ["--format", format])
        }
    }

    static func estimate(_ fixture: String, plan: String, explain: Bool) -> [Golden] {
        formats.map { format in
            let name = "estimate-" + plan.replacingOccurrences(of: "/", with: "-") + (explain ? "-explain" : "")
            return Golden(fixture: fixture, command: name, format: format,
                          arguments: ["estimate", "Fixtures/\(fixture).yaml", "--catalog", "seed-2025-01", "--plan", plan]
                              + (explain ? ["--explain"] : []) + ["--format", format])
        }
    }

    /// `check` over budget: the report is a golden too, and the exit status is 1.
    static func check(_ fixture: String, budget: String) -> [Golden] {
        formats.map { format in
            Golden(fixture: fixture, command: "check-budget-\(budget)", format: format,
                   arguments: ["check", "Fixtures/\(fixture).yaml", "--catalog", "seed-2025-01", "--budget", budget, "--format", format],
                   status: 1)
        }
    }

    /// `costsim place`: the optimal placement and its explanation.
    static func place(_ fixture: String, catalog: String) -> [Golden] {
        formats.map { format in
            Golden(fixture: fixture, command: "place", format: format,
                   arguments: ["place", "Fixtures/\(fixture).yaml", "--catalog", catalog, "--format", format])
        }
    }

    static func pricing(_ name: String, _ arguments: [String]) -> [Golden] {
        formats.map { Golden(fixture: "pricing", command: name, format: $0, arguments: ["pricing"] + arguments + ["--format", $0]) }
    }

    static let all: [Golden] =
        compare("seed-article", catalog: "seed-2025-01")
        + compare("pdf-generation", catalog: "seed-2025-01")
        + compare("data-sync", catalog: "seed-2025-01")
        + compare("batch-email", catalog: "seed-2025-01")
        + compare("saas", catalog: nil)
        + compare("saas", catalog: "seed-2025-01", name: "compare-seed-2025-01")
        + estimate("seed-article", plan: "inngest/startup", explain: true)
        + estimate("seed-article", plan: "trigger-dev/pro", explain: false)
        + check("seed-article", budget: "10")
        + breakevenGoldens
        + place("placement-article", catalog: "seed-2025-01")
        + simulateGoldens
        + pricing("list", ["list"])
        + pricing("show-trigger-dev", ["show", "trigger-dev"])
}

@Suite("Golden files")
struct GoldenTests {
    static var updating: Bool { ProcessInfo.processInfo.environment["COSTSIM_UPDATE_GOLDENS"] == "1" }

    @Test("Output matches its golden file", arguments: Golden.all)
    func matchesGolden(_ golden: Golden) throws {
        let result = try CLI.run(golden.arguments)
        #expect(result.status == golden.status, "\(result)")
        if golden.status == 0 {
            #expect(result.stderr == "", "\(result)")
        } else {
            #expect(result.stderr.hasPrefix("check failed: "), "\(result)")
        }

        try Self.verify(result.stdout, golden)
    }

    /// Compares `output` with `golden`'s file, byte for byte; with COSTSIM_UPDATE_GOLDENS=1,
    /// writes it instead. A missing golden fails.
    static func verify(_ output: String, _ golden: Golden) throws {
        let url = CLI.packageRoot.appendingPathComponent(golden.path)
        if updating {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(output.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let message = "missing golden \(golden.path) for `costsim \(golden.arguments.joined(separator: " "))`; "
                + "generate it with COSTSIM_UPDATE_GOLDENS=1 swift test --filter CostsimCLITests, then review it"
            Issue.record(Comment(rawValue: message))
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if output != expected {
            let message = "`costsim \(golden.arguments.joined(separator: " "))` differs from \(golden.path): "
                + firstDifference(expected: expected, actual: output)
                + "\n(rerun with COSTSIM_UPDATE_GOLDENS=1 if the change is intended, and review the diff)"
            Issue.record(Comment(rawValue: message))
        }
    }

    /// `exec --workload` and `usage` on a virtual clock (`COSTSIM_CLOCK`): synthetic step
    /// durations are exact, so both reports are the same bytes every time. The workload is the
    /// SaaS fixture: seven jobs, one with a durable sleep, one with retries (seed 2 draws one).
    /// Both run in a scratch folder holding a copy of the fixture.
    static let executorGoldens: [(exec: Golden, usage: Golden)] = Golden.formats.map { format in
        (Golden(fixture: "executor", command: "exec-saas", format: format,
                arguments: ["exec", "--workload", "saas.yaml", "--runs", "3", "--time-scale", "0.001", "--seed", "2",
                            "--db", "ledger.db", "--format", format]),
         Golden(fixture: "executor", command: "usage-saas", format: format,
                arguments: ["usage", "--db", "ledger.db", "--format", format]))
    }

    @Test("exec and usage match their goldens on a virtual clock", arguments: executorGoldens.map(\.exec.format))
    func executorReportsMatchGoldens(_ format: String) throws {
        let golden = Self.executorGoldens.first { $0.exec.format == format }!
        let scratch = try TemporaryDirectory()
        try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("saas.yaml"),
                                         to: scratch.url.appendingPathComponent("saas.yaml"))
        let exec = try CLI.run(golden.exec.arguments, in: scratch.url, environment: ["COSTSIM_CLOCK": "manual:1767225600"])
        #expect(exec.status == 0 && exec.stderr == "", "\(exec)")
        let usage = try CLI.run(golden.usage.arguments, in: scratch.url)
        #expect(usage.status == 0 && usage.stderr == "", "\(usage)")
        try Self.verify(exec.stdout, golden.exec)
        try Self.verify(usage.stdout, golden.usage)
    }

    /// Every golden file on disk belongs to a case: no stale goldens left behind.
    @Test func noOrphanGoldens() throws {
        let root = CLI.fixtures.appendingPathComponent("expected")
        let known = Set(Golden.all.map(\.path) + Self.executorGoldens.flatMap { [$0.exec.path, $0.usage.path] })
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var orphans: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            let relative = "Fixtures/expected/" + url.path.dropFirst(root.path.count + 1)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               !known.contains(relative) {
                orphans.append(relative)
            }
        }
        #expect(orphans.isEmpty, "golden files no test produces: \(orphans.sorted())")
    }

    /// CSV goldens are RFC 4180: every record ends in CRLF, with no bare LF outside quotes.
    @Test("CSV goldens use CRLF line ends", arguments: Golden.all.filter { $0.format == "csv" })
    func csvUsesCRLF(_ golden: Golden) throws {
        let result = try CLI.run(golden.arguments)
        #expect(result.stdout.hasSuffix("\r\n"))
        var inQuotes = false
        var previous: Character = " "
        for character in result.stdout.unicodeScalars.map(Character.init) {
            if character == "\"" { inQuotes.toggle() }
            if character == "\n" && !inQuotes { #expect(previous == "\r", "bare LF in \(golden.path)") }
            previous = character
        }
    }

    /// JSON goldens parse as JSON.
    @Test("JSON goldens are valid JSON", arguments: Golden.all.filter { $0.format == "json" })
    func jsonParses(_ golden: Golden) throws {
        let result = try CLI.run(golden.arguments)
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) }
    }

    static func firstDifference(expected: String, actual: String) -> String {
        let expectedLines = expected.components(separatedBy: "\n")
        let actualLines = actual.components(separatedBy: "\n")
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let want = index < expectedLines.count ? expectedLines[index] : "<end of file>"
            let got = index < actualLines.count ? actualLines[index] : "<end of output>"
            if want != got {
                return "first difference at line \(index + 1):\n  expected: \(want.debugDescription)\n  actual:   \(got.debugDescription)"
            }
        }
        return "they differ only in line endings or encoding"
    }
}
