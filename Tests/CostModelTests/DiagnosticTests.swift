import Foundation
import Testing
@testable import CostModel

/// `Diagnostic.description` and `InputError`: the one place problems become text.
@Suite("Diagnostic text")
struct DiagnosticTests {
    @Test("file:line:column: key.path: message, then the hint on its own line")
    func full() {
        let diagnostic = Diagnostic(file: "jobs.yaml", line: 7, column: 20, keyPath: "jobs[1].runs_per_month",
                                    message: "expected a number, found \"lots\"", hint: "write a plain decimal number")
        #expect(diagnostic.description == "jobs.yaml:7:20: jobs[1].runs_per_month: expected a number, found \"lots\"\n  hint: write a plain decimal number")
    }

    @Test("without a hint")
    func noHint() {
        let diagnostic = Diagnostic(file: "jobs.yaml", line: 7, column: 20, keyPath: "jobs[1].runs_per_month",
                                    message: "expected a number, found \"lots\"")
        #expect(diagnostic.description == "jobs.yaml:7:20: jobs[1].runs_per_month: expected a number, found \"lots\"")
    }

    @Test("without a place or a key path")
    func noPlace() {
        #expect(Diagnostic(file: "p.yaml", line: nil, column: nil, keyPath: "provider", message: "m").description == "p.yaml: provider: m")
        #expect(Diagnostic(file: "p.yaml", line: 3, column: nil, keyPath: "", message: "m").description == "p.yaml:3: m")
        #expect(Diagnostic(file: "p.yaml", line: nil, column: nil, keyPath: "", message: "m", hint: "h").description == "p.yaml: m\n  hint: h")
    }

    @Test("InputError: one line per diagnostic; exit codes 65 and 66")
    func inputError() {
        let error = InputError.invalid([
            Diagnostic(file: "a.yaml", line: 1, column: 1, keyPath: "x", message: "one"),
            Diagnostic(file: "a.yaml", line: 2, column: 3, keyPath: "y", message: "two", hint: "fix"),
        ])
        #expect(error.description == "a.yaml:1:1: x: one\na.yaml:2:3: y: two\n  hint: fix")
        #expect(error.exitCode == 65)
        let unreadable = InputError.unreadable(file: "/nope/p.yaml", reason: "no such file")
        #expect(unreadable.description == "/nope/p.yaml: no such file")
        #expect(unreadable.exitCode == 66)
    }
}

/// Nearest-key suggestions ("did you mean …?") and the distance behind them.
@Suite("Key suggestions")
struct SuggestionTests {
    @Test("Levenshtein distance", arguments: [
        ("", "", 0), ("", "abc", 3), ("abc", "", 3), ("kitten", "sitting", 3), ("flaw", "lawn", 2),
        ("monthly_fee", "montly_fee", 1), ("provider", "provder", 1), ("same", "same", 0),
    ])
    func distance(a: String, b: String, expected: Int) {
        #expect(YAMLReader.editDistance(a, b) == expected, "\(a) / \(b)")
        #expect(YAMLReader.editDistance(b, a) == expected, "\(b) / \(a)")
    }

    @Test("a near miss names the nearest option")
    func nearMiss() {
        #expect(YAMLReader.suggestion(for: "montly_fee", among: PricingFile.planKeys) == "did you mean 'monthly_fee'?")
        #expect(YAMLReader.suggestion(for: "Monthly_Fee", among: PricingFile.planKeys) == "did you mean 'monthly_fee'?")
        #expect(YAMLReader.suggestion(for: "runs-on", among: PricingFile.topLevelKeys) == "did you mean 'runs_on'?")
    }

    @Test("a far miss lists the options")
    func farMiss() {
        #expect(YAMLReader.suggestion(for: "xyzzy", among: ["steps", "runs"]) == "valid keys: steps, runs")
        #expect(YAMLReader.suggestion(for: "xyzzy", among: ["micro"], noun: "machines") == "machines: micro")
    }

    @Test("no options, no suggestion")
    func noOptions() {
        #expect(YAMLReader.suggestion(for: "steps", among: []) == nil)
    }
}
