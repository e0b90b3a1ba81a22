import CostModel
import Foundation
import Workload

/// What one provider's pricing needs from a simulated month: exact totals and the month's
/// extremes (longest step, largest memory…) over the jobs whose values were sampled.
struct ProviderMonth {
    /// Workload totals by `QuantityIndex` (only the quantities the provider uses are set).
    var totals: [Decimal]
    /// Compute seconds per machine of the provider, in catalog order; nil when no job runs there.
    var machineSeconds: [Decimal?]
    /// Extremes over the sampled (uncertain) jobs; fixed jobs are in the plans' constant masks.
    var longestStep = 0.0
    var longestRun = 0.0
    var largestMemoryMB = 0.0
    var mostSteps = 0.0
    /// Reasons holding for every plan this month (a sampled job no machine fits…).
    var providerMask: UInt32 = 0
}

/// The fast internal pricing path: prices every plan of one provider from a month's exact meter
/// totals, with `CostEngine`'s semantics exactly (the same `Decimal` operations in the same
/// order: lines rounded once, fee + max(0, usage − credit), feasibility, the cheapest feasible
/// plan by its exact cost with ties to the plan listed first), but without per-job structures,
/// line values or reason texts. Tests check it against `CostEngine` on random workloads.
///
/// ```swift
/// let pricer = MeterPricer(file: inngest, platform: nil, withPlatformCosts: false, workload: workload, fixedJobs: workload.jobs)
/// let outcome = pricer.price(month, masks: &masks)  // cheapest plan index, exact cost, bill
/// ```
final class MeterPricer: Sendable {
    /// One bill line's source, in `CostEngine`'s order.
    enum LineSource: Sendable {
        case meter(Int)
        /// One line per machine used (the provider's `compute_seconds` meter).
        case machines
    }

    struct MeterTerms: Sendable {
        var name: String
        var terms: [(quantity: Int, coefficient: Decimal, isOne: Bool)]

        /// Σ coefficient × quantity, as `Meter.value` computes it (a coefficient of 1 skips its
        /// exact multiplication by 1).
        @inline(__always)
        func value(_ totals: [Decimal]) -> Decimal {
            var sum = Decimal(0)
            for term in terms {
                sum += term.isOne ? totals[term.quantity] : term.coefficient * totals[term.quantity]
            }
            return sum
        }
    }

    final class PlanPricer: Sendable {
        let name: String
        let custom: Bool
        let fee: Decimal
        let roundedFee: Decimal
        let credit: Decimal
        let maxUsage: Decimal?
        /// Included quantity and price per meter (same indices as `meters`).
        let included: [Decimal?]
        let prices: [Price?]
        /// Meters with an included quantity and no price: a hard cap.
        let includedCaps: [(meter: Int, included: Decimal)]
        /// `max_quantity` caps, by meter name order.
        let caps: [(meter: Int, cap: Decimal)]
        let concurrency: Decimal?
        let maxDurationSeconds: Double?
        let memoryLimitMB: Double?
        let maxStepsPerRun: Double?
        /// Platform meters' included and prices (with platform costs).
        let platformIncluded: [Decimal?]
        let platformPrices: [Price?]
        /// Reasons fixed by the workload's fixed jobs and the plan itself.
        let constantMask: UInt32

        init(name: String, custom: Bool, fee: Decimal, roundedFee: Decimal, credit: Decimal, maxUsage: Decimal?, included: [Decimal?],
             prices: [Price?], includedCaps: [(meter: Int, included: Decimal)], caps: [(meter: Int, cap: Decimal)], concurrency: Decimal?,
             maxDurationSeconds: Double?, memoryLimitMB: Double?, maxStepsPerRun: Double?, platformIncluded: [Decimal?],
             platformPrices: [Price?], constantMask: UInt32) {
            self.name = name
            self.custom = custom
            self.fee = fee
            self.roundedFee = roundedFee
            self.credit = credit
            self.maxUsage = maxUsage
            self.included = included
            self.prices = prices
            self.includedCaps = includedCaps
            self.caps = caps
            self.concurrency = concurrency
            self.maxDurationSeconds = maxDurationSeconds
            self.memoryLimitMB = memoryLimitMB
            self.maxStepsPerRun = maxStepsPerRun
            self.platformIncluded = platformIncluded
            self.platformPrices = platformPrices
            self.constantMask = constantMask
        }
    }

    /// The result of pricing one month.
    struct Outcome: Sendable {
        /// Index of the cheapest feasible plan, or nil.
        var chosen: Int?
        /// Its exact cost: fee + max(0, usage − credit).
        var exactCost: Decimal
        /// Its bill: the sum of its lines rounded once (what `compare` prints).
        var monthlyCost: Decimal
    }

    let file: PricingFile
    let execution: PricingFile.Execution
    let meters: [MeterTerms]
    let lineSources: [LineSource]
    let machineMeter: MeterTerms?
    let platformMeters: [MeterTerms]
    let plans: [PlanPricer]
    /// The quantities the meters, limits and platform lines read.
    let neededQuantities: [Int]
    /// Seconds in the month, for average concurrency.
    let monthSeconds: Decimal
    let needsConcurrency: Bool
    /// The platform's step limits for `runs_on: platform` providers (sampled jobs).
    let platformMaxDuration: Double?
    let platformMemoryMB: Double?
    /// Machines by memory (then price), for jobs whose memory is sampled.
    let machinesByMemory: [(index: Int, memoryMB: Double)]
    /// Provider-wide reasons from fixed jobs (machines no fixed job fits, steps over the platform's limits).
    let constantProviderMask: UInt32

    /// Compiles a provider.
    /// - Parameters:
    ///   - fixedJobs: the jobs whose values are fixed; their limits are checked once, exactly.
    /// - Complexity: O(plans × meters + fixed jobs × plans).
    init(file: PricingFile, platform: PlatformPlan?, withPlatformCosts: Bool, workload: Workload, fixedJobs: [Job]) {
        self.file = file
        execution = file.execution
        func compile(_ meter: Meter) -> MeterTerms {
            MeterTerms(name: meter.name, terms: meter.terms.map { (QuantityIndex.of($0.quantity), $0.coefficient, $0.coefficient == 1) })
        }
        var meters: [MeterTerms] = []
        var sources: [LineSource] = []
        var machineMeter: MeterTerms?
        for meter in file.meters {
            if file.isMachinePriced && meter.name == PricingFile.machineMeterName {
                machineMeter = compile(meter)
                sources.append(.machines)
            } else {
                sources.append(.meter(meters.count))
                meters.append(compile(meter))
            }
        }
        // Caps and machine lines read meters that may not be billed lines: keep every meter.
        self.meters = meters
        self.lineSources = sources
        self.machineMeter = machineMeter
        let platformForProvider = file.runsOn == .platform ? platform : nil
        let platformLines = withPlatformCosts ? platformForProvider : nil
        platformMeters = platformLines?.file.meters.map(compile) ?? []
        monthSeconds = workload.monthHours * 3600

        var needed = Set<Int>()
        for meter in meters + platformMeters { for term in meter.terms { needed.insert(term.quantity) } }
        for term in machineMeter?.terms ?? [] { needed.insert(term.quantity) }
        let needsConcurrency = file.plans.contains { $0.limits.concurrency != nil && !$0.custom }
        if needsConcurrency { needed.insert(QuantityIndex.computeSeconds) }
        self.needsConcurrency = needsConcurrency
        neededQuantities = needed.sorted()

        platformMaxDuration = platformForProvider?.plan.limits.maxDurationSeconds.map(FieldSampler.double)
        platformMemoryMB = platformForProvider?.plan.limits.memoryMB.map(FieldSampler.double)
        machinesByMemory = file.machines.enumerated()
            .sorted { ($0.element.memoryMB, $0.element.perSecond, $0.offset) < ($1.element.memoryMB, $1.element.perSecond, $1.offset) }
            .map { ($0.offset, FieldSampler.double($0.element.memoryMB)) }

        // Provider-wide reasons of the fixed jobs, as CostEngine finds them.
        var providerMask: UInt32 = 0
        if let platformForProvider {
            let limits = platformForProvider.plan.limits
            for job in fixedJobs {
                if let limit = limits.maxDurationSeconds, job.maxStepSeconds > limit { providerMask |= InfeasibilityKind.platformDuration.bit }
                if let limit = limits.memoryMB, let memory = job.memoryMB, memory > limit { providerMask |= InfeasibilityKind.platformMemory.bit }
            }
        }
        if file.isMachinePriced, file.meter(named: PricingFile.machineMeterName) != nil {
            for job in fixedJobs {
                if case .failure = ProviderUsage.machine(for: job, on: file) { providerMask |= InfeasibilityKind.machine.bit }
            }
        }
        constantProviderMask = providerMask

        plans = file.plans.map { plan in
            let fee = plan.monthlyFee ?? 0
            var mask: UInt32 = plan.production ? 0 : InfeasibilityKind.developmentOnly.bit
            let limits = plan.limits
            for job in fixedJobs {
                if let limit = limits.maxDurationSeconds {
                    let duration = file.execution == .steps ? job.maxStepSeconds : job.activeSecondsPerRun
                    if duration > limit { mask |= InfeasibilityKind.planDuration.bit }
                }
                if let limit = limits.memoryMB, let memory = job.memoryMB, memory > limit { mask |= InfeasibilityKind.planMemory.bit }
                if let limit = limits.maxStepsPerRun, job.stepsPerRun > limit { mask |= InfeasibilityKind.stepsPerRun.bit }
            }
            let included = meters.map { plan.included[$0.name] }
            let prices = meters.map { plan.price[$0.name] }
            var includedCaps: [(Int, Decimal)] = []
            for (index, meter) in meters.enumerated() where prices[index] == nil {
                if let cap = plan.included[meter.name] { includedCaps.append((index, cap)) }
            }
            var caps: [(Int, Decimal)] = []
            for (name, cap) in limits.maxQuantity.sorted(by: { $0.key < $1.key }) {
                if let index = meters.firstIndex(where: { $0.name == name }) {
                    caps.append((index, cap))
                } else if machineMeter?.name == name {
                    caps.append((-1, cap))
                } else if cap < 0 {
                    mask |= InfeasibilityKind.cap.bit   // a meter the provider lacks totals 0
                }
            }
            return PlanPricer(
                name: plan.name, custom: plan.custom, fee: fee, roundedFee: Money.round(fee), credit: plan.credit,
                maxUsage: limits.maxUsage, included: included, prices: prices, includedCaps: includedCaps, caps: caps,
                concurrency: limits.concurrency, maxDurationSeconds: limits.maxDurationSeconds.map(FieldSampler.double),
                memoryLimitMB: limits.memoryMB.map(FieldSampler.double), maxStepsPerRun: limits.maxStepsPerRun.map(FieldSampler.double),
                platformIncluded: platformLines.map { platform in platform.file.meters.map { platform.plan.included[$0.name] } } ?? [],
                platformPrices: platformLines.map { platform in platform.file.meters.map { platform.plan.price[$0.name] } } ?? [],
                constantMask: mask)
        }
    }

    /// The machine a sampled job runs on this month: its `machine`, else the smallest preset
    /// whose memory fits, else the default (as `ProviderUsage.machine(for:on:)`); nil when none fits.
    func machineIndex(for job: Job, memoryMB: Double?) -> Int? {
        if let wanted = job.machine { return file.machines.firstIndex { $0.name == wanted } }
        if let memoryMB {
            return machinesByMemory.first { $0.memoryMB >= memoryMB }?.index
        }
        if let name = file.defaultMachine { return file.machines.firstIndex { $0.name == name } }
        return nil
    }

    /// Prices every plan for one month and picks the cheapest feasible one.
    ///
    /// `masks[i]` receives plan i's reasons (0 when feasible); custom plans get 0 and are never
    /// chosen. Infeasible plans are not priced further than their feasibility needs.
    /// - Complexity: O(plans × (meters + machines)) `Decimal` operations.
    func price(_ month: ProviderMonth, masks: inout [UInt32]) -> Outcome {
        var meterTotals = [Decimal](repeating: 0, count: meters.count)
        return price(month, masks: &masks, meterTotals: &meterTotals)
    }

    /// `price(_:masks:)` with a reused buffer for the meter totals.
    func price(_ month: ProviderMonth, masks: inout [UInt32], meterTotals: inout [Decimal]) -> Outcome {
        for index in meters.indices { meterTotals[index] = meters[index].value(month.totals) }
        var average: Decimal?
        if needsConcurrency {
            average = month.totals[QuantityIndex.computeSeconds] / monthSeconds
        }
        var machineTotal: Decimal?
        var best: (index: Int, exact: Decimal, monthly: Decimal)?
        let providerMask = constantProviderMask | month.providerMask | sampledPlatformMask(month)
        for (index, plan) in plans.enumerated() {
            if plan.custom {
                masks[index] = 0
                continue
            }
            var mask = plan.constantMask | providerMask | sampledLimitMask(plan, month)
            for (meter, included) in plan.includedCaps where meterTotals[meter] > included {
                mask |= InfeasibilityKind.includedCap.bit
            }
            for (meter, cap) in plan.caps {
                let quantity: Decimal
                if meter >= 0 {
                    quantity = meterTotals[meter]
                } else {
                    if machineTotal == nil { machineTotal = machineMeter?.value(month.totals) ?? 0 }
                    quantity = machineTotal ?? 0
                }
                if quantity > cap { mask |= InfeasibilityKind.cap.bit }
            }
            if let limit = plan.concurrency, let average, average > limit { mask |= InfeasibilityKind.concurrency.bit }
            // A plan ruled out already is priced only to count a usage cap it also crosses.
            if mask != 0 && plan.maxUsage == nil {
                masks[index] = mask
                continue
            }
            let usage = bill(plan, month, meterTotals)
            if let cap = plan.maxUsage, usage.exact > cap { mask |= InfeasibilityKind.usageCap.bit }
            masks[index] = mask
            if mask != 0 { continue }
            // The cheapest by exact cost, ties to the plan listed first (as CostEngine chooses).
            let exact = plan.fee + max(0, usage.exact - plan.credit)
            if let current = best, current.exact <= exact { continue }
            var monthly = usage.monthly
            if plan.credit > 0 {
                monthly += -min(plan.credit, usage.rounded)
            }
            best = (index, exact, monthly)
        }
        guard let best else { return Outcome(chosen: nil, exactCost: 0, monthlyCost: 0) }
        return Outcome(chosen: best.index, exactCost: best.exact, monthlyCost: best.monthly)
    }

    /// Each meter's monthly total (`Meter.value` over the totals), in `meters` order.
    func meterTotals(_ month: ProviderMonth) -> [Decimal] {
        meters.map { $0.value(month.totals) }
    }

    /// A plan's usage charges, exact and rounded line by line, and its bill before the credit:
    /// the lines `CostEngine.evaluate(usage:plan:)` writes, added up in the same order.
    /// - Complexity: O(meters + machines + platform meters) `Decimal` operations.
    func bill(_ plan: PlanPricer, _ month: ProviderMonth, _ meterTotals: [Decimal]) -> (exact: Decimal, rounded: Decimal, monthly: Decimal) {
        var exactUsage = Decimal(0)
        var roundedUsage = Decimal(0)
        var monthly = Decimal(0) + plan.roundedFee
        for source in lineSources {
            switch source {
            case .meter(let meter):
                guard let price = plan.prices[meter] else { continue }
                let exact = price.charge(total: meterTotals[meter], included: plan.included[meter] ?? 0)
                if exact.isZero { continue }
                let rounded = Money.round(exact)
                exactUsage += exact
                roundedUsage += rounded
                monthly += rounded
            case .machines:
                for (machine, seconds) in zip(file.machines, month.machineSeconds) {
                    guard let seconds, !seconds.isZero else { continue }
                    let exact = seconds * machine.perSecond
                    let rounded = Money.round(exact)
                    exactUsage += exact
                    roundedUsage += rounded
                    monthly += rounded
                }
            }
        }
        for (position, meter) in platformMeters.enumerated() {
            guard let price = plan.platformPrices[position] else { continue }
            let exact = price.charge(total: meter.value(month.totals), included: plan.platformIncluded[position] ?? 0)
            if exact.isZero { continue }
            let rounded = Money.round(exact)
            exactUsage += exact
            roundedUsage += rounded
            monthly += rounded
        }
        return (exactUsage, roundedUsage, monthly)
    }

    /// Platform limits crossed by the month's sampled jobs (`runs_on: platform` providers).
    @inline(__always)
    func sampledPlatformMask(_ month: ProviderMonth) -> UInt32 {
        var mask: UInt32 = 0
        if let limit = platformMaxDuration, month.longestStep > limit { mask |= InfeasibilityKind.platformDuration.bit }
        if let limit = platformMemoryMB, month.largestMemoryMB > limit { mask |= InfeasibilityKind.platformMemory.bit }
        return mask
    }

    /// Plan limits crossed by the month's sampled jobs.
    @inline(__always)
    func sampledLimitMask(_ plan: PlanPricer, _ month: ProviderMonth) -> UInt32 {
        var mask: UInt32 = 0
        if let limit = plan.maxDurationSeconds, (execution == .steps ? month.longestStep : month.longestRun) > limit {
            mask |= InfeasibilityKind.planDuration.bit
        }
        if let limit = plan.memoryLimitMB, month.largestMemoryMB > limit { mask |= InfeasibilityKind.planMemory.bit }
        if let limit = plan.maxStepsPerRun, month.mostSteps > limit { mask |= InfeasibilityKind.stepsPerRun.bit }
        return mask
    }
}
