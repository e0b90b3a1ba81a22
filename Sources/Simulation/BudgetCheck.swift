import CostModel
import Foundation
import Workload

/// A CI gate on a workload's monthly cost: a budget and/or a maximum increase over a baseline.
public struct BudgetCheck: Sendable, Equatable {
    /// An allowed increase: an amount of money or a percentage of the baseline.
    public enum Increase: Sendable, Equatable, CustomStringConvertible {
        case amount(Decimal)
        case percent(Decimal)

        /// Parses `200`, `$200`, `12.5%`.
        public init?(parsing text: String) {
            if text.hasSuffix("%") {
                guard let value = Decimal(exactText: String(text.dropLast())), value >= 0 else { return nil }
                self = .percent(value)
            } else {
                guard let value = BudgetCheck.parseAmount(text) else { return nil }
                self = .amount(value)
            }
        }

        public var description: String {
            switch self {
            case .amount(let value): return "\(value)"
            case .percent(let value): return "\(value)%"
            }
        }
    }

    /// One crossed threshold.
    public struct Violation: Sendable, Equatable {
        /// `budget` or `max_increase`.
        public var rule: String
        /// The threshold: money with two decimals (`500.00`) or a percentage (`10%`).
        public var limit: String
        /// The measured value: `612.00`, or a percentage with one decimal (`14.3%`).
        public var actual: String
        public var message: String
    }

    public var budget: Decimal?
    public var maxIncrease: Increase?
    /// The baseline's monthly cost, when `maxIncrease` is set.
    public var baselineCost: Decimal?

    public init(budget: Decimal? = nil, maxIncrease: Increase? = nil, baselineCost: Decimal? = nil) {
        self.budget = budget
        self.maxIncrease = maxIncrease
        self.baselineCost = baselineCost
    }

    /// Parses money as a user types it: `500`, `$500`, `1,250.50`. Nil for anything else.
    public static func parseAmount(_ text: String) -> Decimal? {
        var body = text.trimmingCharacters(in: .whitespaces)
        if body.hasPrefix("$") { body.removeFirst() }
        body = body.replacingOccurrences(of: ",", with: "")
        guard !body.isEmpty, body.allSatisfy({ $0.isNumber || $0 == "." }), body.filter({ $0 == "." }).count <= 1,
              let value = Decimal(exactText: body) else { return nil }
        return value
    }

    /// Every threshold that `cost` (a rounded monthly cost; nil when nothing is feasible) crosses.
    /// `subject` names what was measured in messages (`inngest/startup`).
    public func violations(cost: Decimal?, subject: String) -> [Violation] {
        var found: [Violation] = []
        guard let cost else {
            return [Violation(rule: "feasible", limit: "a feasible plan", actual: "none",
                              message: "\(subject): no feasible plan to measure, so the check cannot pass")]
        }
        if let budget, cost > budget {
            found.append(Violation(rule: "budget", limit: Self.plain(budget), actual: Self.plain(cost),
                                   message: "\(subject) costs \(Self.money(cost))/month, over the budget of \(Self.money(budget)) by \(Self.money(cost - budget))"))
        }
        if let maxIncrease, let baseline = baselineCost {
            let increase = cost - baseline
            switch maxIncrease {
            case .amount(let allowed):
                if increase > allowed {
                    found.append(Violation(rule: "max_increase", limit: Self.plain(allowed), actual: Self.plain(increase),
                                           message: "\(subject) rose by \(Self.money(increase)) (from \(Self.money(baseline)) to \(Self.money(cost))), more than the allowed \(Self.money(allowed))"))
                }
            case .percent(let allowed):
                let percent: Decimal? = baseline > 0 ? increase * 100 / baseline : (increase > 0 ? nil : 0)
                let crossed = percent.map { $0 > allowed } ?? true
                if crossed {
                    if let percent {
                        let actual = Self.percent(percent)
                        found.append(Violation(rule: "max_increase", limit: "\(allowed)%", actual: actual,
                                               message: "\(subject) rose by \(actual) (from \(Self.money(baseline)) to \(Self.money(cost))), more than the allowed \(allowed)%"))
                    } else {
                        found.append(Violation(rule: "max_increase", limit: "\(allowed)%", actual: "from zero",
                                               message: "\(subject) rose from \(Self.money(baseline)) to \(Self.money(cost)): any increase from zero is more than the allowed \(allowed)%"))
                    }
                }
            }
        }
        return found
    }

    /// `1234.50`: two decimals, no grouping, for machine-readable fields.
    static func plain(_ value: Decimal) -> String { NumberFormat.money(value) }

    /// `14.3%`: one decimal.
    static func percent(_ value: Decimal) -> String { NumberFormat.fixed(value.rounded(scale: 1), scale: 1) + "%" }

    /// `$1,234.50`.
    static func money(_ value: Decimal) -> String { NumberFormat.dollars(value) }
}
