import CostModel
import Foundation
import Workload

/// What `costsim simulate` found: per provider, the distribution of the monthly cost of its
/// cheapest feasible plan over the simulated months, how often each plan wins or fails, and
/// (optionally) which inputs drive the cost.
///
/// Money is exact `Decimal`, unrounded; reports round it once, at output.
public struct SimulationResult: Sendable {
    /// The workload simulated (its expected values are what `compare` prices).
    public var workload: Workload
    /// The catalog priced with.
    public var catalog: Catalog
    /// The platform plan for step limits, when known.
    public var platform: PlatformPlan?
    /// Simulated months.
    public var trials: Int
    /// The seed of every random stream.
    public var seed: UInt64
    /// The budget months were compared with, when given.
    public var budget: Decimal?
    /// One entry per provider, in catalog order.
    public var providers: [ProviderSimulation]
    /// The uncertain inputs, in workload then field order.
    public var inputs: [SimulationInput]
    /// How monthly totals were sampled, and the approximation's error bound.
    public var approximation: SamplingSummary
    /// The deterministic comparison at expected values (what `compare` prints).
    public var expected: Comparison
    /// Things the reader must know to trust the figures.
    public var notes: [String]
    /// The tornado analysis, when asked for.
    public var sensitivity: SensitivityAnalysis?

    /// The share of trials `count` stands for, exactly: `count / trials`.
    public func share(_ count: Int) -> Decimal {
        trials > 0 ? Decimal(count) / Decimal(trials) : 0
    }
}

/// One provider across the simulated months.
public struct ProviderSimulation: Sendable {
    /// Provider id: `inngest`.
    public var provider: String
    /// Display name: `Inngest`.
    public var providerName: String
    /// Months in which some plan of the provider was feasible.
    public var feasibleTrials: Int
    /// The monthly cost of the cheapest feasible plan, over the months it had one; nil when it
    /// never had one.
    public var cost: CostStatistics?
    /// Months whose bill (the cheapest plan's monthly cost as `compare` prints it) exceeded the
    /// budget; nil without a budget. Months with no feasible plan are not counted here.
    public var overBudgetTrials: Int?
    /// Months in which this provider's cheapest plan was the cheapest of all providers.
    public var cheapestOverallTrials: Int
    /// Every plan of the provider, in file order.
    public var plans: [PlanSimulation]

    /// `trials − feasibleTrials`: months with no feasible plan.
    public func infeasibleTrials(of trials: Int) -> Int { trials - feasibleTrials }
}

/// Summary statistics of a set of monthly costs: the mean and nearest-rank percentiles (the
/// smallest cost with at least p % of the months at or below it; `numpy.quantile(…,
/// method="inverted_cdf")`).
public struct CostStatistics: Sendable, Equatable {
    /// The exact mean.
    public var mean: Decimal
    /// Nearest-rank percentiles.
    public var p50: Decimal
    public var p90: Decimal
    public var p95: Decimal
    public var p99: Decimal
    /// The dearest month.
    public var max: Decimal

    /// Statistics of `costs` (at least one).
    ///
    /// The mean is `first + Σ(cost − first) / n`, so n equal costs give exactly that cost.
    /// - Complexity: O(n log n) comparisons.
    public init(costs: [Decimal]) {
        precondition(!costs.isEmpty, "statistics need at least one cost")
        let sorted = costs.sorted()
        let reference = costs[0]
        var offset = Decimal(0)
        for cost in costs where cost != reference { offset += cost - reference }
        let mean = offset.isZero ? reference : reference + offset / Decimal(costs.count)
        self.init(mean: mean, count: sorted.count) { sorted[$0] }
    }

    /// Statistics of fixed-point costs: sorted and summed as integers, converted once.
    init(scaled costs: [ScaledMoney], scale: MoneyScale) {
        precondition(!costs.isEmpty, "statistics need at least one cost")
        let sorted = costs.sorted()
        var sum: ScaledMoney? = .zero
        for cost in costs { sum = sum.flatMap { scale.add($0, cost) } }
        let mean: Decimal
        if let sum {
            mean = scale.decimal(sum) / Decimal(costs.count)
        } else {
            mean = CostStatistics(costs: costs.map(scale.decimal)).mean
        }
        self.init(mean: mean, count: sorted.count) { scale.decimal(sorted[$0]) }
    }

    /// From the mean and the sorted costs (by position).
    init(mean: Decimal, count: Int, sorted value: (Int) -> Decimal) {
        func rank(_ percent: Int) -> Decimal {
            // Nearest rank: ⌈p/100 × n⌉, 1-based, in integer arithmetic.
            let index = (percent * count + 99) / 100
            return value(Swift.max(0, Swift.min(count - 1, index - 1)))
        }
        self.mean = mean
        p50 = rank(50)
        p90 = rank(90)
        p95 = rank(95)
        p99 = rank(99)
        max = value(count - 1)
    }
}

/// One plan across the simulated months.
public struct PlanSimulation: Sendable {
    /// The plan's name in its pricing file.
    public var name: String
    /// Contact-sales plans are listed, never priced.
    public var custom: Bool
    /// Months in which it was its provider's cheapest feasible plan.
    public var cheapestTrials: Int
    /// Months in which it was the cheapest plan of all providers.
    public var cheapestOverallTrials: Int
    /// Months in which it was infeasible (custom plans: 0).
    public var infeasibleTrials: Int
    /// Why, by kind: how many months, with an example in words from the first such month.
    public var reasons: [PlanReason]
}

/// One kind of reason a plan failed in some months.
public struct PlanReason: Sendable {
    /// What kind of limit was crossed.
    public var kind: InfeasibilityKind
    /// Months in which it was.
    public var trials: Int
    /// `pdf-export: 312 s step exceeds Vercel Pro's 300 s limit (month 17)`.
    public var example: String
}

/// An uncertain workload field.
public struct SimulationInput: Sendable, Equatable {
    /// The job's name.
    public var job: String
    /// The file key: `runs_per_day`, `step_seconds`.
    public var field: String
    /// True for fields drawn for every run (or step) and summed over the month.
    public var perRun: Bool
    /// The distribution in words: `lognormal (median 2, p95 30)`.
    public var distribution: String

    /// `pdf-export.step_seconds`.
    public var name: String { "\(job).\(field)" }

    /// How often it is drawn: `month`, `run` or `step` (step_seconds is drawn per compute step).
    public var drawnPer: String { perRun ? (field == "step_seconds" ? "step" : "run") : "month" }
}

/// How the simulated months' totals were sampled, counted over (job, field) pairs at their
/// expected run counts.
public struct SamplingSummary: Sendable, Equatable {
    /// Totals drawn one by one (small counts) or exactly in one draw (Poisson sums).
    public var exactTotals: Int
    /// Totals drawn from the normal approximation.
    public var approximatedTotals: Int
    /// The largest Berry–Esseen bound among them, rounded up to 6 decimals: no approximated
    /// total's distribution function is further than this from the exact one (0 when none was
    /// approximated).
    public var largestBound: Decimal
    /// The (job.field) with that bound.
    public var largestBoundInput: String?
}
