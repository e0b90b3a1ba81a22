import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// The fast pricing paths (`MeterPricer` on decimal totals, `ScaledPricer` in fixed point) give
/// exactly what `CostEngine` gives: feasibility, the cheapest plan, its exact cost and its bill.
@Suite("Simulation: fast pricing paths against CostEngine")
struct SimulateMeterPricerTests {
    static let seeds: [UInt64] = (0..<200).map { 0x5151_0000 + UInt64($0) }

    /// A platform plan with limits and usage prices, for `runs_on: platform` providers.
    /// - Parameter fixedPoint: only prices fixed point can hold (no pro rata per 3,600).
    static func platform(_ rng: inout SimSplitMix64, fixedPoint: Bool = false) -> PlatformPlan {
        let meters = [S.meter("invocations", [(.invocations, 1)]), S.meter("memory_gb_seconds", [(.gbSeconds, 1)])]
        let plan = S.plan("pro", fee: nil, included: ["invocations": 1_000_000, "memory_gb_seconds": Decimal(rng.int(0...5_000_000))],
                          price: ["invocations": .prorated(per: 1_000_000, amount: S.d("0.60")),
                                  "memory_gb_seconds": !fixedPoint && rng.chance(50) ? .prorated(per: 3600, amount: S.d("0.0106")) : .unit(S.d("0.0000029"))],
                          limits: Limits(maxDurationSeconds: Decimal(rng.pick([10, 60, 300, 800])), memoryMB: rng.chance(50) ? 2048 : nil))
        let file = S.provider("vercel", name: "Vercel", kind: .platform, meters: meters, plans: [plan])
        return PlatformPlan(file: file, plan: plan)
    }

    @Test("MeterPricer on the engine's own totals matches CostEngine plan by plan", arguments: seeds)
    func decimalPathMatchesEngine(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let workload = SimGenerator.workload(&rng)
        let catalog = SimGenerator.catalog(&rng)
        let platform: PlatformPlan? = rng.chance(60) ? Self.platform(&rng) : nil
        let withPlatformCosts = rng.chance(50)
        let simulator = try Simulator(workload: workload, providers: catalog.providers, platform: platform,
                                      withPlatformCosts: withPlatformCosts, seed: 1, recordInputs: false)
        #expect(simulator.isDeterministic)
        var scratch = simulator.makeScratch()
        let outcomes = simulator.decimalTrial(0, &scratch)
        let engine = CostEngine(workload: workload, platform: platform, withPlatformCosts: withPlatformCosts)
        for (index, file) in catalog.providers.enumerated() {
            let choice = engine.evaluate(provider: file)
            for (planIndex, evaluation) in choice.plans.enumerated() where evaluation.status != .custom {
                let feasible = scratch.masks[index][planIndex] == 0
                #expect(feasible == evaluation.isFeasible,
                        "seed \(seed): \(evaluation.id) engine \(evaluation.status) \(evaluation.reasons), fast mask \(scratch.masks[index][planIndex])")
            }
            let outcome = outcomes[index]
            #expect(outcome.chosen.map { file.plans[$0].name } == choice.cheapest?.plan.name, "seed \(seed): \(file.provider) cheapest")
            if let cheapest = choice.cheapest {
                #expect(outcome.exactCost == cheapest.exactCost, "seed \(seed): \(cheapest.id) exact \(outcome.exactCost) vs \(cheapest.exactCost!)")
                #expect(outcome.monthlyCost == cheapest.monthlyCost, "seed \(seed): \(cheapest.id) bill \(outcome.monthlyCost) vs \(cheapest.monthlyCost!)")
            }
        }
    }

    /// Jobs whose quantities are whole millionths (integer runs, 3-decimal durations), so the
    /// fixed-point path sees exactly the engine's totals.
    static func millionthsWorkload(_ rng: inout SimSplitMix64) -> Workload {
        let jobs = (0..<rng.int(1...5)).map { index -> Job in
            let steps = rng.int(1...8)
            return Job(name: "job-\(index)", volume: .perMonth(Decimal(rng.int(0...3_000_000))),
                       runsPerMonth: Decimal(rng.int(0...3_000_000)), stepsPerRun: Decimal(steps), sleepsPerRun: Decimal(rng.int(0...(steps - 1))),
                       stepSeconds: rng.decimal(1...90_000, scale: 3), maxStepSeconds: rng.chance(20) ? Decimal(rng.int(90...1000)) : nil,
                       memoryMB: rng.chance(40) ? nil : Decimal(rng.pick([256, 512, 1024, 2048, 4096])), retryRate: 0,
                       eventsPerRun: Decimal(rng.int(0...2)))
        }
        return Workload(name: "millionths", jobs: jobs, file: "millionths.yaml")
    }

    /// Meters with integer coefficients only (what fixed point needs).
    static func integerCatalog(_ rng: inout SimSplitMix64) -> Catalog {
        var catalog = SimGenerator.catalog(&rng)
        for index in catalog.files.indices {
            for meter in catalog.files[index].meters.indices {
                catalog.files[index].meters[meter].terms = catalog.files[index].meters[meter].terms.map { ($0.quantity, $0.coefficient.isWhole ? $0.coefficient : 1) }
            }
        }
        return catalog
    }

    @Test("ScaledPricer (fixed point) matches CostEngine when quantities are whole millionths", arguments: seeds)
    func fixedPointMatchesEngine(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let workload = Self.millionthsWorkload(&rng)
        let catalog = Self.integerCatalog(&rng)
        let platform: PlatformPlan? = rng.chance(60) ? Self.platform(&rng, fixedPoint: true) : nil
        let withPlatformCosts = rng.chance(50)
        let engine = CostEngine(workload: workload, platform: platform, withPlatformCosts: withPlatformCosts)
        /// A decimal that is a whole number of millionths, as that number.
        func millionths(_ value: Decimal) throws -> UInt64 {
            try #require(MoneyScale.integer(value, shiftedBy: 6), "seed \(seed): \(value) is not whole millionths")
        }
        for (index, file) in catalog.providers.enumerated() {
            let pricer = MeterPricer(file: file, platform: platform, withPlatformCosts: withPlatformCosts, workload: workload, fixedJobs: workload.jobs)
            let scale = try #require(ScaledPricer.digitsNeeded(pricer, platform: platform).flatMap(MoneyScale.init(digits:)))
            let scaled = try #require(ScaledPricer(pricer, scale: scale), "seed \(seed): fixed point should cover integer-coefficient catalogs")
            // The workload's totals and per-machine quantities, computed here from the jobs.
            var totals = QuantitySet()
            let terms = pricer.machineMeter?.terms ?? []
            var machineQuantities = [UInt64](repeating: 0, count: file.machines.count * terms.count)
            var used = [Bool](repeating: false, count: file.machines.count)
            for job in workload.jobs {
                let quantities = job.quantities(execution: file.execution)
                totals += quantities
                guard !terms.isEmpty, case .success(let machine) = ProviderUsage.machine(for: job, on: file),
                      let position = file.machines.firstIndex(where: { $0.name == machine.name }) else { continue }
                used[position] = true
                for (term, entry) in terms.enumerated() {
                    machineQuantities[position * terms.count + term] += try millionths(quantities[Quantity.allCases[entry.quantity]])
                }
            }
            let totalMillionths = try Quantity.allCases.map { try millionths(totals[$0]) }
            var masks = [UInt32](repeating: 0, count: file.plans.count)
            var meterTotals = [UInt64](repeating: 0, count: pricer.meters.count)
            let extremes = ProviderMonth(totals: [], machineSeconds: [])
            let outcome = try #require(scaled.price(totals: totalMillionths, machineQuantities: machineQuantities, machineUsed: used,
                                                    extremes: extremes, masks: &masks, meterTotals: &meterTotals),
                                       "seed \(seed): fixed point overflowed")
            let choice = engine.evaluate(provider: file)
            for (planIndex, evaluation) in choice.plans.enumerated() where evaluation.status != .custom {
                #expect((masks[planIndex] == 0) == evaluation.isFeasible,
                        "seed \(seed): \(evaluation.id) engine \(evaluation.status) \(evaluation.reasons), fixed point mask \(masks[planIndex])")
            }
            #expect(outcome.chosen.map { file.plans[$0].name } == choice.cheapest?.plan.name, "seed \(seed): \(file.provider) cheapest")
            if let cheapest = choice.cheapest {
                #expect(scale.decimal(outcome.exactCost) == cheapest.exactCost, "seed \(seed): \(cheapest.id) exact")
                #expect(scale.decimal(outcome.monthlyCost) == cheapest.monthlyCost, "seed \(seed): \(cheapest.id) bill")
            }
        }
    }

    @Test("ScaledPricer and MeterPricer agree on random monthly totals, extremes included", arguments: seeds)
    func fixedPointMatchesDecimalPath(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let catalog = Self.integerCatalog(&rng)
        let platform: PlatformPlan? = rng.chance(60) ? Self.platform(&rng, fixedPoint: true) : nil
        let withPlatformCosts = rng.chance(50)
        let workload = Workload(name: "w", jobs: [], file: "w.yaml")
        for file in catalog.providers {
            let pricer = MeterPricer(file: file, platform: platform, withPlatformCosts: withPlatformCosts, workload: workload, fixedJobs: [])
            let scale = try #require(ScaledPricer.digitsNeeded(pricer, platform: platform).flatMap(MoneyScale.init(digits:)))
            let scaled = try #require(ScaledPricer(pricer, scale: scale))
            let terms = pricer.machineMeter?.terms.count ?? 0
            for _ in 0..<20 {
                let totals = (0..<Quantity.allCases.count).map { _ in UInt64(rng.int(0...20_000_000_000_000)) }
                let machineQuantities = (0..<(file.machines.count * terms)).map { _ in UInt64(rng.int(0...5_000_000_000_000)) }
                let used = file.machines.map { _ in rng.chance(70) }
                var month = ProviderMonth(totals: totals.map { Decimal.millionths(Int64($0)) },
                                          machineSeconds: file.machines.indices.map { machine in
                                              guard used[machine] else { return nil }
                                              return (0..<terms).reduce(Decimal(0)) { sum, term in
                                                  sum + Decimal.millionths(Int64(machineQuantities[machine * terms + term])) * (pricer.machineMeter?.terms[term].coefficient ?? 1)
                                              }
                                          })
                month.longestStep = Double(rng.int(0...1000))
                month.longestRun = Double(rng.int(0...1000))
                month.largestMemoryMB = Double(rng.pick([0, 1024, 4096]))
                month.mostSteps = Double(rng.int(1...2000))
                var decimalMasks = [UInt32](repeating: 0, count: file.plans.count)
                var fixedMasks = decimalMasks
                var meterTotals = [UInt64](repeating: 0, count: pricer.meters.count)
                let exact = pricer.price(month, masks: &decimalMasks)
                let fast = try #require(scaled.price(totals: totals, machineQuantities: machineQuantities, machineUsed: used, extremes: month,
                                                     masks: &fixedMasks, meterTotals: &meterTotals), "seed \(seed): overflow")
                #expect(fixedMasks == decimalMasks, "seed \(seed): \(file.provider) masks \(fixedMasks) vs \(decimalMasks)")
                #expect(fast.chosen == exact.chosen, "seed \(seed): \(file.provider) chosen")
                if exact.chosen != nil {
                    #expect(scale.decimal(fast.exactCost) == exact.exactCost, "seed \(seed): exact \(scale.decimal(fast.exactCost)) vs \(exact.exactCost)")
                    #expect(scale.decimal(fast.monthlyCost) == exact.monthlyCost, "seed \(seed): bill")
                }
            }
        }
    }

    @Test("the shipped catalogs price in fixed point, and match CostEngine on the fixtures")
    func shippedCatalogs() throws {
        for (fixture, catalogName) in [("seed-article.yaml", "seed-2025-01"), ("saas.yaml", "current-2026-11"), ("pdf-generation.yaml", "seed-2025-01"),
                                       ("batch-email.yaml", "seed-2025-01"), ("data-sync.yaml", "seed-2025-01")] {
            let workload = try Workload.load(path: S.fixture(fixture))
            let catalog = try S.shippedCatalog(catalogName)
            let platform = try catalog.resolvePlatform(workload.platform, fromCommandLine: false, workloadFile: workload.file)
            for withPlatformCosts in [false, true] {
                let simulator = try Simulator(workload: workload, providers: catalog.providers, platform: platform,
                                              withPlatformCosts: withPlatformCosts, seed: 1, recordInputs: false)
                // Vercel's GB-hours are pro rata per 3,600: no exact fixed point, the decimal path prices them.
                #expect(simulator.scaledPricers != nil || withPlatformCosts, "\(fixture) on \(catalogName): no fixed point")
                var scratch = simulator.makeScratch()
                let outcomes = simulator.decimalTrial(0, &scratch)
                let engine = CostEngine(workload: workload, platform: platform, withPlatformCosts: withPlatformCosts)
                for (index, file) in catalog.providers.enumerated() {
                    let cheapest = engine.evaluate(provider: file).cheapest
                    #expect(outcomes[index].exactCost == (cheapest?.exactCost ?? 0), "\(fixture) \(file.provider)")
                    #expect(outcomes[index].monthlyCost == (cheapest?.monthlyCost ?? 0), "\(fixture) \(file.provider)")
                }
            }
        }
    }

    @Test("plans a cent apart: the cheapest is chosen by exact cost, as CostEngine does, not by the rounded bill")
    func nearTie() throws {
        // Plan a: 1,000,400 runs × $0.00001 = $10.004 (bill $10.00); plan b: fee $10.003 (bill $10.00).
        let provider = S.provider("acme", meters: [S.meter("runs", [(.runs, 1)])],
                                  plans: [S.plan("a", fee: 0, price: ["runs": .unit(S.d("0.00001"))]),
                                          S.plan("b", fee: S.d("10.003"))])
        let workload = S.workload([S.job("j", runs: 1_000_400)])
        let engine = CostEngine(workload: workload, platform: nil).evaluate(provider: provider)
        #expect(engine.cheapest?.plan.name == "b")
        let simulator = try Simulator(workload: workload, providers: [provider], platform: nil, withPlatformCosts: false, seed: 1, recordInputs: false)
        var scratch = simulator.makeScratch()
        let decimal = simulator.decimalTrial(0, &scratch)[0]
        #expect(decimal.chosen == 1 && decimal.exactCost == S.d("10.003") && decimal.monthlyCost == S.d("10.00"))
        let pricer = simulator.pricers[0]
        let scale = try #require(ScaledPricer.digitsNeeded(pricer, platform: nil).flatMap(MoneyScale.init(digits:)))
        let scaled = try #require(ScaledPricer(pricer, scale: scale))
        var masks = [UInt32](repeating: 0, count: 2)
        var meterTotals = [UInt64](repeating: 0, count: 1)
        let totals = (0..<Quantity.allCases.count).map { $0 == QuantityIndex.runs ? UInt64(1_000_400_000_000) : 0 }
        let fast = try #require(scaled.price(totals: totals, machineQuantities: [], machineUsed: [], extremes: ProviderMonth(totals: [], machineSeconds: []),
                                             masks: &masks, meterTotals: &meterTotals))
        #expect(fast.chosen == 1 && scale.decimal(fast.exactCost) == S.d("10.003"))
    }

    @Test("fixed-point money: products, sums, rounding and conversion are exact")
    func moneyScale() throws {
        let scale = try #require(MoneyScale(digits: 14))
        // 300,000.5 units at 0.0000675 = 20.25003375.
        let amount = try #require(scale.product(300_000_500_000, 6_750))
        #expect(scale.decimal(amount) == S.d("20.25003375"))
        #expect(scale.decimal(scale.rounded(amount)) == S.d("20.25"))
        let half = try #require(scale.amount(S.d("0.005")))
        #expect(scale.decimal(scale.rounded(half)) == S.d("0.01"))
        let below = try #require(scale.amount(S.d("0.00499999999999")))
        #expect(scale.decimal(scale.rounded(below)) == 0)
        let almost = try #require(scale.amount(S.d("0.00999999999999")))
        let tiny = try #require(scale.amount(S.d("0.00000000000001")))
        let sum = try #require(scale.add(almost, tiny))
        #expect(scale.decimal(sum) == S.d("0.01"))
        let two = try #require(scale.amount(S.d("0.00000000000002")))
        #expect(scale.subtract(sum, two) == scale.amount(S.d("0.00999999999998")))
        #expect(scale.product(UInt64.max, UInt64.max) == nil)
        #expect(scale.amount(S.d("0.000000000000001")) == nil, "15 decimals do not fit 14")
        #expect(MoneyScale.fractionDigits(S.d("0.0000675")) == 7)
        #expect(ScaledPricer.powerOfTen(1_000_000) == 6 && ScaledPricer.powerOfTen(3600) == nil)
    }
}
