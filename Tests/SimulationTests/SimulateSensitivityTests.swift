import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

@Suite("Simulation: sensitivity (tornado)")
struct SimulateSensitivityTests {
    static let workload = """
    version: 1
    name: drivers
    jobs:
      - name: big
        runs_per_month: {dist: uniform, min: 100000, max: 3000000}
        steps_per_run: 3
        step_seconds: 1
      - name: small
        runs_per_month: 1000
        steps_per_run: 2
        step_seconds: {dist: uniform, min: 1, max: 2}
    """

    @Test("the input that moves the cost most ranks first, with its p10 and p90")
    func ranking() throws {
        let workload = try Workload.parse(Self.workload, file: "drivers.yaml")
        let catalog = try S.shippedCatalog("current-2026-11")
        let result = try MonteCarlo.simulate(workload, catalog: catalog, options: SimulationOptions(trials: 2_000, seed: 4, sensitivity: true))
        let analysis = try #require(result.sensitivity)
        #expect(analysis.entries.map(\.input.name) == ["big.runs_per_month", "small.step_seconds"])
        let top = analysis.entries[0]
        // p10 and p90 of uniform(100,000, 3,000,000): 390,000 and 2,710,000, within DKW of 2,000 draws.
        let tolerance = Decimal(Int(2_900_000 * (SimStats.dkw(2_000) + 0.001)))
        #expect(abs(top.low - 390_000) <= tolerance && abs(top.high - 2_710_000) <= tolerance, "p10 \(top.low), p90 \(top.high)")
        #expect(top.swing > analysis.entries[1].swing)
        // Runs explain most of the simulated variance of both providers.
        #expect(top.effects.allSatisfy { ($0.varianceShare ?? 0) > Decimal(string: "0.8")! })
        // Each end is priced by the cost engine with the others at their mean.
        var low = workload
        low.jobs[0] = Sensitivity.setting(workload.jobs[0], "runs_per_month", to: top.low, monthHours: 730)
        low.jobs[1] = Sensitivity.setting(workload.jobs[1], "step_seconds", to: analysis.entries[1].mean, monthHours: 730)
        let engine = CostEngine(workload: low, platform: nil)
        for (index, file) in catalog.providers.enumerated() {
            #expect(top.effects[index].low == engine.evaluate(provider: file).cheapest?.exactCost, "\(file.provider)")
        }
    }

    @Test("setting a field recomputes what parsing derives from it")
    func setting() throws {
        let job = try Workload.parse("""
        version: 1
        name: w
        jobs:
          - name: a
            runs_per_day: {dist: uniform, min: 100, max: 200}
            steps_per_run: 4
            sleeps_per_run: 2
            step_seconds: 5
        """, file: "w.yaml").jobs[0]
        let daily = Sensitivity.setting(job, "runs_per_day", to: 240, monthHours: 730)
        #expect(daily.runsPerMonth == 7300 && daily.volume == .perDay(240))
        let fewer = Sensitivity.setting(job, "steps_per_run", to: 1, monthHours: 730)
        #expect(fewer.stepsPerRun == 1 && fewer.sleepsPerRun == 1, "sleeps never exceed steps")
        let slower = Sensitivity.setting(job, "step_seconds", to: 9, monthHours: 730)
        #expect(slower.maxStepSeconds == 9, "the longest step follows step_seconds when not given")
        #expect(Sensitivity.setting(job, "steps_per_run", to: 0, monthHours: 730).stepsPerRun == 1, "at least one step")
    }

    @Test("an input that crosses a limit at one end is flagged and ranked first")
    func feasibilityChange() throws {
        let workload = try Workload.parse("""
        version: 1
        name: limits
        platform: vercel/pro
        jobs:
          - name: render
            runs_per_month: {dist: uniform, min: 1000, max: 500000}
            steps_per_run: 3
            step_seconds: 10
            max_step_seconds: {dist: uniform, min: 20, max: 100}
        """, file: "limits.yaml")
        let result = try MonteCarlo.simulate(workload, catalog: try S.shippedCatalog("seed-2025-01"),
                                             options: SimulationOptions(trials: 1_000, seed: 8, sensitivity: true))
        let analysis = try #require(result.sensitivity)
        let first = try #require(analysis.entries.first)
        #expect(first.input.name == "render.max_step_seconds")
        #expect(first.changesFeasibility)
        let inngest = try #require(first.effects.first { $0.provider == "inngest" })
        #expect(inngest.low != nil && inngest.high == nil, "feasible below Vercel Pro's 60 s, not above")
    }
}
