import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// Random placement instances: providers of every billing shape (unit, block, prorated and
/// tiered prices, allowances shared by meters, credits, caps, usage caps, machines, platform
/// limits, development-only and custom plans) and jobs whose volumes make allowances matter.
enum PlacementGenerator {
    static let meterShapes: [(String, [(Quantity, Decimal)])] = [
        ("steps", [(.steps, 1)]),
        ("executions", [(.runs, 1), (.steps, 1)]),
        ("runs", [(.runs, 1)]),
        ("events", [(.events, 1)]),
        ("gb_seconds", [(.gbSeconds, 1)]),
        ("attempts", [(.stepAttempts, 1)]),
    ]

    static func price(_ rng: inout SimSplitMix64) -> Price {
        switch rng.int(0...3) {
        case 0: return .unit(rng.decimal(1...5_000, scale: 6))
        case 1: return .block(per: Decimal(rng.pick([1000, 10_000, 100_000])), amount: rng.decimal(100...5_000, scale: 2))
        case 2: return .prorated(per: Decimal(rng.pick([1000, 10_000, 100_000])), amount: rng.decimal(1...500, scale: 2))
        default:
            var tiers: [Price.Tier] = []
            var bound = 0
            for _ in 0..<rng.int(1...2) {
                bound += rng.int(10_000...400_000)
                tiers.append(.init(upTo: Decimal(bound), price: rng.decimal(1...5_000, scale: 6)))
            }
            tiers.append(.init(upTo: nil, price: rng.decimal(0...5_000, scale: 6)))
            return .tiers(tiers)
        }
    }

    static func provider(_ rng: inout SimSplitMix64, id: String) -> PricingFile {
        var meters: [Meter] = []
        var shapes = meterShapes
        for _ in 0..<rng.int(1...2) {
            let shape = shapes.remove(at: rng.int(0...(shapes.count - 1)))
            meters.append(S.meter(shape.0, shape.1))
        }
        var machines: [Machine] = []
        var defaultMachine: String?
        if rng.chance(30) {
            meters.append(S.meter(PricingFile.machineMeterName, [(.computeSeconds, 1)]))
            for (index, memory) in [512, 1024, 4096].prefix(rng.int(1...3)).enumerated() {
                machines.append(S.machine("m\(index)", memoryMB: Decimal(memory), perSecond: rng.decimal(1...200, scale: 7)))
            }
            defaultMachine = machines[rng.int(0...(machines.count - 1))].name
        }
        var plans: [Plan] = []
        for index in 0..<rng.int(1...3) {
            var included: [String: Decimal] = [:]
            var prices: [String: Price] = [:]
            for meter in meters where meter.name != PricingFile.machineMeterName {
                if rng.chance(60) { included[meter.name] = Decimal(rng.int(0...400_000)) }
                if rng.chance(80) { prices[meter.name] = price(&rng) }
            }
            var limits = Limits()
            if rng.chance(15) { limits.maxQuantity[meters[0].name] = Decimal(rng.int(50_000...2_000_000)) }
            if rng.chance(10) { limits.memoryMB = Decimal(rng.pick([1024, 2048])) }
            if rng.chance(10) { limits.concurrency = Decimal(rng.int(1...5)) }
            if rng.chance(10) { limits.maxDurationSeconds = Decimal(rng.int(10...120)) }
            if rng.chance(10) { limits.maxStepsPerRun = Decimal(rng.int(2...6)) }
            if rng.chance(10) { limits.maxUsage = rng.decimal(100...50_000, scale: 2) }
            let custom = rng.chance(8)
            plans.append(S.plan("plan\(index)", fee: rng.pick([0, 5, 20, 40, 99, 175, S.d("12.34")]), included: included, price: prices,
                                credit: rng.chance(25) ? rng.decimal(0...10_000, scale: 2) : 0, production: !rng.chance(8),
                                custom: custom, limits: limits))
        }
        return S.provider(id, name: id.uppercased(), catalog: "generated", execution: rng.chance(50) ? .steps : .runs,
                          runsOn: rng.chance(50) ? .platform : .provider, meters: meters, machines: machines,
                          defaultMachine: defaultMachine, plans: plans)
    }

    static func job(_ rng: inout SimSplitMix64, index: Int) -> Job {
        let runs: Decimal
        switch rng.int(0...3) {
        case 0: runs = Decimal(rng.int(0...2_000))
        case 1: runs = Decimal(rng.int(0...300_000))
        case 2: runs = Decimal(rng.int(0...5_000)) * 730 / 24      // runs_per_day: a repeating decimal
        default: runs = rng.decimal(0...50_000_000, scale: 3)
        }
        let steps = rng.int(1...8)
        let sleeps = rng.int(0...(steps - 1))
        let seconds = rng.decimal(100...90_000, scale: 3)
        return S.job("job-\(index)", runs: runs, steps: Decimal(steps), sleeps: Decimal(sleeps), stepSeconds: seconds,
                     maxStepSeconds: rng.chance(20) ? seconds + Decimal(rng.int(0...30)) : nil,
                     memoryMB: rng.chance(40) ? nil : Decimal(rng.pick([256, 512, 1024, 2048, 8192])),
                     retry: rng.chance(60) ? 0 : rng.decimal(0...200, scale: 3), events: Decimal(rng.int(0...2)))
    }

    /// A random instance with exactly `jobs` jobs and `providers` providers.
    static func instance(_ rng: inout SimSplitMix64, jobs: Int, providers: Int) -> (Workload, Catalog, PlacementRequest) {
        var files = (0..<providers).map { provider(&rng, id: "p\($0)") }
        var platformReference: PlatformReference?
        if rng.chance(60) {
            var limits = Limits(maxDurationSeconds: Decimal(rng.pick([10, 30, 60])), memoryMB: rng.chance(30) ? 2048 : nil)
            limits.maxUsage = nil
            var platformPlan = S.plan("plan", fee: nil, limits: limits)
            if rng.chance(50) {
                platformPlan.included = ["invocations": Decimal(rng.int(0...200_000))]
                platformPlan.price = ["invocations": .prorated(per: 1_000_000, amount: S.d("0.60"))]
            }
            files.append(S.provider("vercel", name: "Vercel", catalog: "generated", kind: .platform,
                                    meters: [S.meter("invocations", [(.invocations, 1)])], plans: [platformPlan]))
            platformReference = PlatformReference(provider: "vercel", plan: "plan")
        }
        let workload = S.workload((0..<jobs).map { job(&rng, index: $0) }, platform: platformReference)
        let catalog = PricingLibrary(files: files).catalog(named: "generated")!
        var request = PlacementRequest(withPlatformCosts: platformReference != nil && rng.chance(50))
        if rng.chance(30) { request.maxProviders = rng.int(1...max(1, providers - 1)) }
        if rng.chance(30), jobs > 0 {
            for _ in 0..<rng.int(1...2) {
                let job = "job-\(rng.int(0...(jobs - 1)))"
                if !request.pins.contains(where: { $0.job == job }) {
                    request.pins.append(PlacementPin(job: job, provider: "p\(rng.int(0...(providers - 1)))"))
                }
            }
        }
        return (workload, catalog, request)
    }
}

/// The reference: every assignment of jobs to providers (kⁿ), each provider priced by
/// `CostEngine` on the sub-workload of its jobs at its cheapest feasible plan by exact cost.
/// Independent of `PlacementCosts` and of the search.
struct PlacementBruteForce {
    let workload: Workload
    let providers: [PricingFile]
    let platform: PlatformPlan?
    let withPlatformCosts: Bool
    let allowed: [[Bool]]
    let maxProviders: Int
    private var memo: [Int: Decimal?] = [:]

    init(workload: Workload, catalog: Catalog, request: PlacementRequest) throws {
        self.workload = workload
        providers = try catalog.selectProviders(request.providers)
        platform = try catalog.resolvePlatform(request.platform ?? workload.platform, fromCommandLine: false, workloadFile: workload.file)
        withPlatformCosts = request.withPlatformCosts
        var allowed = [[Bool]](repeating: [Bool](repeating: true, count: providers.count), count: workload.jobs.count)
        for pin in request.pins {
            let job = workload.jobs.firstIndex { $0.name == pin.job }!
            let provider = providers.firstIndex { $0.provider == pin.provider }!
            for index in providers.indices { allowed[job][index] = index == provider }
        }
        self.allowed = allowed
        maxProviders = min(request.maxProviders ?? providers.count, providers.count)
    }

    /// `CostEngine`'s cheapest feasible plan for the jobs in `mask`, by exact cost; 0 when empty.
    mutating func cost(provider: Int, mask: Int) -> Decimal? {
        let key = provider << 32 | mask
        if let known = memo[key] { return known }
        var value: Decimal?
        if mask == 0 {
            value = 0
        } else {
            let jobs = workload.jobs.indices.filter { mask & (1 << $0) != 0 }.map { workload.jobs[$0] }
            let sub = Workload(name: workload.name, platform: workload.platform, monthHours: workload.monthHours, jobs: jobs, file: workload.file)
            let choice = CostEngine(workload: sub, platform: platform, withPlatformCosts: withPlatformCosts).evaluate(provider: providers[provider])
            value = choice.plans.filter(\.isFeasible).compactMap(\.exactCost).min()
        }
        memo[key] = value
        return value
    }

    /// The cheapest placement's exact cost and assignment, nil when none is feasible: every
    /// assignment of every job to every allowed provider, depth first.
    mutating func solve() -> (cost: Decimal, assignment: [Int])? {
        let n = workload.jobs.count, k = providers.count
        var best: (cost: Decimal, assignment: [Int])?
        var assignment = [Int](repeating: 0, count: n)
        var masks = [Int](repeating: 0, count: k)
        func visit(_ job: Int) {
            if job == n {
                guard masks.filter({ $0 != 0 }).count <= maxProviders else { return }
                var sum = Decimal(0)
                for provider in 0..<k {
                    guard let cost = cost(provider: provider, mask: masks[provider]) else { return }
                    sum += cost
                }
                if best == nil || sum < best!.cost { best = (sum, assignment) }
                return
            }
            for provider in 0..<k where allowed[job][provider] {
                assignment[job] = provider
                masks[provider] |= 1 << job
                visit(job + 1)
                masks[provider] &= ~(1 << job)
            }
        }
        visit(0)
        return best
    }
}
