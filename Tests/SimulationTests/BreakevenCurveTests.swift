import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// Each price mechanic, limit and axis as a cost curve: hand-computed values, exact grid points,
/// and agreement with `CostEngine` at every probed value.
@Suite("Breakeven curves: price mechanics, limits and axes")
struct BreakevenCurveTests {
    static func catalog(_ files: [PricingFile]) -> Catalog {
        PricingLibrary(files: files.map { var file = $0; file.catalog = "test"; return file }).catalog(named: "test")!
    }

    static func r(_ text: String) -> Rational { Rational(S.d(text)) }
    func r(_ text: String) -> Rational { Self.r(text) }

    /// The curve of the option named `id`.
    func curve(_ result: Breakeven, _ id: String) -> CostCurve {
        result.curves[result.options.firstIndex { $0.id == id }!]
    }

    /// The engine's exact cost for option `index` at x, nil when infeasible.
    static func engine(_ result: Breakeven, _ index: Int, _ x: String) -> Rational? {
        BreakevenGenerator.engineCost(result, option: index, at: S.d(x)).map { Rational($0) }
    }

    /// Asserts that every option's curve equals the engine at each value.
    static func expectAgreement(_ result: Breakeven, at values: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for x in values {
            for index in result.options.indices {
                let curve = result.curves[index].cost(at: r(x))
                #expect(curve == engine(result, index, x), "\(result.options[index].id) at \(x)", sourceLocation: sourceLocation)
            }
        }
    }

    static let runsMeter = S.meter("runs", [(.runs, 1)])

    @Test("a block price is a staircase: the value at a block's end belongs to that block, and a jump past a flat fee is a breakeven")
    func blocks() throws {
        let blocky = S.provider("blocky", meters: [Self.runsMeter],
                                plans: [S.plan("plan", fee: 10, included: ["runs": 1000], price: ["runs": .block(per: 1000, amount: 5)])])
        let flat = S.provider("flat", meters: [Self.runsMeter], plans: [S.plan("plan", fee: 22)])
        let workload = S.workload([S.job(runs: 1000)])
        let result = try Breakeven.analyze(workload, catalog: Self.catalog([blocky, flat]), axis: .runs, job: nil,
                                           options: [], from: 0, to: 10000)
        let curve = result.curves[0]
        #expect(curve.cost(at: Rational(1000)) == Rational(10))
        #expect(curve.cost(at: Rational(2000)) == Rational(15))
        #expect(curve.cost(at: r("2000.5")) == Rational(20))
        #expect(curve.leftLimit(at: Rational(2000)) == Rational(15) && curve.rightLimit(at: Rational(2000)) == Rational(20))
        #expect(curve.grid.contains(Rational(3000)))
        // 25 > 22 from 3,001 runs: the value at 3,000 still belongs to the third block.
        #expect(result.points.count == 1)
        let point = try #require(result.points.first)
        #expect(point.at == Rational(3001) && point.exact == Rational(3000))
        #expect(point.kind == .jump)
        #expect(point.costBelow == Rational(25) && point.costAbove == Rational(22))
        Self.expectAgreement(result, at: ["0", "999", "1000", "1001", "2000", "2001", "3000", "3001", "9999"])

        // On a continuous axis the same jump is reported exactly where it happens.
        let scaled = try Breakeven.analyze(workload, catalog: Self.catalog([blocky, flat]), axis: .scale, job: nil,
                                           options: [], from: 0, to: 10)
        let jump = try #require(scaled.points.first)
        #expect(jump.at == Rational(3) && jump.kind == .jump)
        #expect(jump.costBelow == Rational(20) && jump.costAbove == Rational(22))
        Self.expectAgreement(scaled, at: ["2.999", "3", "3.001", "7.5"])
    }

    @Test("a credit makes a kink where usage reaches it; a usage cap makes the plan infeasible beyond")
    func creditAndUsageCap() throws {
        var capped = S.plan("capped", fee: 0, price: ["runs": .unit(S.d("0.01"))], credit: 5)
        capped.limits.maxUsage = 5
        let provider = S.provider("acme", meters: [Self.runsMeter],
                                  plans: [S.plan("credit", fee: 5, price: ["runs": .unit(S.d("0.01"))], credit: 5), capped])
        let workload = S.workload([S.job(runs: 100)])
        let result = try Breakeven.analyze(workload, catalog: Self.catalog([provider]), axis: .runs, job: nil,
                                           options: ["acme/credit", "acme/capped"], from: 0, to: 2000)
        let credit = result.curves[0], cap = result.curves[1]
        #expect(credit.grid.contains(Rational(500)))
        #expect(credit.cost(at: Rational(400)) == Rational(5) && credit.cost(at: Rational(600)) == Rational(6))
        #expect(cap.cost(at: Rational(500)) == Rational(0) && cap.cost(at: Rational(501)) == nil)
        let range = try #require(result.infeasible.first)
        #expect(result.options[range.option].id == "acme/capped")
        #expect(range.from == Rational(501) && range.to == Rational(2000))
        #expect(range.reasons == ["usage of $5.10 exceeds the $5.00 of usage capped allows"])
        let point = try #require(result.points.first)
        #expect(point.at == Rational(501) && point.kind == .infeasible)
        Self.expectAgreement(result, at: ["0", "499", "500", "501", "1999"])
    }

    @Test("graduated tiers: each unit above the included quantity at its band's rate")
    func tiers() throws {
        let provider = S.provider("tiered", meters: [Self.runsMeter], plans: [
            S.plan("plan", fee: 1, included: ["runs": 100],
                   price: ["runs": .tiers([.init(upTo: 1000, price: S.d("0.01")), .init(upTo: nil, price: S.d("0.005"))])]),
        ])
        let result = try Breakeven.analyze(S.workload([S.job(runs: 10)]), catalog: Self.catalog([provider]), axis: .runs,
                                           job: nil, options: [], from: 0, to: 5000)
        let curve = result.curves[0]
        #expect(curve.cost(at: Rational(2000)) == Rational(1 + 9 + 5))
        #expect(curve.grid.contains(Rational(100)) && curve.grid.contains(Rational(1000)))
        Self.expectAgreement(result, at: ["50", "100", "101", "999", "1000", "1001", "4321"])
    }

    @Test("memory picks the smallest machine that fits: a step function, infeasible above the largest")
    func machinesAlongMemory() throws {
        let compute = S.meter(PricingFile.machineMeterName, [(.computeSeconds, 1)])
        let provider = S.provider("machines", execution: .runs, meters: [Self.runsMeter, compute],
                                  machines: [S.machine("small", memoryMB: 512, perSecond: S.d("0.001")),
                                             S.machine("medium", memoryMB: 1024, perSecond: S.d("0.002")),
                                             S.machine("large", memoryMB: 4096, perSecond: S.d("0.004"))],
                                  defaultMachine: "small", plans: [S.plan("plan", fee: 0)])
        let job = S.job(runs: 100, stepSeconds: 10, memoryMB: 256)
        let result = try Breakeven.analyze(S.workload([job]), catalog: Self.catalog([provider]), axis: .memory, job: nil,
                                           options: [], from: 0, to: 8192)
        let curve = result.curves[0]
        #expect(curve.cost(at: Rational(512)) == Rational(1))
        #expect(curve.cost(at: Rational(513)) == Rational(2))
        #expect(curve.cost(at: Rational(1025)) == Rational(4))
        #expect(curve.cost(at: Rational(4096)) == Rational(4))
        #expect(curve.cost(at: Rational(4097)) == nil)
        let range = try #require(result.infeasible.first)
        #expect(range.from == Rational(4096) && range.to == Rational(8192))
        #expect(range.reasons == ["j: 4,100 MB exceeds Acme's largest machine (4,096 MB)"])
        Self.expectAgreement(result, at: ["0", "100", "512", "512.5", "1024", "1024.01", "4000", "4096", "4096.5"])
    }

    @Test("a platform's step limit rules a step-billed provider out above it (the limit itself fits)")
    func platformDurationLimit() throws {
        let stepsMeter = S.meter("steps", [(.steps, 1)])
        let onPlatform = S.provider("stepper", runsOn: .platform, meters: [stepsMeter], plans: [S.plan("plan", fee: 40)])
        let elsewhere = S.provider("runner", execution: .runs, meters: [Self.runsMeter], plans: [S.plan("plan", fee: 400)])
        var hobby = S.platform().file
        hobby.catalog = "test"
        let workload = S.workload([S.job(runs: 20000, stepSeconds: 45)])
        let result = try Breakeven.analyze(workload, catalog: Self.catalog([onPlatform, elsewhere, hobby]), axis: .duration,
                                           job: nil, options: [], from: 0, to: 100,
                                           platform: PlatformReference(provider: "vercel", plan: "hobby"))
        let point = try #require(result.points.first)
        #expect(point.at == Rational(10) && point.kind == .infeasible)
        #expect(curve(result, "stepper").cost(at: Rational(10)) == Rational(40) && curve(result, "stepper").cost(at: r("10.01")) == nil)
        #expect(result.infeasible.first?.reasons == ["j: 10.1 s step exceeds Vercel Hobby's 10 s limit"])
        Self.expectAgreement(result, at: ["0", "9.99", "10", "10.01", "45", "100"])
    }

    @Test("an explicit longest step scales with the duration axis")
    func explicitMaxStepScales() throws {
        let stepsMeter = S.meter("steps", [(.steps, 1)])
        let onPlatform = S.provider("stepper", runsOn: .platform, meters: [stepsMeter], plans: [S.plan("plan", fee: 40)])
        var pro = S.platform("pro", maxDurationSeconds: 60).file
        pro.catalog = "test"
        let workload = S.workload([S.job(runs: 100, stepSeconds: 15, maxStepSeconds: 25)])
        let result = try Breakeven.analyze(workload, catalog: Self.catalog([onPlatform, pro]), axis: .duration, job: nil,
                                           options: [], from: 0, to: 100, platform: PlatformReference(provider: "vercel", plan: "pro"))
        // The longest step is 25/15 of the average: 60 s at 36 s average.
        #expect(result.curves[0].cost(at: Rational(36)) == Rational(40))
        #expect(result.curves[0].cost(at: r("36.01")) == nil)
        Self.expectAgreement(result, at: ["35.99", "36", "36.01", "50"])
        let modified = result.axis.apply(S.d("36"), to: workload)
        #expect(modified.jobs[0].maxStepSeconds == 60 && modified.jobs[0].stepSeconds == 36)
    }

    @Test("steps with run_seconds: more steps make each step shorter, so a step limit stops binding")
    func runSecondsAlongSteps() throws {
        let stepsMeter = S.meter("steps", [(.steps, 1)])
        let onPlatform = S.provider("stepper", runsOn: .platform, meters: [stepsMeter],
                                    plans: [S.plan("plan", fee: 40, price: ["steps": .unit(S.d("0.01"))])])
        var hobby = S.platform().file
        hobby.catalog = "test"
        let workload = S.workload([S.job(runs: 100, steps: 2, stepSeconds: nil, runSeconds: 60)])
        let result = try Breakeven.analyze(workload, catalog: Self.catalog([onPlatform, hobby]), axis: .steps, job: nil,
                                           options: [], from: 1, to: 20, platform: PlatformReference(provider: "vercel", plan: "hobby"))
        // 60 s / S > 10 s for S < 6.
        let range = try #require(result.infeasible.first)
        #expect(range.from == Rational(1) && range.to == Rational(5))
        #expect(result.curves[0].cost(at: Rational(6)) == Rational(46))
        #expect(result.points.first?.kind == .feasible && result.points.first?.at == Rational(6))
        Self.expectAgreement(result, at: ["1", "5", "6", "7", "20"])
    }

    @Test("steps with whole-run retries: cost is quadratic in steps, and the crossing is the first whole value")
    func quadraticSteps() throws {
        let compute = S.meter("compute", [(.computeSeconds, 1)])
        let retried = S.provider("runner", execution: .runs, meters: [compute],
                                 plans: [S.plan("plan", fee: 0, price: ["compute": .unit(S.d("0.001"))])])
        let flat = S.provider("flat", meters: [compute], plans: [S.plan("plan", fee: 100)])
        // compute = 1000 × 2S × (1 + 0.1·S) → cost 2S + 0.2S²; equal to 100 at S = −5 + √525 ≈ 17.91.
        let workload = S.workload([S.job(runs: 1000, steps: 3, stepSeconds: 2, retry: S.d("0.1"))])
        let result = try Breakeven.analyze(workload, catalog: Self.catalog([retried, flat]), axis: .steps, job: nil,
                                           options: [], from: 1, to: 60)
        let point = try #require(result.points.first)
        #expect(result.points.count == 1)
        #expect(point.at == Rational(18))
        #expect(point.costBelow == r("100.8") && point.costAbove == Rational(100))
        #expect(curve(result, "runner").cost(at: Rational(17)) == r("91.8"))
        Self.expectAgreement(result, at: ["1", "2", "10", "17", "18", "19", "59", "60"])
    }

    @Test("a plan switch at a tie on a whole value is reported there (seed: Trigger.dev Startup → Pro at 2,500 runs)")
    func planSwitchAtTie() throws {
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let result = try Breakeven.analyze(workload, catalog: try S.shippedCatalog(), axis: .runs, job: nil, options: ["trigger-dev"])
        #expect(result.planSwitches.map(\.at) == [Rational(2500)])
        #expect(result.planSwitches.first?.from == "startup" && result.planSwitches.first?.to == "pro")
        #expect(result.intervals.count == 1 && result.intervals[0].plans == ["startup", "pro"])
    }

    @Test("default ranges: 1,000 × the workload's value; steps start at 1; memory runs to twice the largest size")
    func defaultRanges() throws {
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let catalog = try S.shippedCatalog()
        let runs = try Breakeven.analyze(workload, catalog: catalog, axis: .runs, job: nil, options: [])
        #expect(runs.lower == .zero && runs.upper == Rational(100_000_000) && !runs.upperGiven)
        let steps = try Breakeven.analyze(workload, catalog: catalog, axis: .steps, job: nil, options: [])
        #expect(steps.lower == .one && steps.upper == Rational(3000))
        let memory = try Breakeven.analyze(workload, catalog: try S.shippedCatalog("current-2026-11"), axis: .memory, job: nil, options: [])
        #expect(memory.upper == Rational(32768))
        let scale = try Breakeven.analyze(workload, catalog: catalog, axis: .scale, job: nil, options: [])
        #expect(scale.upper == Rational(1000) && scale.current == 1)
    }

    @Test("the workload modified along each axis is what a workload file with that value gives")
    func applyMatchesFile() throws {
        let text = """
        version: 1
        name: t
        jobs:
          - name: a
            runs_per_day: 240
            steps_per_run: 4
            sleeps_per_run: 1
            step_seconds: 3
            memory_mb: 512
        """
        let workload = try Workload.parse(text, file: "t.yaml")
        let moved = try AxisSelection(axis: .steps, job: "a", in: workload).apply(7, to: workload)
        let written = try Workload.parse(text.replacingOccurrences(of: "steps_per_run: 4", with: "steps_per_run: 7"), file: "t.yaml")
        #expect(moved.jobs[0].quantities(execution: .runs) == written.jobs[0].quantities(execution: .runs))
        #expect(moved.jobs[0].maxStepSeconds == written.jobs[0].maxStepSeconds)
        let runs = try AxisSelection(axis: .runs, job: nil, in: workload).apply(5000, to: workload)
        #expect(runs.jobs[0].runsPerMonth == 5000 && runs.jobs[0].volume == .perMonth(5000))
        let memory = try AxisSelection(axis: .memory, job: nil, in: workload).apply(2048, to: workload)
        let bigger = try Workload.parse(text.replacingOccurrences(of: "memory_mb: 512", with: "memory_mb: 2048"), file: "t.yaml")
        #expect(memory.jobs[0].quantities(execution: .steps) == bigger.jobs[0].quantities(execution: .steps))
    }

    @Test("unknown jobs and options, custom plans and bad ranges are usage errors with hints")
    func errors() throws {
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let catalog = try S.shippedCatalog()
        #expect(throws: CostsimError.usage("unknown job 'high' in \(workload.file)", hint: "did you mean 'high-frequency-job'?")) {
            try Breakeven.analyze(workload, catalog: catalog, axis: .runs, job: "high", options: [])
        }
        #expect(throws: CostsimError.usage("empty range: --from 5 is not below --to 5", hint: "give --from below --to")) {
            try Breakeven.analyze(workload, catalog: catalog, axis: .runs, job: nil, options: [], from: 5, to: 5)
        }
        #expect(throws: CostsimError.self) {
            try Breakeven.analyze(workload, catalog: catalog, axis: .runs, job: nil, options: ["inngest/enterprise"])
        }
        #expect(throws: CostsimError.self) {
            try Breakeven.analyze(workload, catalog: catalog, axis: .runs, job: nil, options: ["nope"])
        }
        #expect(throws: CostsimError.usage("--from 0.5: the runs axis counts whole runs, so the range must be whole numbers", hint: "e.g. --from 0")) {
            try Breakeven.analyze(workload, catalog: catalog, axis: .runs, job: nil, options: [], from: S.d("0.5"))
        }
    }
}
