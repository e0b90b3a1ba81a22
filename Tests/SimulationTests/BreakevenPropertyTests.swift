import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// Random workloads, catalogs and axes for breakeven properties. Numbers are short decimals so
/// that `CostEngine`'s own `Decimal` arithmetic is exact (under 38 digits) and the curve can be
/// compared with it for equality, not closeness.
enum BreakevenGenerator {
    struct Case {
        var workload: Workload
        var catalog: Catalog
        var axis: WorkloadAxis
        var job: String?
        var options: [String]
        var from: Decimal
        var to: Decimal
        var platform: PlatformReference?
        var withPlatformCosts: Bool
    }

    static func workload(_ rng: inout SimSplitMix64) -> Workload {
        var jobs: [Job] = []
        for index in 0..<rng.int(1...4) {
            let runs: Decimal = rng.chance(70) ? Decimal(rng.int(0...100_000)) : rng.decimal(0...1_000_000, scale: 1)
            let steps = rng.int(1...8)
            let sleeps = rng.int(0...(steps - 1))
            let seconds = rng.decimal(1...3000, scale: 1)
            let useRunSeconds = rng.chance(30)
            let maxStep: Decimal? = rng.chance(20) ? seconds + Decimal(rng.int(0...30)) : nil
            let memory: Decimal? = rng.chance(30) ? nil : Decimal(rng.pick([128, 256, 512, 1024, 2048, 3008, 4096]))
            jobs.append(Job(name: "job-\(index)", volume: .perMonth(runs), runsPerMonth: runs, stepsPerRun: Decimal(steps),
                            sleepsPerRun: Decimal(sleeps), stepSeconds: useRunSeconds ? nil : seconds,
                            runSeconds: useRunSeconds ? seconds : nil, maxStepSeconds: maxStep, memoryMB: memory,
                            machine: rng.chance(10) ? rng.pick(["machine-0", "machine-1", "nope"]) : nil,
                            retryRate: rng.chance(50) ? 0 : rng.decimal(0...30, scale: 2), eventsPerRun: Decimal(rng.int(0...3))))
        }
        return Workload(name: "generated", jobs: jobs, file: "generated.yaml")
    }

    /// A platform file like Vercel's: limits, and sometimes meters with prices.
    static func platform(_ rng: inout SimSplitMix64) -> PricingFile {
        var included: [String: Decimal] = [:], prices: [String: Price] = [:]
        var meters: [Meter] = []
        if rng.chance(50) {
            meters = [S.meter("invocations", [(.invocations, 1)]), S.meter("memory_gb_seconds", [(.gbSeconds, 1)])]
            included = ["invocations": Decimal(rng.int(0...1_000_000)), "memory_gb_seconds": Decimal(rng.int(0...500_000))]
            prices = ["invocations": .prorated(per: 1_000_000, amount: S.d("0.6")), "memory_gb_seconds": .unit(S.d("0.0000025"))]
        }
        let limits = Limits(maxDurationSeconds: Decimal(rng.pick([10, 60, 300])), memoryMB: rng.chance(50) ? 2048 : nil)
        let plan = S.plan("pro", fee: nil, included: included, price: prices, limits: limits)
        return S.provider("vercel", name: "Vercel", catalog: "generated", kind: .platform, meters: meters, plans: [plan])
    }

    static func makeCase(_ rng: inout SimSplitMix64) -> Case {
        let workload = workload(&rng)
        var files = SimGenerator.catalog(&rng).files
        for f in files.indices {
            for p in files[f].plans.indices {
                if rng.chance(15) { files[f].plans[p].limits.maxUsage = rng.decimal(0...50_000, scale: 2) }
                if rng.chance(15) { files[f].plans[p].limits.maxStepsPerRun = Decimal(rng.int(1...20)) }
            }
        }
        let usePlatform = rng.chance(40)
        if usePlatform { files.append(platform(&rng)) }
        let catalog = PricingLibrary(files: files).catalog(named: "generated")!
        let axis = rng.pick(WorkloadAxis.allCases)
        let job: String? = rng.chance(50) ? rng.pick(workload.jobs).name : nil
        var options: [String] = []
        switch rng.int(0...2) {
        case 0: break                                               // every provider
        case 1:
            let plans = catalog.providers.flatMap { file in file.plans.filter { !$0.custom }.map { "\(file.provider)/\($0.name)" } }
            options = Array(Set((0..<3).compactMap { _ in plans.isEmpty ? nil : rng.pick(plans) })).sorted()
        default:
            options = catalog.providers.map(\.provider)
            if let file = catalog.providers.first, let plan = file.plans.first(where: { !$0.custom }) {
                options.append("\(file.provider)/\(plan.name)")
            }
        }
        let (from, to): (Decimal, Decimal)
        switch axis {
        case .runs: (from, to) = (Decimal(rng.int(0...1000)), Decimal(rng.int(2000...400_000)))
        case .steps:
            let lowest = max(1, workload.jobs.filter { job == nil || $0.name == job }.map(\.sleepsPerRun).max() ?? 0)
            (from, to) = (lowest, lowest + Decimal(rng.int(1...200)))
        case .duration: (from, to) = (rng.decimal(0...100, scale: 1), rng.decimal(101...20000, scale: 1))
        case .memory: (from, to) = (Decimal(rng.int(0...200)), Decimal(rng.int(300...20000)))
        case .scale: (from, to) = (rng.decimal(0...100, scale: 2), rng.decimal(101...2000, scale: 2))
        }
        return Case(workload: workload, catalog: catalog, axis: axis, job: job, options: options, from: from, to: to,
                    platform: usePlatform ? PlatformReference(provider: "vercel", plan: "pro") : nil,
                    withPlatformCosts: usePlatform && rng.chance(50))
    }

    /// The option's exact cost per `CostEngine` at axis value x: the plan's exactCost, or the
    /// cheapest feasible production plan's; nil when infeasible.
    static func engineCost(_ result: Breakeven, option: Int, at x: Decimal) -> Decimal? {
        let modified = result.axis.apply(x, to: result.workload)
        let engine = CostEngine(workload: modified, platform: result.platform, withPlatformCosts: result.withPlatformCosts)
        let choice = result.options[option]
        let plans = choice.plan.map { [$0] } ?? choice.provider.plans.filter { $0.production && !$0.custom }
        let costs = plans.compactMap { plan -> Decimal? in
            let evaluation = engine.evaluate(provider: choice.provider, plan: plan)
            return evaluation.isFeasible ? evaluation.exactCost : nil
        }
        return costs.min()
    }
}

/// Properties of breakeven analysis on random workloads and plans (issue 4; STYLE rule 11).
/// Every failure message starts with the seed that reproduces it.
@Suite("Breakeven properties")
struct BreakevenPropertyTests {
    static let seeds: [UInt64] = (0..<160).map { 0xB4EA_4E7E_0000 + UInt64($0) }

    /// Each seed is analysed once and shared by the tests below (they run in parallel).
    final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [UInt64: (BreakevenGenerator.Case, Breakeven)?] = [:]

        func result(_ seed: UInt64, _ make: (UInt64) -> (BreakevenGenerator.Case, Breakeven)?) -> (BreakevenGenerator.Case, Breakeven)? {
            lock.lock()
            if let cached = results[seed] {
                lock.unlock()
                return cached
            }
            lock.unlock()
            let value = make(seed)
            lock.lock()
            results[seed] = value
            lock.unlock()
            return value
        }
    }

    static let cache = Cache()

    /// Cases whose ranges hold too many block boundaries are skipped (they throw a clear error);
    /// most must run.
    static func analyze(_ seed: UInt64) -> (BreakevenGenerator.Case, Breakeven)? {
        cache.result(seed, makeAnalysis)
    }

    static func makeAnalysis(_ seed: UInt64) -> (BreakevenGenerator.Case, Breakeven)? {
        var rng = SimSplitMix64(seed: seed)
        let input = BreakevenGenerator.makeCase(&rng)
        do {
            let result = try Breakeven.analyze(input.workload, catalog: input.catalog, axis: input.axis, job: input.job,
                                               options: input.options, from: input.from, to: input.to,
                                               platform: input.platform, withPlatformCosts: input.withPlatformCosts)
            return (input, result)
        } catch {
            return nil
        }
    }

    /// Random short decimals in the range (whole values on integer axes), the range's ends and
    /// every grid point of every curve that is itself a short decimal: jumps happen there.
    static func probes(_ result: Breakeven, _ rng: inout SimSplitMix64, count: Int) -> [Decimal] {
        var values: Set<Decimal> = [result.lower.exactDecimal!, result.upper.exactDecimal!]
        let low = result.lower.doubleValue, high = result.upper.doubleValue
        for _ in 0..<count {
            let fraction = Double(rng.int(0...1_000_000)) / 1_000_000
            let raw = low + (high - low) * fraction
            let text = result.axis.axis.isInteger ? String(format: "%.0f", raw.rounded(.down)) : String(format: "%.2f", raw)
            if let value = Decimal(exactText: text), Rational(value) >= result.lower, Rational(value) <= result.upper {
                values.insert(value)
            }
        }
        for curve in result.curves + [result.envelope] {
            for point in curve.grid.prefix(200) {
                guard let value = point.exactDecimal, value.rounded(scale: 4) == value else { continue }
                if !result.axis.axis.isInteger || point.isInteger { values.insert(value) }
                if result.axis.axis.isInteger {
                    for neighbour in [point.floor, point.ceiling, point.floor - .one, point.ceiling + .one]
                    where neighbour >= result.lower && neighbour <= result.upper {
                        values.insert(neighbour.exactDecimal!)
                    }
                }
            }
        }
        return values.sorted()
    }

    /// The option with the lowest cost (ties to the lower index); nil when none is feasible.
    static func winner(_ costs: [Rational?]) -> Int? {
        var best: Int?
        for (index, cost) in costs.enumerated() {
            guard let cost else { continue }
            if best == nil || cost < costs[best!]! { best = index }
        }
        return best
    }

    @Test("every option's curve equals CostEngine's exact cost for the workload modified to x", arguments: seeds)
    func curveMatchesEngine(seed: UInt64) throws {
        guard let (_, result) = Self.analyze(seed) else { return }
        var rng = SimSplitMix64(seed: seed ^ 0xFEED)
        for x in Self.probes(result, &rng, count: 25) {
            for option in result.options.indices {
                let engine = BreakevenGenerator.engineCost(result, option: option, at: x)
                let curve = result.curves[option].cost(at: Rational(x))
                #expect(curve == engine.map { Rational($0) },
                        "seed \(seed): \(result.options[option].id) on \(result.axis.axis) at \(x): curve \(curve.map(\.description) ?? "infeasible"), engine \(engine.map { "\($0)" } ?? "infeasible")")
            }
        }
    }

    @Test("the interval table names the cheapest option at every probed value (no crossing is missed)", arguments: seeds)
    func intervalsHoldEverywhere(seed: UInt64) throws {
        guard let (_, result) = Self.analyze(seed) else { return }
        var rng = SimSplitMix64(seed: seed ^ 0xD15C)
        #expect(result.intervals.first?.from == result.lower && result.intervals.last?.to == result.upper, "seed \(seed): intervals do not cover the range")
        for (a, b) in zip(result.intervals, result.intervals.dropFirst()) {
            #expect(a.to == b.from && a.cheapest != b.cheapest, "seed \(seed): intervals \(a) and \(b) do not chain or do not differ")
        }
        let integer = result.axis.axis.isInteger
        for x in Self.probes(result, &rng, count: 60) {
            let value = Rational(x)
            // The interval holding x: on integer axes [from, to), the last one closed; elsewhere
            // strictly inside (the ends are the change points themselves).
            let holding = result.intervals.filter {
                integer ? ($0.from <= value && (value < $0.to || ($0.to == result.upper && value == $0.to)))
                        : ($0.from < value && value < $0.to)
            }
            guard let interval = holding.first else { continue }
            let costs = result.curves.map { $0.cost(at: value) }
            let engineCosts = result.options.indices.map { BreakevenGenerator.engineCost(result, option: $0, at: x).map { Rational($0) } }
            #expect(costs == engineCosts, "seed \(seed): curves and engine differ at \(x)")
            guard let cheapest = interval.cheapest else {
                #expect(costs.allSatisfy { $0 == nil }, "seed \(seed): at \(x) an option is feasible but the interval says none")
                continue
            }
            guard let best = costs[cheapest] else {
                Issue.record("seed \(seed): at \(x) (\(result.axis.axis)) the interval's cheapest \(result.options[cheapest].id) is infeasible")
                continue
            }
            for (index, cost) in costs.enumerated() {
                if let cost {
                    #expect(best <= cost, "seed \(seed): at \(x) (\(result.axis.axis)) \(result.options[index].id) costs \(cost), below the interval's cheapest \(result.options[cheapest].id) at \(best): a missed change")
                }
            }
        }
    }

    @Test("every reported point is a real change: equal costs at a crossing, the order changed on each side", arguments: seeds)
    func pointsReevaluate(seed: UInt64) throws {
        guard let (_, result) = Self.analyze(seed) else { return }
        let integer = result.axis.axis.isInteger
        for (index, point) in result.points.enumerated() {
            #expect(point.below != point.above, "seed \(seed): point \(point) does not change the option")
            #expect(point.at > result.lower && point.at <= result.upper, "seed \(seed): point \(point.at) outside the range")
            if index > 0 { #expect(point.at > result.points[index - 1].at, "seed \(seed): points out of order") }
            let previous = index > 0 ? result.points[index - 1].at : result.lower
            let costs = { (x: Rational) in result.curves.map { $0.cost(at: x) } }
            if integer {
                // At `at` the new option is no dearer; one step before, the old one still wins.
                let here = costs(point.at)
                if let above = point.above {
                    #expect(here[above] != nil, "seed \(seed): above option infeasible at \(point.at)")
                    if let b = point.below, let costBelow = here[b], let costAbove = here[above] {
                        #expect(costAbove <= costBelow, "seed \(seed): at \(point.at) \(result.options[above].id) (\(costAbove)) is dearer than \(result.options[b].id) (\(costBelow))")
                    }
                    #expect(point.costAbove == here[above], "seed \(seed): reported cost above differs from the curve")
                }
                if let below = point.below { #expect(point.costBelow == here[below]) }
                let before = point.at - .one
                if before >= previous {
                    #expect(Self.winner(costs(before)) == point.below,
                            "seed \(seed): one step before \(point.at) the cheapest is \(Self.winner(costs(before)).map { result.options[$0].id } ?? "none"), not \(point.below.map { result.options[$0].id } ?? "none")")
                }
                if let above = point.above, let b = point.below, let costBelow = here[b], here[above] == costBelow {
                    // A crossing exactly on a whole value: both cost the same there.
                    #expect(point.costBelow == point.costAbove)
                } else {
                    #expect(Self.winner(here) == point.above, "seed \(seed): at \(point.at) the cheapest is not \(point.above.map { result.options[$0].id } ?? "none")")
                }
            } else {
                if point.kind == .crossing {
                    #expect(point.costBelow != nil && point.costBelow == point.costAbove,
                            "seed \(seed): crossing at \(point.at) with costs \(String(describing: point.costBelow)) and \(String(describing: point.costAbove))")
                    #expect(result.curves[point.below!].cost(at: point.at) == result.curves[point.above!].cost(at: point.at),
                            "seed \(seed): the two options do not cost the same at the crossing \(point.at)")
                    if let x = point.at.exactDecimal {
                        let b = BreakevenGenerator.engineCost(result, option: point.below!, at: x)
                        let a = BreakevenGenerator.engineCost(result, option: point.above!, at: x)
                        #expect(a != nil && a == b, "seed \(seed): CostEngine at the crossing \(x): \(String(describing: b)) vs \(String(describing: a))")
                    }
                }
                // Just below and just above, the named options win.
                let next = index + 1 < result.points.count ? result.points[index + 1].at : result.upper
                let left = Rational.simplestDecimal(between: max(previous, point.at - (point.at - previous) / Rational(1000)), and: point.at)
                let right = Rational.simplestDecimal(between: point.at, and: point.at + (next - point.at) / Rational(1000))
                #expect(Self.winner(costs(left)) == point.below, "seed \(seed): just below \(point.at) (at \(left)) the cheapest is not the reported one")
                #expect(Self.winner(costs(right)) == point.above, "seed \(seed): just above \(point.at) (at \(right)) the cheapest is not the reported one")
            }
        }
    }

    @Test("most generated cases are analysed (few ranges hold too many blocks)")
    func coverage() {
        var analysed = 0
        var axes: Set<WorkloadAxis> = []
        var sawPoint = false, sawInfeasible = false, sawJump = false
        for seed in Self.seeds {
            guard let (input, result) = Self.analyze(seed) else { continue }
            analysed += 1
            axes.insert(input.axis)
            sawPoint = sawPoint || !result.points.isEmpty
            sawInfeasible = sawInfeasible || !result.infeasible.isEmpty
            sawJump = sawJump || result.points.contains { $0.kind == .jump }
        }
        #expect(analysed >= Self.seeds.count * 3 / 4, "only \(analysed) of \(Self.seeds.count) cases analysed")
        #expect(axes == Set(WorkloadAxis.allCases))
        #expect(sawPoint && sawInfeasible && sawJump)
    }
}
