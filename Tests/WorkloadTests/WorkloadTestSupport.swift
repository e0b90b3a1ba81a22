import CostModel
import Foundation
import Testing
@testable import Workload

/// Helpers shared by the workload test files (namespaced so they never clash with other files).
enum WorkloadFixture {
    /// The file name every inline document is parsed as, so messages read `w.yaml:line:column`.
    static let file = "w.yaml"

    /// Parses an inline workload document.
    static func parse(_ text: String) throws -> Workload {
        try Workload.parse(text, file: file)
    }

    /// Every diagnostic the parser reports for `text`, rendered by `Diagnostic.description`;
    /// empty when the document is valid.
    static func messages(_ text: String) -> [String] {
        do {
            _ = try Workload.parse(text, file: file)
            return []
        } catch {
            switch error {
            case .invalid(let diagnostics): return diagnostics.map(\.description)
            case .unreadable(let file, let reason): return ["unreadable \(file): \(reason)"]
            }
        }
    }

    /// The raw diagnostics for `text` (for line/column/key-path checks).
    static func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try Workload.parse(text, file: file)
            return []
        } catch {
            if case .invalid(let diagnostics) = error { return diagnostics }
            return []
        }
    }

    /// A one-job document with `fields` (YAML lines indented under the job) after `name: a`.
    static func oneJob(_ fields: String, header: String = "") -> String {
        "version: 1\nname: w\n\(header)jobs:\n  - name: a\n" + fields
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.isEmpty }
            .map { "    " + $0 }
            .joined(separator: "\n") + "\n"
    }

    /// Exact decimal from text (test literals never go through `Double`).
    static func d(_ text: String) -> Decimal {
        guard let value = Decimal(exactText: text) else { fatalError("bad decimal literal \(text)") }
        return value
    }

    /// |a − b| ≤ tolerance.
    static func close(_ a: Decimal, _ b: Decimal, within tolerance: Decimal) -> Bool {
        let difference = a - b
        return difference <= tolerance && -difference <= tolerance
    }

    static func double(_ value: Decimal) -> Double {
        NSDecimalNumber(decimal: value).doubleValue
    }
}
