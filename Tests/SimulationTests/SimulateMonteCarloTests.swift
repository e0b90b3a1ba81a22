import Foundation
import Reports
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

@Suite("Simulation: Monte Carlo over months")
struct SimulateMonteCarloTests {
    static func parse(_ text: String) throws -> Workload {
        try Workload.parse(text, file: "sim.yaml")
    }

    @Test("a workload with fixed values costs exactly what compare computes, every month",
          arguments: [("seed-article.yaml", "seed-2025-01"), ("pdf-generation.yaml", "seed-2025-01"), ("data-sync.yaml", "seed-2025-01"),
                      ("batch-email.yaml", "seed-2025-01"), ("saas.yaml", "current-2026-11"), ("saas.yaml", "seed-2025-01")])
    func fixedWorkloadEqualsCompare(_ item: (String, String)) throws {
        let workload = try Workload.load(path: S.fixture(item.0))
        let catalog = try S.shippedCatalog(item.1)
        let comparison = try Comparison.compare(workload, catalog: catalog)
        let result = try MonteCarlo.simulate(workload, catalog: catalog, options: SimulationOptions(trials: 300, seed: 9))
        for (simulated, compared) in zip(result.providers, comparison.providers) {
            #expect(simulated.provider == compared.provider)
            guard let cheapest = compared.cheapest else {
                #expect(simulated.cost == nil && simulated.feasibleTrials == 0, "\(item.0): \(compared.provider) has no feasible plan")
                continue
            }
            let cost = try #require(simulated.cost, "\(item.0): \(compared.provider)")
            #expect(cost.mean == cheapest.exactCost, "\(item.0): \(cheapest.id) mean \(cost.mean) vs compare \(cheapest.exactCost!)")
            #expect([cost.p50, cost.p90, cost.p95, cost.p99, cost.max].allSatisfy { $0 == cheapest.exactCost })
            // As money, the mean is compare's figure.
            #expect(NumberFormat.money(cost.mean) == NumberFormat.money(cheapest.monthlyCost!), "\(item.0): \(cheapest.id)")
            #expect(simulated.feasibleTrials == 300)
            #expect(simulated.plans[compared.plans.firstIndex { $0 == cheapest }!].cheapestTrials == 300)
        }
        #expect(result.notes.contains { $0.contains("no field is uncertain") })
    }

    static let uncertain = """
    version: 1
    name: sim
    platform: vercel/pro
    jobs:
      - name: api
        runs_per_day: {dist: lognormal, median: 20000, p95: 60000}
        steps_per_run: {dist: poisson, mean: 3}
        step_seconds: {dist: lognormal, median: 2, p95: 30}
        retry_rate: {dist: uniform, min: 0, max: 0.1}
        events_per_run: 1
      - name: export
        runs_per_month: {low: 5000, typical: 8000, high: 20000}
        steps_per_run: 3
        step_seconds: {dist: normal, mean: 20, sd: 5}
        memory_mb: {dist: empirical, values: [512, 1024, 1024, 2048]}
      - name: nightly
        schedule: "0 3 * * *"
        steps_per_run: 4
        step_seconds: 30
    """

    @Test("the same seed gives the same bytes; another seed gives other months")
    func determinism() throws {
        let workload = try Self.parse(Self.uncertain)
        let catalog = try S.shippedCatalog("current-2026-11")
        let options = SimulationOptions(trials: 700, seed: 42, budget: 300, sensitivity: true)
        let first = try MonteCarlo.simulate(workload, catalog: catalog, options: options).render(.json)
        let second = try MonteCarlo.simulate(workload, catalog: catalog, options: options).render(.json)
        #expect(first == second)
        var other = options
        other.seed = 43
        #expect(try MonteCarlo.simulate(workload, catalog: catalog, options: other).render(.json) != first)
    }

    @Test("a month depends only on the seed and its number: the first 300 of 1,000 trials are the 300 of a 300-trial run")
    func trialsAreIndependentOfTheRun() throws {
        let workload = try Self.parse(Self.uncertain)
        let catalog = try S.shippedCatalog("current-2026-11")
        let simulator = try Simulator(workload: workload, providers: catalog.providers, platform: nil, withPlatformCosts: false,
                                      seed: 5, recordInputs: false)
        let short = simulator.run(trials: 300, progress: nil)
        let long = simulator.run(trials: 1_000, progress: nil)
        for provider in catalog.providers.indices {
            #expect(Array(long.chosen[provider].prefix(300)) == short.chosen[provider])
            #expect(Array(long.scaledExact[provider].prefix(300)) == short.scaledExact[provider])
        }
    }

    @Test("fixed point and decimals price every simulated month identically")
    func fixedPointEqualsDecimals() throws {
        let workload = try Workload.load(path: S.fixture("saas-uncertain.yaml"))
        let catalog = try S.shippedCatalog("current-2026-11")
        let platform = try catalog.resolvePlatform(workload.platform, fromCommandLine: false, workloadFile: workload.file)
        let simulator = try Simulator(workload: workload, providers: catalog.providers, platform: platform, withPlatformCosts: false,
                                      seed: 3, recordInputs: false)
        #expect(simulator.usesFixedPoint)
        let fast = simulator.run(trials: 600, fixedPoint: true, progress: nil)
        let exact = simulator.run(trials: 600, fixedPoint: false, progress: nil)
        let scale = try #require(simulator.scaledPricers?.first?.scale)
        #expect(!fast.overflowed)
        for provider in catalog.providers.indices {
            #expect(fast.chosen[provider] == exact.chosen[provider])
            #expect(fast.scaledExact[provider].map(scale.decimal) == exact.exact[provider])
            #expect(fast.scaledMonthly[provider].map(scale.decimal) == exact.monthly[provider])
            #expect(fast.infeasibleTrials[provider] == exact.infeasibleTrials[provider])
            #expect(fast.reasonTrials[provider] == exact.reasonTrials[provider])
        }
    }

    @Test("the share of months a long-tail step breaks the platform's limit is 1 − F(limit)^steps")
    func infeasibleShare() throws {
        // 10,000 runs × 3 steps a month, lognormal steps (median 2 s, p95 30 s), Vercel Pro's 60 s (seed catalog).
        let workload = try Self.parse("""
        version: 1
        name: tail
        platform: vercel/pro
        jobs:
          - name: render
            runs_per_month: 10000
            steps_per_run: 3
            step_seconds: {dist: lognormal, median: 2, p95: 30}
        """)
        let catalog = try S.shippedCatalog("seed-2025-01")
        let trials = 4_000
        let result = try MonteCarlo.simulate(workload, catalog: catalog, options: SimulationOptions(trials: trials, seed: 77))
        let steps = FieldSampler(spec: workload.jobs[0].specs["step_seconds"]!)
        let expected = -expm1(30_000 * log1p(-steps.survival(60)))
        let inngest = try #require(result.providers.first { $0.provider == "inngest" })
        let startup = try #require(inngest.plans.first { $0.name == "startup" })
        let share = Double(startup.infeasibleTrials) / Double(trials)
        #expect(abs(share - expected) <= SimStats.z * (expected * (1 - expected) / Double(trials)).squareRoot(),
                "seed 77: share \(share), expected \(expected)")
        let reason = try #require(startup.reasons.first { $0.kind == .platformDuration })
        #expect(reason.example.hasPrefix("render: ") && reason.example.contains("s step exceeds Vercel Pro's 60 s limit (month "))
        // Trigger.dev runs on its own machines: never ruled out by Vercel.
        #expect(result.providers.first { $0.provider == "trigger-dev" }?.feasibleTrials == trials)
    }

    @Test("the probability of exceeding a budget counts months whose bill is above it")
    func budget() throws {
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let catalog = try S.shippedCatalog("seed-2025-01")
        for (budget, expected) in [(Decimal(39), 200), (Decimal(40), 0)] {
            let result = try MonteCarlo.simulate(workload, catalog: catalog, options: SimulationOptions(trials: 200, budget: budget))
            #expect(result.providers.first { $0.provider == "inngest" }?.overBudgetTrials == expected, "budget \(budget)")
        }
        let none = try MonteCarlo.simulate(workload, catalog: catalog, options: SimulationOptions(trials: 10))
        #expect(none.providers.allSatisfy { $0.overBudgetTrials == nil })
    }

    @Test("monthly totals from the shortcut match a reference simulation drawing every run and every step")
    func shortcutMatchesPerRunSimulation() throws {
        let workload = try Self.parse("""
        version: 1
        name: small
        jobs:
          - name: job
            runs_per_month: {dist: uniform, min: 1500, max: 2500}
            steps_per_run: {dist: poisson, mean: 3}
            step_seconds: {dist: lognormal, median: 2, p95: 10}
        """)
        var cache: [FieldSampler.Key: FieldSampler] = [:]
        let sampler = try JobSampler(job: workload.jobs[0], index: 0, jobPath: "jobs[0]", file: "small.yaml", monthHours: 730, cache: &cache)
        let trials = 2_000
        let fast = (0..<trials).map { sampler.month(seed: 31, trial: $0) }
        // The reference: every run's steps and every step's duration drawn one by one.
        var generator = Xoshiro256StarStar(seed: 32)
        var steps: [Double] = [], seconds: [Double] = [], longest: [Double] = []
        for _ in 0..<trials {
            let runs = sampler.volume.draw(&generator)
            var totalSteps = 0.0
            for _ in 0..<Int(runs) { totalSteps += sampler.steps.draw(&generator) }
            totalSteps += (runs - runs.rounded(.down)) * sampler.steps.draw(&generator)
            var totalSeconds = 0.0, maximum = 0.0
            for _ in 0..<Int(totalSteps) {
                let duration = sampler.stepSeconds!.draw(&generator)
                totalSeconds += duration
                maximum = Swift.max(maximum, duration)
            }
            totalSeconds += (totalSteps - totalSteps.rounded(.down)) * sampler.stepSeconds!.draw(&generator)
            steps.append(totalSteps)
            seconds.append(totalSeconds)
            longest.append(maximum)
        }
        // The shortcut's error bound at the smallest counts, on top of sampling noise.
        let stepsBound = sampler.steps.normalBound(count: 1500)
        let secondsBound = sampler.stepSeconds!.normalBound(count: 1500 * 3)
        let noise = SimStats.twoSample(trials, trials)
        let stepsDistance = SimStats.ksDistance(fast.map(\.steps), steps)
        let secondsDistance = SimStats.ksDistance(fast.map(\.activeSeconds), seconds)
        let longestDistance = SimStats.ksDistance(fast.map(\.longestStep), longest)
        #expect(stepsDistance <= noise + stepsBound, "seeds 31/32: steps KS \(stepsDistance) > \(noise) + \(stepsBound)")
        #expect(secondsDistance <= noise + stepsBound + secondsBound, "seeds 31/32: seconds KS \(secondsDistance)")
        #expect(longestDistance <= noise, "seeds 31/32: longest step KS \(longestDistance)")
        // And the means agree with Wald's identity: E[total] = E[runs] × E[per run].
        let expectedSteps = 2000 * sampler.steps.mean
        #expect(abs(SimStats.mean(fast.map(\.steps)) - expectedSteps) <= SimStats.z * (SimStats.variance(steps) / Double(trials)).squareRoot())
    }

    @Test("bad options and unsimulable distributions are clear errors")
    func errors() throws {
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let catalog = try S.shippedCatalog("seed-2025-01")
        #expect(throws: CostsimError.self) { try MonteCarlo.simulate(workload, catalog: catalog, options: SimulationOptions(trials: 0)) }
        #expect(throws: CostsimError.self) { try MonteCarlo.simulate(workload, catalog: catalog, options: SimulationOptions(trials: 1_000_001)) }
        // Sensitivity keeps every input's monthly value: 1,000,000 months × 30 inputs is too many.
        let many = try Workload.parse(WorkloadGenerator(jobs: 10, profile: .heavyTail, seed: 2).yaml(), file: "many.yaml")
        do {
            _ = try MonteCarlo.simulate(many, catalog: catalog, options: SimulationOptions(trials: 1_000_000, sensitivity: true))
            Issue.record("expected a usage error for --sensitivity with 30,000,000 values")
        } catch {
            #expect(error.exitCode == 64)
            #expect(error.description.contains("1000000 trials × 30 uncertain inputs is above 20,000,000 values"), "\(error)")
        }
        let wild = try Self.parse("version: 1\nname: w\njobs:\n  - name: a\n    runs_per_month: 10\n    step_seconds: {dist: lognormal, mu: -40, sigma: 11}\n")
        do {
            _ = try MonteCarlo.simulate(wild, catalog: catalog, options: SimulationOptions(trials: 10))
            Issue.record("expected an error for sigma 11")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.description.hasPrefix("sim.yaml:4: jobs[0].step_seconds: a lognormal with sigma 11 cannot be simulated"), "\(error)")
        }
    }

    @Test("the sampling summary counts approximated totals and names the largest bound")
    func samplingSummary() throws {
        let workload = try Self.parse(Self.uncertain)
        let result = try MonteCarlo.simulate(workload, catalog: try S.shippedCatalog("current-2026-11"), options: SimulationOptions(trials: 50))
        // api: steps (Poisson raised to 1) and step_seconds by the normal approximation; export: step_seconds.
        #expect(result.approximation.approximatedTotals == 3)
        #expect(result.approximation.largestBound > 0 && result.approximation.largestBound < 1)
        #expect(result.inputs.map(\.name) == ["api.runs_per_day", "api.retry_rate", "api.steps_per_run", "api.step_seconds",
                                              "export.runs_per_month", "export.memory_mb", "export.step_seconds"])
        #expect(result.notes.contains { $0.contains("Berry–Esseen") })
        #expect(result.notes.contains { $0.contains("triangular") })
    }

    @Test("progress is reported up to the last trial")
    func progress() throws {
        final class Seen: @unchecked Sendable {
            var values: [Int] = []
            let lock = NSLock()
        }
        let seen = Seen()
        let workload = try Self.parse(Self.uncertain)
        _ = try MonteCarlo.simulate(workload, catalog: try S.shippedCatalog("current-2026-11"), options: SimulationOptions(trials: 1_000)) { done, total in
            seen.lock.lock()
            seen.values.append(done)
            seen.lock.unlock()
            #expect(total == 1_000)
        }
        #expect(seen.values.max() == 1_000)
        #expect(seen.values.count == 4)
    }
}
