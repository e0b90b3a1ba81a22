import CostModel
import Foundation
import Workload

/// Prices workloads against a catalog's plans: exact arithmetic, lines rounded once,
/// feasibility with reasons in words (SPEC §5).
///
/// ```swift
/// let engine = CostEngine(workload: workload, platform: nil)
/// engine.evaluate(provider: inngest, plan: startup).monthlyCost  // 40.00 for the seed scenario
/// ```
public struct CostEngine: Sendable {
    public let workload: Workload
    /// The platform plan bounding `runs_on: platform` providers, when one is known.
    public let platform: PlatformPlan?
    /// Adds the platform plan's own usage charges (invocations, GB-hours) to providers whose
    /// steps run in the workload's functions (`--with-platform-costs`).
    public let withPlatformCosts: Bool

    public init(workload: Workload, platform: PlatformPlan?, withPlatformCosts: Bool = false) {
        self.workload = workload
        self.platform = platform
        self.withPlatformCosts = withPlatformCosts
    }

    /// The usage of the workload under one provider's execution model, computed once and
    /// shared by all of its plans.
    public func usage(on provider: PricingFile) -> ProviderUsage {
        var usage = ProviderUsage(provider: provider, workload: workload)
        usage.providerReasons += platformReasons(for: provider)
        return usage
    }

    /// Prices every plan of one provider.
    /// - Complexity: O(jobs × meters + plans × meters).
    public func evaluate(provider: PricingFile) -> ProviderChoice {
        let usage = usage(on: provider)
        let plans = provider.plans.map { evaluate(usage: usage, plan: $0) }
        // By the exact cost (the rounded bill can tie or invert within a cent); the first plan in
        // file order wins a tie.
        let cheapest = plans.filter(\.isFeasible).min { ($0.exactCost ?? 0) < ($1.exactCost ?? 0) }
        return ProviderChoice(provider: provider.provider, providerName: provider.name, cheapest: cheapest, plans: plans)
    }

    /// Prices several providers, each on its own core when there are several; results come back
    /// in the order given, so the output does not depend on scheduling.
    /// - Complexity: O(providers × jobs) work spread over the machine's cores.
    public func evaluateInParallel(_ providers: [PricingFile]) -> [ProviderChoice] {
        guard providers.count > 1, workload.jobs.count >= 1000 else { return providers.map { evaluate(provider: $0) } }
        let results = ResultSlots<ProviderChoice>(count: providers.count)
        DispatchQueue.concurrentPerform(iterations: providers.count) { index in
            results.store(evaluate(provider: providers[index]), at: index)
        }
        return results.values()
    }

    /// Prices one plan.
    public func evaluate(provider: PricingFile, plan: Plan) -> PlanEvaluation {
        evaluate(usage: usage(on: provider), plan: plan)
    }

    /// Prices one plan against precomputed usage.
    public func evaluate(usage: ProviderUsage, plan: Plan) -> PlanEvaluation {
        let provider = usage.provider
        var evaluation = PlanEvaluation(provider: provider.provider, providerName: provider.name, plan: plan,
                                        status: .feasible, reasons: [], lines: [], monthlyCost: nil, exactCost: nil)
        if plan.custom {
            evaluation.status = .custom
            evaluation.reasons = ["custom pricing: contact sales"]
            return evaluation
        }
        var reasons = usage.providerReasons
        if !plan.production {
            reasons.append(Self.developmentOnlyReason(plan: plan.name))
        }
        reasons += limitReasons(usage: usage, plan: plan)

        var lines: [CostLine] = []
        let fee = plan.monthlyFee ?? 0
        lines.append(CostLine(name: "monthly_fee", kind: .fee, quantity: nil, included: nil, price: nil, perSecond: nil,
                              amount: Money.round(fee), exactAmount: fee))
        for meter in provider.meters {
            if provider.isMachinePriced && meter.name == PricingFile.machineMeterName {
                for machine in usage.machineSeconds {
                    let exact = machine.seconds * machine.perSecond
                    lines.append(CostLine(name: "\(meter.name) (\(machine.name))", kind: .compute, quantity: machine.seconds,
                                          included: nil, price: nil, perSecond: machine.perSecond,
                                          amount: Money.round(exact), exactAmount: exact))
                }
                continue
            }
            let quantity = usage.meterTotals[meter.name] ?? 0
            let included = plan.included[meter.name]
            let price = plan.price[meter.name]
            let exact = price?.charge(total: quantity, included: included ?? 0) ?? 0
            if price == nil, let included, quantity > included {
                reasons.append(Self.includedCapReason(meter: meter.name, quantity: quantity, included: included, plan: plan.name))
            }
            lines.append(CostLine(name: meter.name, kind: .usage, quantity: quantity, included: included, price: price,
                                  perSecond: nil, amount: Money.round(exact), exactAmount: exact))
        }
        if withPlatformCosts, provider.runsOn == .platform, let platform {
            lines += platformLines(usage: usage, platform: platform)
        }
        let usageLines = lines.filter { $0.kind != .fee }
        let roundedUsage = usageLines.reduce(Decimal(0)) { $0 + $1.amount }
        let exactUsage = usageLines.reduce(Decimal(0)) { $0 + $1.exactAmount }
        if let cap = plan.limits.maxUsage, exactUsage > cap {
            reasons.append(Self.usageCapReason(usage: exactUsage, cap: cap, plan: plan.name))
        }
        if plan.credit > 0 {
            let applied = min(plan.credit, roundedUsage)
            lines.append(CostLine(name: "credit", kind: .credit, quantity: nil, included: nil, price: nil, perSecond: nil,
                                  amount: -applied, exactAmount: -min(plan.credit, exactUsage)))
        }
        evaluation.lines = lines
        evaluation.monthlyCost = lines.reduce(Decimal(0)) { $0 + $1.amount }
        evaluation.exactCost = fee + max(0, exactUsage - plan.credit)
        evaluation.reasons = reasons
        evaluation.status = reasons.isEmpty ? .feasible : .infeasible
        return evaluation
    }

    /// The platform's usage charges for the steps this provider runs in the workload's functions:
    /// one line per platform meter, named `vercel invocations`. Credits of the provider's plan
    /// apply to them as to any usage.
    func platformLines(usage: ProviderUsage, platform: PlatformPlan) -> [CostLine] {
        platform.file.meters.map { meter in
            let quantity = meter.value { usage.totals[$0] }
            let included = platform.plan.included[meter.name]
            let price = platform.plan.price[meter.name]
            let exact = price?.charge(total: quantity, included: included ?? 0) ?? 0
            return CostLine(name: "\(platform.file.provider) \(meter.name)", kind: .usage, quantity: quantity, included: included,
                            price: price, perSecond: nil, amount: Money.round(exact), exactAmount: exact)
        }
    }

    /// Reasons a `runs_on: platform` provider cannot take the workload on its platform plan.
    func platformReasons(for provider: PricingFile) -> [String] {
        guard provider.runsOn == .platform, let platform else { return [] }
        var reasons = ReasonList()
        let limits = platform.plan.limits
        for job in workload.jobs {
            if let limit = limits.maxDurationSeconds, job.maxStepSeconds > limit {
                reasons.append("duration", Self.platformDurationReason(job: job.name, seconds: job.maxStepSeconds, platform: platform.displayName, limit: limit))
            }
            if let limit = limits.memoryMB, let memory = job.memoryMB, memory > limit {
                reasons.append("memory", Self.platformMemoryReason(job: job.name, memoryMB: memory, platform: platform.displayName, limit: limit))
            }
        }
        return reasons.texts
    }

    /// Reasons a plan's own limits rule the workload out.
    func limitReasons(usage: ProviderUsage, plan: Plan) -> [String] {
        let limits = plan.limits
        guard !limits.isEmpty else { return [] }
        var reasons = ReasonList()
        let provider = usage.provider
        for job in workload.jobs {
            if let limit = limits.maxDurationSeconds {
                let duration = provider.execution == .steps ? job.maxStepSeconds : job.activeSecondsPerRun
                let what = provider.execution == .steps ? "step" : "run"
                if duration > limit {
                    reasons.append("duration", Self.planDurationReason(job: job.name, seconds: duration, what: what, provider: provider.name,
                                                                       plan: plan.name, limit: limit))
                }
            }
            if let limit = limits.memoryMB, let memory = job.memoryMB, memory > limit {
                reasons.append("memory", Self.planMemoryReason(job: job.name, memoryMB: memory, provider: provider.name, plan: plan.name, limit: limit))
            }
            if let limit = limits.maxStepsPerRun, job.stepsPerRun > limit {
                reasons.append("steps", "\(job.name): \(Self.number(job.stepsPerRun)) steps per run exceed \(provider.name) \(plan.name)'s \(Self.number(limit))")
            }
        }
        if let limit = limits.concurrency {
            let seconds = workload.monthHours * 3600
            let average = usage.totals[.computeSeconds] / seconds
            if average > limit {
                reasons.append("concurrency", Self.concurrencyReason(average: average, limit: limit, plan: plan.name))
            }
        }
        for (meter, cap) in limits.maxQuantity.sorted(by: { $0.key < $1.key }) {
            let quantity = usage.meterTotals[meter] ?? 0
            if quantity > cap {
                reasons.append("cap", Self.capReason(meter: meter, quantity: quantity, plan: plan.name, cap: cap))
            }
        }
        return reasons.texts
    }

    /// Plain grouped number for reasons: 1,000,000 or 45 or 12.5.
    static func number(_ value: Decimal) -> String {
        NumberFormat.quantity(value)
    }

    // MARK: Reason sentences (shared with the simulation's examples, `Simulator.example`)

    /// `hobby is for development only (production: false)`.
    static func developmentOnlyReason(plan: String) -> String {
        "\(plan) is for development only (production: false)"
    }

    /// `pdf-export: 312 s step exceeds Vercel Pro's 300 s limit`.
    static func platformDurationReason(job: String, seconds: Decimal, platform: String, limit: Decimal) -> String {
        "\(job): \(number(seconds)) s step exceeds \(platform)'s \(number(limit)) s limit"
    }

    /// `render: 4,096 MB exceeds Vercel Hobby's 2,048 MB memory limit`.
    static func platformMemoryReason(job: String, memoryMB: Decimal, platform: String, limit: Decimal) -> String {
        "\(job): \(number(memoryMB)) MB exceeds \(platform)'s \(number(limit)) MB memory limit"
    }

    /// `etl: 7,200 s run exceeds Inngest Hobby's 3,600 s limit` (`what`: `step` or `run`).
    static func planDurationReason(job: String, seconds: Decimal, what: String, provider: String, plan: String, limit: Decimal) -> String {
        "\(job): \(number(seconds)) s \(what) exceeds \(provider) \(plan)'s \(number(limit)) s limit"
    }

    /// `render: 4,096 MB exceeds Inngest Hobby's 2,048 MB memory limit`.
    static func planMemoryReason(job: String, memoryMB: Decimal, provider: String, plan: String, limit: Decimal) -> String {
        "\(job): \(number(memoryMB)) MB exceeds \(provider) \(plan)'s \(number(limit)) MB memory limit"
    }

    /// `needs 12.5 concurrent executions on average, more than the 5 hobby allows`.
    static func concurrencyReason(average: Decimal, limit: Decimal, plan: String) -> String {
        "needs \(number(average)) concurrent executions on average, more than the \(number(limit)) \(plan) allows"
    }

    /// `runs: 120,000 exceeds hobby's cap of 100,000`.
    static func capReason(meter: String, quantity: Decimal, plan: String, cap: Decimal) -> String {
        "\(meter): \(number(quantity)) exceeds \(plan)'s cap of \(number(cap))"
    }

    /// `runs: 120,000 exceeds the 100,000 included on hobby (no overage price)`.
    static func includedCapReason(meter: String, quantity: Decimal, included: Decimal, plan: String) -> String {
        "\(meter): \(number(quantity)) exceeds the \(number(included)) included on \(plan) (no overage price)"
    }

    /// `usage of $120.00 exceeds the $100.00 of usage pro allows`.
    static func usageCapReason(usage: Decimal, cap: Decimal, plan: String) -> String {
        "usage of \(NumberFormat.dollars(usage)) exceeds the \(NumberFormat.dollars(cap)) of usage \(plan) allows"
    }

}

/// Fixed slots filled from concurrent iterations, each index written once.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func store(_ value: Value, at index: Int) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func values() -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

/// Reasons in words, at most `perKind` of one kind (a 10,000-job workload must not print 10,000
/// lines): the rest are counted in one closing line per kind.
struct ReasonList {
    static let perKind = 5
    private var entries: [(kind: String, text: String)] = []
    private var overflow: [(kind: String, count: Int)] = []

    mutating func append(_ kind: String, _ text: String) {
        if entries.filter({ $0.kind == kind }).count < Self.perKind {
            entries.append((kind, text))
        } else if let index = overflow.firstIndex(where: { $0.kind == kind }) {
            overflow[index].count += 1
        } else {
            overflow.append((kind, 1))
        }
    }

    var texts: [String] {
        var result: [String] = []
        for (index, entry) in entries.enumerated() {
            result.append(entry.text)
            let lastOfKind = !entries[(index + 1)...].contains { $0.kind == entry.kind }
            if lastOfKind, let extra = overflow.first(where: { $0.kind == entry.kind }) {
                result.append("… and \(extra.count) more job\(extra.count == 1 ? "" : "s") for the same reason")
            }
        }
        return result
    }
}

/// A platform plan (Vercel Pro) whose limits bound `runs_on: platform` providers.
public struct PlatformPlan: Sendable, Equatable {
    public var file: PricingFile
    public var plan: Plan

    public init(file: PricingFile, plan: Plan) {
        self.file = file
        self.plan = plan
    }

    /// `Vercel Hobby`.
    public var displayName: String {
        "\(file.name) \(plan.name.prefix(1).uppercased() + plan.name.dropFirst())"
    }

    /// `vercel/hobby`.
    public var id: String { "\(file.provider)/\(plan.name)" }
}

/// A workload's monthly usage under one provider's execution model.
public struct ProviderUsage: Sendable {
    public struct MachineSeconds: Sendable, Equatable {
        public var name: String
        public var perSecond: Decimal
        public var seconds: Decimal
    }

    public let provider: PricingFile
    /// Each job's quantities, in workload order.
    public let jobQuantities: [QuantitySet]
    public let totals: QuantitySet
    /// Each meter's monthly total, summed over all jobs.
    public let meterTotals: [String: Decimal]
    /// Compute seconds per machine preset used, in catalog order (machine-priced providers).
    public let machineSeconds: [MachineSeconds]
    /// The machine each job runs on, for machine-priced providers.
    public let jobMachines: [String?]
    /// Reasons that hold for every plan (a job no machine can take, a step over the platform's limit).
    public internal(set) var providerReasons: [String]

    init(provider: PricingFile, workload: Workload) {
        self.provider = provider
        var jobQuantities: [QuantitySet] = []
        jobQuantities.reserveCapacity(workload.jobs.count)
        var totals = QuantitySet()
        for job in workload.jobs {
            let quantities = job.quantities(execution: provider.execution)
            jobQuantities.append(quantities)
            totals += quantities
        }
        var meterTotals: [String: Decimal] = [:]
        for meter in provider.meters {
            meterTotals[meter.name] = meter.value { totals[$0] }
        }
        var reasons = ReasonList()
        var machines: [String?] = []
        var seconds: [String: Decimal] = [:]
        if provider.isMachinePriced, let meter = provider.meter(named: PricingFile.machineMeterName) {
            var chosen: [MachineKey: Machine] = [:]
            for (index, job) in workload.jobs.enumerated() {
                let key = MachineKey(machine: job.machine, memoryMB: job.memoryMB)
                let choice = chosen[key].map { Result<Machine, MachineProblem>.success($0) } ?? Self.machine(for: job, on: provider)
                if case .success(let machine) = choice { chosen[key] = machine }
                switch choice {
                case .success(let machine):
                    machines.append(machine.name)
                    seconds[machine.name, default: 0] += meter.value { jobQuantities[index][$0] }
                case .failure(let reason):
                    machines.append(nil)
                    reasons.append(reason.kind, reason.text)
                }
            }
        }
        self.jobQuantities = jobQuantities
        self.totals = totals
        self.meterTotals = meterTotals
        self.machineSeconds = provider.machines.compactMap { machine in
            seconds[machine.name].map { MachineSeconds(name: machine.name, perSecond: machine.perSecond, seconds: $0) }
        }
        self.jobMachines = machines
        self.providerReasons = reasons.texts
    }

    struct MachineProblem: Error {
        let kind: String
        let text: String
    }

    /// What decides a job's machine; jobs sharing it share the choice.
    struct MachineKey: Hashable {
        var machine: String?
        var memoryMB: Decimal?
    }

    /// The job's `machine`, else the smallest preset whose memory fits `memory_mb`, else the
    /// provider's default (SPEC §3).
    static func machine(for job: Job, on provider: PricingFile) -> Result<Machine, MachineProblem> {
        if let wanted = job.machine {
            if let machine = provider.machines.first(where: { $0.name == wanted }) { return .success(machine) }
            let names = provider.machines.map(\.name).joined(separator: ", ")
            return .failure(MachineProblem(kind: "machine-unknown", text: "\(job.name): machine '\(wanted)' is not offered by \(provider.name) (\(names))"))
        }
        if let memory = job.memoryMB {
            let fitting = provider.machines.filter { $0.memoryMB >= memory }.min { $0.memoryMB < $1.memoryMB || ($0.memoryMB == $1.memoryMB && $0.perSecond < $1.perSecond) }
            if let fitting { return .success(fitting) }
            let largest = provider.machines.map(\.memoryMB).max() ?? 0
            return .failure(MachineProblem(kind: "machine-memory", text: largestMachineReason(job: job.name, memoryMB: memory, provider: provider.name, largest: largest)))
        }
        if let name = provider.defaultMachine, let machine = provider.machines.first(where: { $0.name == name }) {
            return .success(machine)
        }
        return .failure(MachineProblem(kind: "machine-default", text: "\(job.name): \(provider.name) has no default machine"))
    }

    /// `render: 65,536 MB exceeds Modal's largest machine (32,768 MB)` (shared with `Simulator.example`).
    static func largestMachineReason(job: String, memoryMB: Decimal, provider: String, largest: Decimal) -> String {
        "\(job): \(CostEngine.number(memoryMB)) MB exceeds \(provider)'s largest machine (\(CostEngine.number(largest)) MB)"
    }
}
