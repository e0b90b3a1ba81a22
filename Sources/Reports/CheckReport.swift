import CostModel
import Foundation
import Simulation

/// The result of `costsim check`: the comparison it measured plus the rules and violations.
public struct CheckReport: Sendable {
    public var comparison: Comparison
    public var check: BudgetCheck
    /// What was measured, in words: `the cheapest plan (inngest/startup)`.
    public var subject: String
    /// The measured monthly cost; nil when nothing is feasible.
    public var cost: Decimal?
    public var violations: [BudgetCheck.Violation]

    public init(comparison: Comparison, check: BudgetCheck, subject: String, cost: Decimal?, violations: [BudgetCheck.Violation]) {
        self.comparison = comparison
        self.check = check
        self.subject = subject
        self.cost = cost
        self.violations = violations
    }

    public var passed: Bool { violations.isEmpty }

    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .table:
            return comparison.render(.table) + "\n" + summaryLines().joined(separator: "\n") + "\n"
        case .markdown:
            var out = "### costsim check: \(passed ? "passed" : "FAILED")\n\n"
            out += summaryLines().dropFirst().map { "- \($0)\n" }.joined() + "\n"
            return out + comparison.render(.markdown).replacingOccurrences(of: "### costsim compare", with: "#### costsim compare")
        case .json:
            guard case .object(var pairs) = comparison.jsonValue() else { return comparison.render(.json) }
            pairs.append(("check", .object(rulesJSON())))
            pairs.append(("passed", .bool(passed)))
            pairs.append(("violations", .array(violations.map { violation in
                .object([("rule", .string(violation.rule)), ("limit", .string(violation.limit)),
                         ("actual", .string(violation.actual)), ("message", .string(violation.message))])
            })))
            return JSONValue.object(pairs).rendered()
        case .csv:
            let rows: [[CSV.Cell]] = ruleRows().map { row in
                [.text(row.rule), .text(row.limit), .text(row.actual), .text(row.passed ? "true" : "false"), .text(row.message)]
            }
            return CSV.render(header: ["rule", "limit", "actual", "passed", "message"], rows: rows)
        }
    }

    func rulesJSON() -> [(String, JSONValue)] {
        [("subject", .string(subject)),
         ("monthly_cost", cost.map { .string(NumberFormat.money($0)) } ?? .null),
         ("budget", check.budget.map { .string(NumberFormat.money($0)) } ?? .null),
         ("max_increase", check.maxIncrease.map { .string(increaseText($0)) } ?? .null),
         ("baseline_cost", check.baselineCost.map { .string(NumberFormat.money($0)) } ?? .null)]
    }

    func increaseText(_ increase: BudgetCheck.Increase) -> String {
        switch increase {
        case .amount(let value): return NumberFormat.money(value)
        case .percent(let value): return NumberFormat.plain(value) + "%"
        }
    }

    struct RuleRow { var rule, limit, actual: String; var passed: Bool; var message: String }

    /// One row per rule checked, passed or not.
    func ruleRows() -> [RuleRow] {
        var rows: [RuleRow] = []
        let costText = cost.map(NumberFormat.money) ?? "none feasible"
        if let budget = check.budget {
            let violation = violations.first { $0.rule == "budget" || $0.rule == "feasible" }
            rows.append(RuleRow(rule: "budget", limit: NumberFormat.money(budget), actual: costText, passed: violation == nil,
                                message: violation?.message ?? "\(subject) costs \(cost.map(NumberFormat.dollars) ?? "-")/month, within the budget of \(NumberFormat.dollars(budget))"))
        }
        if let increase = check.maxIncrease {
            let violation = violations.first { $0.rule == "max_increase" || ($0.rule == "feasible" && check.budget == nil) }
            let change = zip(cost, check.baselineCost).map { NumberFormat.money($0.0 - $0.1) } ?? "-"
            rows.append(RuleRow(rule: "max_increase", limit: increaseText(increase), actual: violation?.actual ?? change,
                                passed: violation == nil,
                                message: violation?.message ?? "\(subject) changed by \(changeText()) against the baseline's \(check.baselineCost.map(NumberFormat.dollars) ?? "-"), within the allowed \(increaseText(increase))"))
        }
        return rows
    }

    /// `+$8.00 (+20.0%)`.
    func changeText() -> String {
        guard let cost, let baseline = check.baselineCost else { return "-" }
        let change = cost - baseline
        var text = (change >= 0 ? "+" : "") + NumberFormat.dollars(change)
        if baseline > 0 {
            let percent = change * 100 / baseline
            text += " (" + (percent >= 0 ? "+" : "") + NumberFormat.fixed(percent.rounded(scale: 1), scale: 1) + "%)"
        }
        return text
    }

    func summaryLines() -> [String] {
        ["check: \(passed ? "passed" : "FAILED")"] + ruleRows().map { "\($0.passed ? "ok" : "FAIL"): \($0.message)" }
    }
}

private func zip(_ a: Decimal?, _ b: Decimal?) -> (Decimal, Decimal)? {
    guard let a, let b else { return nil }
    return (a, b)
}
