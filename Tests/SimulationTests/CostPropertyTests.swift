import Foundation
import Reports
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// SplitMix64 (CostModel's): a tiny, fully specified generator, so every failure replays from
/// its seed. These draws take the output modulo the range's width.
typealias SimSplitMix64 = SplitMix64

extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// True with probability `percent` / 100.
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    /// An exact decimal n × 10^−scale with n drawn from `range`.
    mutating func decimal(_ range: ClosedRange<Int>, scale: Int) -> Decimal {
        let n = int(range)
        return Decimal(sign: n < 0 ? .minus : .plus, exponent: -scale, significand: Decimal(abs(n)))
    }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// Random workloads and pricing files for property tests.
enum SimGenerator {
    static func workload(_ rng: inout SimSplitMix64) -> Workload {
        let count = rng.int(1...6)
        var jobs: [Job] = []
        for index in 0..<count {
            let runs: Decimal
            switch rng.int(0...2) {
            case 0: runs = Decimal(rng.int(0...2_000_000))
            case 1: runs = Decimal(rng.int(0...5000)) * 730 / 24                // runs_per_day
            default: runs = rng.decimal(0...50_000_000, scale: 3)
            }
            let steps = rng.int(1...10)
            let sleeps = rng.int(0...(steps - 1))
            let useRunSeconds = rng.chance(30)
            let seconds = rng.decimal(1...120_000, scale: 3)
            let memory: Decimal? = rng.chance(30) ? nil : Decimal(rng.pick([128, 256, 512, 1024, 1536, 2048, 3008, 4096]))
            let retry: Decimal = rng.chance(50) ? 0 : rng.decimal(0...200, scale: 3)
            jobs.append(Job(name: "job-\(index)", volume: .perMonth(runs), runsPerMonth: runs, stepsPerRun: Decimal(steps),
                            sleepsPerRun: Decimal(sleeps), stepSeconds: useRunSeconds ? nil : seconds,
                            runSeconds: useRunSeconds ? seconds : nil,
                            maxStepSeconds: rng.chance(20) ? seconds + Decimal(rng.int(0...30)) : nil,
                            memoryMB: memory, retryRate: retry, eventsPerRun: Decimal(rng.int(0...3))))
        }
        return Workload(name: "generated", jobs: jobs, file: "generated.yaml")
    }

    static func price(_ rng: inout SimSplitMix64) -> Price {
        switch rng.int(0...3) {
        case 0:
            return .unit(rng.decimal(1...100_000, scale: 8))
        case 1:
            return .block(per: Decimal(rng.pick([1000, 10_000, 1_000_000])), amount: rng.decimal(1...10_000, scale: 2))
        case 2:
            return .prorated(per: Decimal(rng.pick([1000, 10_000, 1_000_000])), amount: rng.decimal(1...10_000, scale: 2))
        default:
            var tiers: [Price.Tier] = []
            var bound = 0
            for _ in 0..<rng.int(0...2) {
                bound += rng.int(1...5_000_000)
                tiers.append(.init(upTo: Decimal(bound), price: rng.decimal(1...100_000, scale: 8)))
            }
            tiers.append(.init(upTo: nil, price: rng.decimal(0...100_000, scale: 8)))
            return .tiers(tiers)
        }
    }

    static func provider(_ rng: inout SimSplitMix64, id: String) -> PricingFile {
        var meters: [Meter] = []
        for index in 0..<rng.int(1...3) {
            var quantities = Quantity.allCases
            var terms: [(quantity: Quantity, coefficient: Decimal)] = []
            for _ in 0..<rng.int(1...2) {
                let quantity = quantities.remove(at: rng.int(0...(quantities.count - 1)))
                terms.append((quantity, rng.pick([1, 1, 2, S.d("0.5"), S.d("0.001")])))
            }
            meters.append(Meter(name: "m\(index)", terms: terms))
        }
        var machines: [Machine] = []
        var defaultMachine: String?
        if rng.chance(25) {
            meters.append(Meter(name: PricingFile.machineMeterName, terms: [(.computeSeconds, 1)]))
            for (index, memory) in [512, 1024, 4096].prefix(rng.int(1...3)).enumerated() {
                machines.append(Machine(name: "machine-\(index)", vcpu: 1, memoryMB: Decimal(memory),
                                        perSecond: rng.decimal(1...100_000, scale: 9), confidence: nil))
            }
            defaultMachine = machines[rng.int(0...(machines.count - 1))].name
        }
        var plans: [Plan] = []
        for index in 0..<rng.int(1...4) {
            var included: [String: Decimal] = [:]
            var prices: [String: Price] = [:]
            for meter in meters where meter.name != PricingFile.machineMeterName || machines.isEmpty {
                if rng.chance(50) { included[meter.name] = Decimal(rng.int(0...5_000_000)) }
                if rng.chance(80) { prices[meter.name] = price(&rng) }
            }
            var limits = Limits()
            if rng.chance(20) { limits.maxQuantity[meters[0].name] = Decimal(rng.int(1...50_000_000)) }
            if rng.chance(10) { limits.memoryMB = Decimal(rng.pick([1024, 2048])) }
            if rng.chance(10) { limits.concurrency = Decimal(rng.int(1...100)) }
            if rng.chance(10) { limits.maxDurationSeconds = Decimal(rng.int(10...900)) }
            let custom = rng.chance(10)
            plans.append(Plan(name: "plan-\(index)", monthlyFee: custom ? nil : rng.decimal(0...50_000, scale: 2),
                              included: included, price: prices,
                              credit: rng.chance(30) ? rng.decimal(0...5000, scale: 2) : 0,
                              production: !rng.chance(10), custom: custom, limits: limits,
                              note: nil, source: nil, effective: nil, confidence: nil))
        }
        return S.provider(id, name: id.uppercased(), catalog: "generated", execution: rng.chance(50) ? .steps : .runs,
                          runsOn: rng.chance(50) ? .platform : .provider, meters: meters, machines: machines,
                          defaultMachine: defaultMachine, plans: plans)
    }

    static func catalog(_ rng: inout SimSplitMix64) -> Catalog {
        let files = (0..<rng.int(1...4)).map { provider(&rng, id: "p\($0)") }
        return PricingLibrary(files: files).catalog(named: "generated")!
    }
}

/// Properties of the cost engine over random workloads and plans (STYLE rules 10 and 11).
/// Every failure message starts with the seed that reproduces it.
@Suite("Cost engine properties")
struct CostPropertyTests {
    static let seeds: [UInt64] = (0..<300).map { 0xC057_5EED_0000 + UInt64($0) }

    private func scaled(_ workload: Workload, by factor: Decimal) -> Workload {
        var copy = workload
        for index in copy.jobs.indices { copy.jobs[index].runsPerMonth *= factor }
        return copy
    }

    @Test("monthly cost never decreases as every job's runs grow", arguments: seeds)
    func monotoneInRuns(seed: UInt64) {
        var rng = SimSplitMix64(seed: seed)
        let workload = SimGenerator.workload(&rng)
        let catalog = SimGenerator.catalog(&rng)
        let factors: [Decimal] = [S.d("1.000001"), S.d("1.5"), 2, 10, rng.decimal(1_000...5_000, scale: 3)]
        var previous = workload
        var previousEngine = CostEngine(workload: workload, platform: nil)
        for factor in factors {
            let grown = scaled(previous, by: factor)
            let engine = CostEngine(workload: grown, platform: nil)
            for provider in catalog.providers {
                for plan in provider.plans where !plan.custom {
                    let before = previousEngine.evaluate(provider: provider, plan: plan)
                    let after = engine.evaluate(provider: provider, plan: plan)
                    guard let low = before.monthlyCost, let high = after.monthlyCost,
                          let exactLow = before.exactCost, let exactHigh = after.exactCost else {
                        Issue.record("seed \(seed): \(before.id) has no cost")
                        continue
                    }
                    #expect(low <= high, "seed \(seed): \(before.id) cost fell from \(low) to \(high) when runs grew × \(factor)")
                    #expect(exactLow <= exactHigh, "seed \(seed): \(before.id) exact cost fell from \(exactLow) to \(exactHigh) when runs grew × \(factor)")
                }
            }
            previous = grown
            previousEngine = engine
        }
    }

    @Test("the cheapest plan of a provider is feasible and no dearer than any feasible plan", arguments: seeds)
    func cheapestIsCheapest(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let workload = SimGenerator.workload(&rng)
        let catalog = SimGenerator.catalog(&rng)
        let comparison = try Comparison.compare(workload, catalog: catalog)
        for choice in comparison.providers {
            let feasible = choice.plans.filter(\.isFeasible)
            guard let cheapest = choice.cheapest else {
                #expect(feasible.isEmpty, "seed \(seed): \(choice.provider) has feasible plans but no cheapest")
                continue
            }
            #expect(cheapest.isFeasible, "seed \(seed): \(cheapest.id) is chosen but \(cheapest.status)")
            #expect(cheapest.plan.production && !cheapest.plan.custom, "seed \(seed): \(cheapest.id) is not a production plan")
            for plan in feasible {
                #expect(cheapest.monthlyCost! <= plan.monthlyCost!,
                        "seed \(seed): \(cheapest.id) at \(cheapest.monthlyCost!) is dearer than feasible \(plan.id) at \(plan.monthlyCost!)")
            }
        }
        let allFeasible = comparison.evaluations.filter(\.isFeasible)
        if let best = comparison.cheapest {
            for plan in allFeasible {
                #expect(best.monthlyCost! <= plan.monthlyCost!, "seed \(seed): overall \(best.id) dearer than \(plan.id)")
            }
            if let next = comparison.runnerUp {
                #expect(next.provider != best.provider, "seed \(seed): runner-up from the same provider")
                #expect(best.monthlyCost! <= next.monthlyCost!, "seed \(seed): runner-up \(next.id) cheaper than \(best.id)")
            }
        } else {
            #expect(allFeasible.isEmpty, "seed \(seed): feasible plans but no cheapest overall")
        }
    }

    @Test("every total is the exact sum of its lines, each line rounded to cents, never below the fee", arguments: seeds)
    func totalsAddUp(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let workload = SimGenerator.workload(&rng)
        let catalog = SimGenerator.catalog(&rng)
        let comparison = try Comparison.compare(workload, catalog: catalog)
        for evaluation in comparison.evaluations {
            if evaluation.plan.custom {
                #expect(evaluation.status == .custom && evaluation.monthlyCost == nil && evaluation.lines.isEmpty,
                        "seed \(seed): custom \(evaluation.id) was priced")
                continue
            }
            guard let total = evaluation.monthlyCost else {
                Issue.record("seed \(seed): \(evaluation.id) has no cost")
                continue
            }
            let sum = evaluation.lines.reduce(Decimal(0)) { $0 + $1.amount }
            #expect(total == sum, "seed \(seed): \(evaluation.id) total \(total) ≠ sum of lines \(sum)")
            for line in evaluation.lines {
                #expect(line.amount == line.amount.rounded(scale: 2),
                        "seed \(seed): \(evaluation.id) line \(line.name) amount \(line.amount) is not rounded to cents")
                #expect(line.amount == Money.round(line.exactAmount) || line.kind == .credit,
                        "seed \(seed): \(evaluation.id) line \(line.name) \(line.amount) is not its exact \(line.exactAmount) rounded")
                if line.kind != .credit {
                    #expect(line.amount >= 0, "seed \(seed): \(evaluation.id) line \(line.name) is negative")
                }
            }
            let fee = evaluation.plan.monthlyFee ?? 0
            #expect(total >= Money.round(fee), "seed \(seed): \(evaluation.id) costs \(total), below its fee \(fee)")
            #expect(evaluation.lines.first?.name == "monthly_fee", "seed \(seed): \(evaluation.id) does not start with the fee")
        }
    }

    @Test("the same input twice gives identical evaluations and identical JSON", arguments: seeds)
    func deterministic(seed: UInt64) throws {
        var first = SimSplitMix64(seed: seed)
        var second = SimSplitMix64(seed: seed)
        let workloadA = SimGenerator.workload(&first), catalogA = SimGenerator.catalog(&first)
        let workloadB = SimGenerator.workload(&second), catalogB = SimGenerator.catalog(&second)
        #expect(workloadA == workloadB, "seed \(seed): the generator is not deterministic")
        #expect(catalogA == catalogB, "seed \(seed): the generator is not deterministic")
        let a = try Comparison.compare(workloadA, catalog: catalogA)
        let b = try Comparison.compare(workloadB, catalog: catalogB)
        #expect(a.evaluations == b.evaluations, "seed \(seed): evaluations differ between two identical runs")
        #expect(a == b, "seed \(seed): comparisons differ")
        let jsonA = a.render(.json), jsonB = b.render(.json)
        #expect(jsonA == jsonB, "seed \(seed): rendered JSON differs between two identical runs")
        #expect(jsonA == a.render(.json), "seed \(seed): rendering twice differs")
    }

    @Test("exact and rounded cost differ by less than half a cent per line", arguments: seeds)
    func roundingError(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let workload = SimGenerator.workload(&rng)
        let catalog = SimGenerator.catalog(&rng)
        let comparison = try Comparison.compare(workload, catalog: catalog)
        for evaluation in comparison.evaluations where !evaluation.plan.custom {
            guard let total = evaluation.monthlyCost, let exact = evaluation.exactCost else {
                Issue.record("seed \(seed): \(evaluation.id) has no cost")
                continue
            }
            let bound = S.d("0.005") * Decimal(evaluation.lines.count)
            let difference = total > exact ? total - exact : exact - total
            #expect(difference < bound,
                    "seed \(seed): \(evaluation.id) rounded \(total) vs exact \(exact) differ by \(difference), bound \(bound)")
        }
    }

    @Test("the generator covers every price kind, machines, credits and infeasible plans")
    func generatorCoverage() {
        var kinds: Set<String> = []
        var sawMachines = false, sawCredit = false, sawInfeasible = false, sawCustom = false
        for seed in Self.seeds {
            var rng = SimSplitMix64(seed: seed)
            let workload = SimGenerator.workload(&rng)
            let catalog = SimGenerator.catalog(&rng)
            for provider in catalog.providers {
                sawMachines = sawMachines || provider.isMachinePriced
                for plan in provider.plans {
                    sawCredit = sawCredit || plan.credit > 0
                    sawCustom = sawCustom || plan.custom
                    for price in plan.price.values {
                        switch price {
                        case .unit: kinds.insert("unit")
                        case .block: kinds.insert("block")
                        case .prorated: kinds.insert("prorated")
                        case .tiers: kinds.insert("tiers")
                        }
                    }
                }
                let choice = CostEngine(workload: workload, platform: nil).evaluate(provider: provider)
                sawInfeasible = sawInfeasible || choice.plans.contains { $0.status == .infeasible }
            }
        }
        #expect(kinds == ["unit", "block", "prorated", "tiers"])
        #expect(sawMachines && sawCredit && sawInfeasible && sawCustom)
    }

    @Test("SplitMix64 matches its reference output")
    func splitMixReference() {
        // Reference values for seed 1234567 from the published SplitMix64 algorithm.
        var rng = SimSplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
    }
}
