import CostModel
import Foundation

/// One plan priced against a workload: its lines, total and feasibility (SPEC §5).
public struct PlanEvaluation: Sendable, Equatable {
    public enum Status: String, Sendable {
        case feasible
        case infeasible
        /// Contact-sales plan: listed, never priced or chosen.
        case custom
    }

    public var provider: String
    public var providerName: String
    public var plan: Plan
    public var status: Status
    /// Why the plan is infeasible (or custom), in words.
    public var reasons: [String]
    /// Fee, one line per meter and machine, and the credit, each rounded once.
    public var lines: [CostLine]
    /// The exact sum of the rounded lines; nil for custom plans.
    public var monthlyCost: Decimal?
    /// The unrounded cost, for breakeven, placement and simulation.
    public var exactCost: Decimal?

    /// `provider/plan`.
    public var id: String { "\(provider)/\(plan.name)" }
    public var isFeasible: Bool { status == .feasible }
}

/// One line of a plan's bill.
public struct CostLine: Sendable, Equatable {
    public enum Kind: String, Sendable { case fee, usage, compute, credit }

    /// `monthly_fee`, a meter name, `compute_seconds (small-1x)` or `credit`.
    public var name: String
    public var kind: Kind
    /// The meter's monthly quantity (nil for fee and credit).
    public var quantity: Decimal?
    /// Units free on the plan.
    public var included: Decimal?
    /// How the overage is charged; nil when the meter is free or capped.
    public var price: Price?
    /// Per-second price of the machine, for compute lines.
    public var perSecond: Decimal?
    /// Rounded to the currency's minor unit.
    public var amount: Decimal
    /// Unrounded.
    public var exactAmount: Decimal
}

/// A provider's best option for a workload.
public struct ProviderChoice: Sendable, Equatable {
    public var provider: String
    public var providerName: String
    /// The cheapest feasible production plan, or nil when none is.
    public var cheapest: PlanEvaluation?
    /// Every plan of the provider, in file order.
    public var plans: [PlanEvaluation]
}
