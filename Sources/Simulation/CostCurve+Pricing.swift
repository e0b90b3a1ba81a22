import CostModel
import Foundation
import Workload

/// One provider's costs along an axis, built analytically from its pricing file: meter totals
/// and machine seconds as polynomials in x, the points where a price changes formula (included
/// quantities, tier bounds, every started block, credit and usage caps, machine sizes) and the
/// regions where a limit rules a plan out. `curve(plan:)` turns them into a `CostCurve` whose
/// value at any x is exactly `CostEngine`'s unrounded `exactCost` for the workload modified to x.
struct ProviderAxisModel: Sendable {
    /// No curve may have more grid points than this (a block price over a huge range).
    static let maxGridPoints = 20_000

    let provider: PricingFile
    let lower: Rational
    /// The range's upper end; a copy with another end shares everything else.
    var upper: Rational
    let integerAxis: Bool
    let platform: PlatformPlan?
    /// True when the platform plan's own meters are added (`--with-platform-costs`).
    let platformCosts: Bool
    let monthSeconds: Rational
    let meterTotals: [String: Polynomial]
    let platformMeterTotals: [(name: String, total: Polynomial)]
    let totalCompute: Polynomial
    /// Compute-meter seconds of jobs whose machine does not depend on x, by machine name.
    let fixedMachineSeconds: [String: Polynomial]
    /// Compute-meter seconds of jobs whose machine follows the memory axis.
    let followingMachineSeconds: Polynomial?
    /// Where the provider cannot take the workload whatever the plan (platform limits, no machine fits).
    let providerRegion: AxisRegion
    let shapes: [JobShape]
    /// The provider's machines in file order, figures as exact fractions.
    let machineSizes: [(name: String, memory: Rational, perSecond: Rational)]

    /// - Complexity: O(jobs) polynomial operations.
    /// - Parameter shapes: `axis.shapes(of: workload)`, computed once for every provider.
    init(provider: PricingFile, workload: Workload, shapes: [JobShape], axis: AxisSelection, lower: Rational, upper: Rational,
         platform: PlatformPlan?, withPlatformCosts: Bool) {
        self.provider = provider
        self.lower = lower
        self.upper = upper
        integerAxis = axis.axis.isInteger
        self.platform = platform
        platformCosts = withPlatformCosts && provider.runsOn == .platform && platform != nil
        monthSeconds = Rational(workload.monthHours) * Rational(3600)
        self.shapes = shapes

        var totals: [Quantity: Polynomial] = [:]
        var fixed: [String: Polynomial] = [:]
        var following: Polynomial?
        var regions: [AxisRegion] = []
        let computeMeter = provider.isMachinePriced ? provider.meter(named: PricingFile.machineMeterName) : nil
        for (index, shape) in shapes.enumerated() {
            let quantities = shape.quantities(execution: provider.execution)
            for (quantity, value) in quantities { totals[quantity, default: .zero] += value }
            if let computeMeter {
                let seconds = Self.meterValue(computeMeter, quantities)
                if shape.memoryFollowsAxis && shape.machine == nil {
                    following = (following ?? .zero) + seconds
                } else {
                    switch ProviderUsage.machine(for: workload.jobs[index], on: provider) {
                    case .success(let machine): fixed[machine.name, default: .zero] += seconds
                    case .failure: regions.append(.everywhere)
                    }
                }
            }
            if provider.runsOn == .platform, let limits = platform?.plan.limits {
                if let limit = limits.maxDurationSeconds {
                    regions.append(Self.region(shape.maxStep, exceeds: Rational(limit), integerAxis: integerAxis))
                }
                if let limit = limits.memoryMB, let memory = shape.memory {
                    regions.append(.where(memory, exceeds: Rational(limit), integerAxis: integerAxis))
                }
            }
        }
        if following != nil, let largest = provider.machines.map(\.memoryMB).max() {
            regions.append(.where(.x, exceeds: Rational(largest), integerAxis: integerAxis))
        }
        meterTotals = Dictionary(uniqueKeysWithValues: provider.meters.map { ($0.name, Self.meterValue($0, totals)) })
        platformMeterTotals = platformCosts ? platform!.file.meters.map { ($0.name, Self.meterValue($0, totals)) } : []
        totalCompute = totals[.computeSeconds] ?? .zero
        fixedMachineSeconds = fixed
        followingMachineSeconds = following
        providerRegion = .union(regions)
        machineSizes = provider.machines.map { ($0.name, Rational($0.memoryMB), Rational($0.perSecond)) }
    }

    /// Σ coefficient × quantity.
    static func meterValue(_ meter: Meter, _ quantities: [Quantity: Polynomial]) -> Polynomial {
        meter.terms.reduce(Polynomial.zero) { $0 + (quantities[$1.quantity] ?? .zero) * Rational($1.coefficient) }
    }

    /// Where a job's longest step exceeds `limit`.
    static func region(_ maxStep: JobShape.MaxStep, exceeds limit: Rational, integerAxis: Bool) -> AxisRegion {
        switch maxStep {
        case .polynomial(let polynomial):
            return .where(polynomial, exceeds: limit, integerAxis: integerAxis)
        case .runOverComputeSteps(let run, let sleeps):
            // run / (x − W) for x > W, and run itself at x = W (no compute steps).
            guard limit > .zero else { return run > limit ? .everywhere : .empty }
            guard run > .zero else { return .empty }
            let end = sleeps + run / limit
            return AxisRegion(intervals: [.init(lower: run > limit ? nil : sleeps, upper: end)])
        }
    }

    /// Where `plan` is ruled out: the provider's own reasons, a development-only plan, and every
    /// limit of the plan (duration, memory, steps per run, concurrency, quantity caps, meters
    /// capped at their included quantity).
    /// - Complexity: O(jobs).
    func limitRegion(_ plan: Plan) -> AxisRegion {
        if !plan.production { return .everywhere }
        var regions = [providerRegion]
        let limits = plan.limits
        for shape in shapes {
            if let limit = limits.maxDurationSeconds {
                let limit = Rational(limit)
                regions.append(provider.execution == .steps
                               ? Self.region(shape.maxStep, exceeds: limit, integerAxis: integerAxis)
                               : .where(shape.active, exceeds: limit, integerAxis: integerAxis))
            }
            if let limit = limits.memoryMB, let memory = shape.memory {
                regions.append(.where(memory, exceeds: Rational(limit), integerAxis: integerAxis))
            }
            if let limit = limits.maxStepsPerRun {
                regions.append(.where(shape.steps, exceeds: Rational(limit), integerAxis: integerAxis))
            }
        }
        if let limit = limits.concurrency {
            regions.append(.where(totalCompute, exceeds: Rational(limit) * monthSeconds, integerAxis: integerAxis))
        }
        for (meter, cap) in limits.maxQuantity {
            regions.append(.where(meterTotals[meter] ?? .zero, exceeds: Rational(cap), integerAxis: integerAxis))
        }
        for meter in provider.meters where !(provider.isMachinePriced && meter.name == PricingFile.machineMeterName) {
            if plan.price[meter.name] == nil, let included = plan.included[meter.name] {
                regions.append(.where(meterTotals[meter.name]!, exceeds: Rational(included), integerAxis: integerAxis))
            }
        }
        return .union(regions)
    }

    /// A price with its figures as exact fractions, converted once per curve. A pro-rata price
    /// charges amount / per for each unit, exactly as a unit price does, so it becomes one.
    enum ExactPrice: Sendable {
        case unit(Rational)
        case block(per: Rational, amount: Rational)
        case tiers([(upTo: Rational?, price: Rational)])

        init(_ price: Price) {
            switch price {
            case .unit(let value): self = .unit(Rational(value))
            case .block(let per, let amount): self = .block(per: Rational(per), amount: Rational(amount))
            case .prorated(let per, let amount): self = .unit(Rational(amount) / Rational(per))
            case .tiers(let tiers): self = .tiers(tiers.map { ($0.upTo.map { Rational($0) }, Rational($0.price)) })
            }
        }
    }

    /// One priced meter of a plan: its monthly total along the axis, included quantity and price.
    struct PricedMeter: Sendable {
        var name: String
        var total: Polynomial
        var included: Rational
        var price: ExactPrice
        /// (total − included) × rate for unit and pro-rata prices: the charge over the included
        /// quantity, built once.
        var overage: Polynomial?

        init(name: String, total: Polynomial, included: Rational, price: ExactPrice) {
            self.name = name
            self.total = total
            self.included = included
            self.price = price
            switch price {
            case .unit(let rate): overage = (total - included) * rate
            case .block, .tiers: overage = nil
            }
        }
    }

    /// A plan's figures as exact fractions: fee, credit, usage cap and priced meters (the
    /// platform's own meters included when asked).
    struct ExactPlan: Sendable {
        var name: String
        var fee: Rational
        var credit: Rational
        var maxUsage: Rational?
        var meters: [PricedMeter]
    }

    func exactPlan(_ plan: Plan) -> ExactPlan {
        var meters: [PricedMeter] = []
        for meter in provider.meters where !(provider.isMachinePriced && meter.name == PricingFile.machineMeterName) {
            guard let price = plan.price[meter.name], let total = meterTotals[meter.name] else { continue }
            meters.append(PricedMeter(name: meter.name, total: total, included: Rational(plan.included[meter.name] ?? 0),
                                      price: ExactPrice(price)))
        }
        if platformCosts, let platform {
            for (name, total) in platformMeterTotals {
                guard let price = platform.plan.price[name] else { continue }
                meters.append(PricedMeter(name: "\(platform.file.provider) \(name)", total: total,
                                          included: Rational(platform.plan.included[name] ?? 0), price: ExactPrice(price)))
            }
        }
        return ExactPlan(name: plan.name, fee: Rational(plan.monthlyFee ?? 0), credit: Rational(plan.credit),
                         maxUsage: plan.limits.maxUsage.map { Rational($0) }, meters: meters)
    }

    /// The quantity levels at which a meter's price changes formula: the included quantity,
    /// tier bounds, and the end of every started block.
    func levels(of meter: PricedMeter, plan: String) throws(CostsimError) -> [Rational] {
        var levels = [meter.included]
        switch meter.price {
        case .tiers(let tiers):
            levels += tiers.compactMap(\.upTo)
        case .block(let per, _):
            let (low, high) = meter.total.extremes(from: lower, to: upper)
            let first = max(.one, ((low - meter.included) / per).ceiling)
            let last = ((high - meter.included) / per).floor
            if first <= last {
                let count = last - first + .one
                guard count <= Rational(Self.maxGridPoints) else {
                    throw .usage("\(provider.provider)/\(plan): \(meter.name) is billed in blocks of \(NumberFormat.quantity(per.decimal(scale: 6))), "
                                 + "and crosses \(NumberFormat.quantity(count.decimal(scale: 0))) block boundaries in this range (more than \(NumberFormat.quantity(Decimal(Self.maxGridPoints))))",
                                 hint: "narrow the range with --from and --to")
                }
                var level = meter.included + first * per
                let end = meter.included + last * per
                while level <= end {
                    levels.append(level)
                    level += per
                }
            }
        case .unit:
            break
        }
        return levels
    }

    /// The cost of one plan along the axis.
    /// - Throws: `CostsimError.usage` when the plan's price changes formula more often than
    ///   `maxGridPoints` times in the range.
    /// - Complexity: O(B × (meters + tiers)) for B price boundaries in the range.
    func curve(plan: Plan) throws(CostsimError) -> CostCurve {
        precondition(!plan.custom, "custom plans are never priced")
        let region = limitRegion(plan)
        if region.intervals.contains(where: { $0.contains(lower) && $0.contains(upper) }) {
            return .infeasible(from: lower, to: upper, integerAxis: integerAxis)
        }
        let exact = exactPlan(plan)
        var cuts = Set(region.boundaries)
        for meter in exact.meters {
            for level in try levels(of: meter, plan: plan.name) {
                cuts.formUnion(meter.total.crossings(of: level, inside: lower, upper, integerAxis: integerAxis))
            }
        }
        if followingMachineSeconds != nil {
            cuts.formUnion(machineSizes.map(\.memory))
        }
        var grid = [lower] + cuts.filter { lower < $0 && $0 < upper }.sorted() + [upper]
        guard grid.count <= Self.maxGridPoints else { throw tooManyPoints(plan) }

        // Where usage reaches the credit or the usage cap: solved on each piece's own formula.
        var levels: [Rational] = []
        if exact.credit > .zero { levels.append(exact.credit) }
        if let cap = exact.maxUsage { levels.append(cap) }
        if !levels.isEmpty {
            var secondary: Set<Rational> = []
            for index in 0..<(grid.count - 1) {
                let usage = self.usage(exact, at: CostCurve.sample(grid[index], grid[index + 1], integerAxis: integerAxis))
                for level in levels {
                    secondary.formUnion(usage.crossings(of: level, inside: grid[index], grid[index + 1], integerAxis: integerAxis))
                }
            }
            grid = Array(Set(grid).union(secondary)).sorted()
            guard grid.count <= Self.maxGridPoints else { throw tooManyPoints(plan) }
        }

        var forms: [CostCurve.Form] = []
        var values: [Rational?] = []
        forms.reserveCapacity(grid.count - 1)
        values.reserveCapacity(grid.count)
        for (index, point) in grid.enumerated() {
            values.append(form(exact, region: region, at: point).value(at: point))
            if index + 1 < grid.count {
                forms.append(form(exact, region: region, at: CostCurve.sample(point, grid[index + 1], integerAxis: integerAxis)))
            }
        }
        let labels: [Int?] = forms.map { $0 == .infeasible ? nil : 0 }
        return CostCurve(grid: grid, forms: forms, labels: labels, pointValues: values,
                         pointLabels: values.map { $0 == nil ? nil : 0 }, integerAxis: integerAxis).simplified()
    }

    func tooManyPoints(_ plan: Plan) -> CostsimError {
        .usage("\(provider.provider)/\(plan.name) changes price more than \(NumberFormat.quantity(Decimal(Self.maxGridPoints))) times in this range",
               hint: "narrow the range with --from and --to")
    }

    /// The provider at its cheapest feasible production plan at every x (ties to the plan listed
    /// first), labelled with the plan's index in the pricing file.
    func cheapestPlanCurve() throws(CostsimError) -> CostCurve {
        let candidates = provider.plans.indices.filter { provider.plans[$0].production && !provider.plans[$0].custom }
        guard !candidates.isEmpty else { return .infeasible(from: lower, to: upper, integerAxis: integerAxis) }
        var curves: [CostCurve] = []
        for index in candidates { curves.append(try curve(plan: provider.plans[index])) }
        return CostCurve.lowerEnvelope(curves).relabeled { candidates[$0] }
    }

    /// The cost formula of a plan valid at x and on the open piece around it: infeasible, or the
    /// fee plus usage charges above the credit.
    func form(_ plan: ExactPlan, region: AxisRegion, at x: Rational) -> CostCurve.Form {
        if region.contains(x) { return .infeasible }
        let usage = self.usage(plan, at: x)
        let used = usage(x)
        if let cap = plan.maxUsage, used > cap { return .infeasible }
        return used > plan.credit ? .cost(usage - plan.credit + plan.fee) : .cost(.constant(plan.fee))
    }

    /// Usage charges (before credit) as the polynomial valid at x: every meter over its included
    /// quantity, machine seconds at their machine's price, and platform charges when asked.
    func usage(_ plan: ExactPlan, at x: Rational) -> Polynomial {
        var usage = Polynomial.zero
        if provider.isMachinePriced && provider.meter(named: PricingFile.machineMeterName) != nil {
            var following: (name: String, seconds: Polynomial)?
            if let seconds = followingMachineSeconds, let machine = machine(forMemory: x) { following = (machine, seconds) }
            for machine in machineSizes {
                var total = fixedMachineSeconds[machine.name]
                if let following, following.name == machine.name { total = (total ?? .zero) + following.seconds }
                if let total { usage += total * machine.perSecond }
            }
        }
        for meter in plan.meters {
            if let overage = meter.overage {
                if meter.total(x) > meter.included { usage += overage }
            } else {
                usage += Self.charge(meter.price, total: meter.total, at: x, included: meter.included)
            }
        }
        return usage
    }

    /// The smallest machine whose memory fits x (cheaper first among equals), as
    /// `ProviderUsage.machine(for:on:)` chooses; nil when none does.
    func machine(forMemory x: Rational) -> String? {
        machineSizes.filter { $0.memory >= x }.min {
            $0.memory < $1.memory || ($0.memory == $1.memory && $0.perSecond < $1.perSecond)
        }?.name
    }

    /// `Price.charge(total:included:)` as the polynomial in x valid at x, term by term.
    static func charge(_ price: ExactPrice, total: Polynomial, at x: Rational, included: Rational) -> Polynomial {
        let quantity = total(x)
        let overage = quantity - included
        guard overage > .zero else { return .zero }
        switch price {
        case .unit(let unit):
            return (total - included) * unit
        case .block(let per, let amount):
            return .constant((overage / per).ceiling * amount)
        case .tiers(let tiers):
            var lowerBound = Rational.zero
            var sum = Polynomial.zero
            for tier in tiers {
                let from = max(lowerBound, included)
                let toIsTotal = tier.upTo.map { quantity <= $0 } ?? true
                let to: Polynomial = toIsTotal ? total : .constant(tier.upTo!)
                if to(x) > from { sum += (to - from) * tier.price }
                guard let upTo = tier.upTo, quantity > upTo else { break }
                lowerBound = upTo
            }
            return sum
        }
    }
}

extension CostCurve {
    /// The same curve with every label mapped.
    func relabeled(_ map: (Int) -> Int) -> CostCurve {
        CostCurve(grid: grid, forms: forms, labels: labels.map { $0.map(map) }, pointValues: pointValues,
                  pointLabels: pointLabels.map { $0.map(map) }, integerAxis: integerAxis)
    }
}
