import CostModel
import Foundation
import Workload

// The two cost tiers of `costsim place`.
//
// * The EXACT tier (`PlacementCosts`) prices a provider's share of the jobs with `CostEngine`
//   itself, on the sub-workload of exactly those jobs (in workload order, so even Decimal's
//   38-digit rounding is the same as `costsim compare` on that sub-workload). Every cost that is
//   compared to decide the optimum, and every cost that is reported, comes from this tier.
// * The GUIDANCE tier (`PlacementPlanModel`) is a binary floating-point image of each plan, used to order
//   the search and to compute lower bounds quickly. It never decides anything by itself: a node
//   is pruned on floating-point evidence only when it is worse by far more than any rounding
//   error (`PlacementTolerance`), and everything closer is re-checked with exact costs.

/// A set of job indices (any size): the key of the memoised provider-subset costs.
struct PlacementJobSet: Hashable, Sendable {
    private(set) var words: [UInt64]

    init(count: Int) {
        words = Array(repeating: 0, count: max(1, (count + 63) / 64))
    }

    /// The first 64 jobs as a bit mask (bit i = job i).
    init(mask: UInt64) {
        words = [mask]
    }

    init<S: Sequence>(_ indices: S, count: Int) where S.Element == Int {
        self.init(count: count)
        for index in indices { insert(index) }
    }

    mutating func insert(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    mutating func remove(_ index: Int) {
        words[index >> 6] &= ~(1 << UInt64(index & 63))
    }

    func contains(_ index: Int) -> Bool {
        index >> 6 < words.count && words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The indices in increasing order.
    var indices: [Int] {
        var result: [Int] = []
        for (wordIndex, word) in words.enumerated() {
            var rest = word
            while rest != 0 {
                let bit = rest.trailingZeroBitCount
                result.append(wordIndex * 64 + bit)
                rest &= rest - 1
            }
        }
        return result
    }
}

/// The exact tier: memoised `CostEngine` prices of provider-subsets.
///
/// `cost(provider:plan:jobs:)` is exactly `CostEngine(workload: sub, …).evaluate(usage:plan:).exactCost`
/// where `sub` holds the given jobs in workload order, or nil when that plan is infeasible for
/// them. `best(provider:jobs:)` is the provider's cheapest feasible candidate plan for the set
/// (ties: the plan listed first in its file); the empty set costs nothing (the provider is not used).
/// - Complexity: each new (provider, set) costs one `CostEngine` usage computation,
///   O(|set| × meters), and each new plan one evaluation, O(meters); repeats are dictionary hits.
final class PlacementCosts {
    let workload: Workload
    let providers: [PricingFile]
    let platform: PlatformPlan?
    let withPlatformCosts: Bool
    /// Plans that may be chosen, per provider: production, not custom, in file order.
    let candidatePlans: [[Int]]

    private struct UsageKey: Hashable { var provider: Int; var jobs: PlacementJobSet }
    private struct PlanKey: Hashable { var provider: Int; var plan: Int; var jobs: PlacementJobSet }
    private var usages: [UsageKey: ProviderUsage] = [:]
    private var costs: [PlanKey: Decimal?] = [:]
    /// Distinct (provider, plan, set) prices computed: the memo's size.
    private(set) var evaluations = 0

    init(workload: Workload, providers: [PricingFile], platform: PlatformPlan?, withPlatformCosts: Bool) {
        self.workload = workload
        self.providers = providers
        self.platform = platform
        self.withPlatformCosts = withPlatformCosts
        candidatePlans = providers.map { file in
            file.plans.indices.filter { file.plans[$0].production && !file.plans[$0].custom }
        }
    }

    /// The sub-workload of the given jobs, in workload order.
    func subWorkload(_ jobs: PlacementJobSet) -> Workload {
        let selected = jobs.indices.filter { $0 < workload.jobs.count }.map { workload.jobs[$0] }
        return Workload(name: workload.name, description: workload.description, platform: workload.platform,
                        monthHours: workload.monthHours, jobs: selected, file: workload.file)
    }

    func engine(for jobs: PlacementJobSet) -> CostEngine {
        CostEngine(workload: subWorkload(jobs), platform: platform, withPlatformCosts: withPlatformCosts)
    }

    /// The provider's usage for the set (memoised).
    func usage(provider: Int, jobs: PlacementJobSet) -> ProviderUsage {
        let key = UsageKey(provider: provider, jobs: jobs)
        if let known = usages[key] { return known }
        let usage = engine(for: jobs).usage(on: providers[provider])
        usages[key] = usage
        return usage
    }

    /// The full evaluation of one plan for the set (not memoised: for reports).
    func evaluation(provider: Int, plan: Int, jobs: PlacementJobSet) -> PlanEvaluation {
        engine(for: jobs).evaluate(usage: usage(provider: provider, jobs: jobs), plan: providers[provider].plans[plan])
    }

    /// The exact monthly cost of one plan for the set, nil when infeasible (memoised).
    func cost(provider: Int, plan: Int, jobs: PlacementJobSet) -> Decimal? {
        let key = PlanKey(provider: provider, plan: plan, jobs: jobs)
        if let known = costs[key] { return known }
        evaluations += 1
        let evaluation = self.evaluation(provider: provider, plan: plan, jobs: jobs)
        let value: Decimal? = evaluation.isFeasible ? evaluation.exactCost : nil
        costs[key] = value
        return value
    }

    /// The cheapest feasible candidate plan for the set; `(nil, 0)` for the empty set.
    func best(provider: Int, jobs: PlacementJobSet) -> (plan: Int?, cost: Decimal)? {
        if jobs.isEmpty { return (nil, 0) }
        var chosen: (plan: Int?, cost: Decimal)?
        for plan in candidatePlans[provider] {
            guard let cost = cost(provider: provider, plan: plan, jobs: jobs) else { continue }
            if chosen == nil || cost < chosen!.cost { chosen = (plan, cost) }
        }
        return chosen
    }

    /// The exact total of an assignment (provider per job): each provider's cheapest feasible
    /// plan for its jobs, summed in provider order; nil when some provider has none.
    func total(of assignment: [Int]) -> Decimal? {
        var sum = Decimal(0)
        for provider in providers.indices {
            let set = PlacementJobSet((0..<workload.jobs.count).filter { assignment[$0] == provider }, count: workload.jobs.count)
            guard let best = best(provider: provider, jobs: set) else { return nil }
            sum += best.cost
        }
        return sum
    }

    /// Why no candidate plan of the provider takes the set: the reasons every plan shares, or
    /// each plan's first reason when they differ.
    func reasons(provider: Int, jobs: PlacementJobSet) -> String {
        let file = providers[provider]
        let plans = candidatePlans[provider]
        guard !plans.isEmpty else {
            return "\(file.name) has no plan that can be chosen (every plan is custom or development-only)"
        }
        let lists = plans.map { evaluation(provider: provider, plan: $0, jobs: jobs).reasons }
        let shared = lists[0].filter { reason in lists.allSatisfy { $0.contains(reason) } }
        if !shared.isEmpty { return shared.joined(separator: "; ") }
        return zip(plans, lists).compactMap { plan, reasons in
            reasons.first.map { "\(file.plans[plan].name): \($0)" }
        }.joined(separator: "; ")
    }
}

/// How close two floating-point costs must be before the exact tier is asked.
///
/// Guidance-tier costs are sums and products of a few dozen doubles converted from exact
/// decimals, so their relative error is below 10⁻¹³; a margin of 10⁻⁹ relative (at least 10⁻⁹
/// dollars) is therefore far above any rounding error and far below any difference that matters.
enum PlacementTolerance {
    static let relative = 1e-9

    static func of(_ value: Double) -> Double {
        relative * max(1, abs(value))
    }

    /// A value certainly not above the exact value `x` whose floating-point image is `value`.
    static func below(_ value: Double) -> Double {
        value - of(value)
    }
}

/// The guidance tier's image of one candidate plan of one provider.
///
/// A provider's usage is a vector of dimensions: one per meter (its monthly total), then the
/// compute seconds (for concurrency limits), then the platform meters (when platform costs are
/// included), then the machine-priced compute in dollars. A plan charges some dimensions
/// (`components`), caps others (`caps`), and may cap its usage charges (`maxUsage`).
struct PlacementPlanModel {
    /// A pro-rata price charges amount / per for each unit, exactly as a unit price does, so it
    /// is a `unit` charge here.
    enum Charge {
        case unit(Double)
        case block(per: Double, amount: Double)
        case tiers([(upTo: Double?, price: Double)])
    }

    struct Component {
        var dimension: Int
        var included: Double
        var charge: Charge
    }

    var provider: Int
    var plan: Int
    var fee: Double
    var credit: Double
    var components: [Component]
    /// The dimension holding machine-priced compute in dollars, when the provider has machines.
    var moneyDimension: Int?
    var caps: [(dimension: Int, limit: Double)]
    var maxUsage: Double?
    /// Per job: whether this plan takes the job on its own (exact, from `CostEngine`).
    var accepts: [Bool]

    /// Usage charges before the credit, never above the exact value by more than rounding error
    /// (block counts are rounded down near a block boundary, tier bands chosen below).
    func usageCharges(_ usage: UnsafePointer<Double>) -> Double {
        var total = 0.0
        for component in components {
            total += Self.charge(component, usage[component.dimension])
        }
        if let moneyDimension { total += usage[moneyDimension] }
        return total
    }

    /// fee + max(0, usage − credit).
    func cost(_ usage: UnsafePointer<Double>) -> Double {
        fee + max(0, usageCharges(usage) - credit)
    }

    /// True when a cap is exceeded beyond any rounding doubt (the exact tier decides the rest).
    func certainlyOverCap(_ usage: UnsafePointer<Double>) -> Bool {
        for cap in caps where PlacementTolerance.below(usage[cap.dimension]) > cap.limit + PlacementTolerance.of(cap.limit) {
            return true
        }
        if let maxUsage {
            let charges = usageCharges(usage)
            if PlacementTolerance.below(charges) > maxUsage + PlacementTolerance.of(maxUsage) { return true }
        }
        return false
    }

    static func charge(_ component: Component, _ quantity: Double) -> Double {
        let over = quantity - component.included
        guard over > 0 else { return 0 }
        switch component.charge {
        case .unit(let price):
            return over * price
        case .block(let per, let amount):
            let blocks = over / per
            return max(0, (blocks - PlacementTolerance.of(blocks)).rounded(.up)) * amount
        case .tiers(let tiers):
            var lower = 0.0
            var sum = 0.0
            for tier in tiers {
                let from = max(lower, component.included)
                let to = tier.upTo.map { min($0, quantity) } ?? quantity
                if to > from { sum += (to - from) * tier.price }
                guard let upper = tier.upTo, quantity > upper else { break }
                lower = upper
            }
            return sum
        }
    }

    /// The future price floor of a component from usage `quantity` on: every further unit costs
    /// at least `rate`, except the first `free` units (what is left of the allowance, plus the
    /// unused part of a block already paid for).
    ///
    /// Proof: unit and prorated prices charge exactly `rate` per unit above `included`. A block
    /// price charges ⌈y/per⌉ × amount for y units of overage; with y₀ now and s = ⌈y₀/per⌉·per − y₀
    /// already paid for, ⌈(y₀+x)/per⌉·amount − ⌈y₀/per⌉·amount ≥ (x − s)·amount/per. Tiers charge
    /// each unit above `included` at the rate of its band, and every band from here on costs at
    /// least the cheapest band that reaches above max(quantity, included).
    static func floor(_ component: Component, _ quantity: Double) -> (rate: Double, free: Double) {
        let allowance = max(0, component.included - quantity)
        switch component.charge {
        case .unit(let price):
            return (price, allowance)
        case .block(let per, let amount):
            let overage = quantity - component.included
            // Clearly under the allowance: no block is paid yet.
            if overage < -PlacementTolerance.of(component.included) { return (amount / per, allowance) }
            // At or over it: round the paid blocks UP (more slack = a lower, still valid, bound),
            // so a quantity a hair over the allowance counts one whole paid block.
            let blocks = max(0, overage) / per
            let paid = (blocks + PlacementTolerance.of(blocks)).rounded(.up) * per
            return (amount / per, allowance + max(0, paid - max(0, overage)))
        case .tiers(let tiers):
            let from = max(quantity, component.included)
            let threshold = from - PlacementTolerance.of(from)
            var rate = Double.infinity
            for tier in tiers where (tier.upTo ?? .infinity) > threshold {
                rate = min(rate, tier.price)
            }
            return (rate.isFinite ? rate : 0, allowance)
        }
    }
}

extension Decimal {
    /// The nearest binary floating-point value, for the guidance tier only.
    var placementDouble: Double { Distribution.double(self) }
}

/// The placement problem in both tiers: options, constraints, per-job quantities and plan images.
final class PlacementProblem {
    let workload: Workload
    let providers: [PricingFile]
    let exact: PlacementCosts
    /// `allowed[job][provider]`: pins.
    let allowed: [[Bool]]
    /// Most providers a placement may use.
    let maxProviders: Int
    /// Usage dimensions per provider.
    let dimensions: [Int]
    /// `quantities[provider][job * dimensions[provider] + d]`.
    let quantities: [[Double]]
    /// Candidate plans per provider (parallel to `exact.candidatePlans`).
    let models: [[PlacementPlanModel]]
    /// Per job and provider: the reasons no candidate plan takes the job on its own (nil when one does).
    let soloReasons: [[String?]]

    var jobCount: Int { workload.jobs.count }
    var providerCount: Int { providers.count }

    init(workload: Workload, providers: [PricingFile], platform: PlatformPlan?, withPlatformCosts: Bool,
         allowed: [[Bool]], maxProviders: Int) {
        self.workload = workload
        self.providers = providers
        self.allowed = allowed
        self.maxProviders = maxProviders
        let exact = PlacementCosts(workload: workload, providers: providers, platform: platform, withPlatformCosts: withPlatformCosts)
        self.exact = exact
        let monthSeconds = (workload.monthHours * 3600).placementDouble
        var dimensions: [Int] = []
        var quantities: [[Double]] = []
        var models: [[PlacementPlanModel]] = []
        var soloReasons: [[String?]] = Array(repeating: Array(repeating: nil, count: providers.count), count: workload.jobs.count)
        for (providerIndex, file) in providers.enumerated() {
            let platformMeters = withPlatformCosts && file.runsOn == .platform ? (platform?.file.meters ?? []) : []
            let meterCount = file.meters.count
            let computeDimension = meterCount
            let platformBase = meterCount + 1
            let moneyDimension: Int? = file.isMachinePriced ? platformBase + platformMeters.count : nil
            let width = platformBase + platformMeters.count + (moneyDimension == nil ? 0 : 1)
            var values = [Double](repeating: 0, count: width * workload.jobs.count)
            var accepts = [[Bool]](repeating: Array(repeating: false, count: workload.jobs.count), count: file.plans.count)
            for jobIndex in workload.jobs.indices {
                var single = PlacementJobSet(count: workload.jobs.count)
                single.insert(jobIndex)
                let usage = exact.usage(provider: providerIndex, jobs: single)
                let base = jobIndex * width
                for (meterIndex, meter) in file.meters.enumerated() {
                    values[base + meterIndex] = (usage.meterTotals[meter.name] ?? 0).placementDouble
                }
                values[base + computeDimension] = usage.totals[.computeSeconds].placementDouble
                for (offset, meter) in platformMeters.enumerated() {
                    values[base + platformBase + offset] = meter.value { usage.totals[$0] }.placementDouble
                }
                if let moneyDimension {
                    values[base + moneyDimension] = usage.machineSeconds.reduce(Decimal(0)) { $0 + $1.seconds * $1.perSecond }.placementDouble
                }
                var anyPlan = false
                for plan in exact.candidatePlans[providerIndex] {
                    let feasible = exact.cost(provider: providerIndex, plan: plan, jobs: single) != nil
                    accepts[plan][jobIndex] = feasible
                    anyPlan = anyPlan || feasible
                }
                if !anyPlan { soloReasons[jobIndex][providerIndex] = exact.reasons(provider: providerIndex, jobs: single) }
            }
            dimensions.append(width)
            quantities.append(values)
            models.append(exact.candidatePlans[providerIndex].map { planIndex in
                let plan = file.plans[planIndex]
                var components: [PlacementPlanModel.Component] = []
                var caps: [(dimension: Int, limit: Double)] = []
                for (meterIndex, meter) in file.meters.enumerated() {
                    if file.isMachinePriced && meter.name == PricingFile.machineMeterName { continue }
                    let included = plan.included[meter.name]
                    if let price = plan.price[meter.name] {
                        components.append(.init(dimension: meterIndex, included: (included ?? 0).placementDouble, charge: Self.charge(price)))
                    } else if let included {
                        caps.append((meterIndex, included.placementDouble))
                    }
                }
                if let platform {
                    for (offset, meter) in platformMeters.enumerated() {
                        guard let price = platform.plan.price[meter.name] else { continue }
                        components.append(.init(dimension: platformBase + offset,
                                                included: (platform.plan.included[meter.name] ?? 0).placementDouble,
                                                charge: Self.charge(price)))
                    }
                }
                for (meterName, cap) in plan.limits.maxQuantity {
                    if let meterIndex = file.meters.firstIndex(where: { $0.name == meterName }) {
                        caps.append((meterIndex, cap.placementDouble))
                    }
                }
                if let concurrency = plan.limits.concurrency {
                    caps.append((computeDimension, concurrency.placementDouble * monthSeconds))
                }
                return PlacementPlanModel(provider: providerIndex, plan: planIndex, fee: (plan.monthlyFee ?? 0).placementDouble,
                                 credit: plan.credit.placementDouble, components: components, moneyDimension: moneyDimension,
                                 caps: caps, maxUsage: plan.limits.maxUsage?.placementDouble, accepts: accepts[planIndex])
            })
        }
        self.dimensions = dimensions
        self.quantities = quantities
        self.models = models
        self.soloReasons = soloReasons
    }

    static func charge(_ price: Price) -> PlacementPlanModel.Charge {
        switch price {
        case .unit(let value): return .unit(value.placementDouble)
        case .prorated(let per, let amount): return .unit((amount / per).placementDouble)
        case .block(let per, let amount): return .block(per: per.placementDouble, amount: amount.placementDouble)
        case .tiers(let tiers): return .tiers(tiers.map { ($0.upTo?.placementDouble, $0.price.placementDouble) })
        }
    }

    /// True when some candidate plan of the provider takes the job on its own and pins allow it.
    func canTake(provider: Int, job: Int) -> Bool {
        allowed[job][provider] && soloReasons[job][provider] == nil
    }
}
