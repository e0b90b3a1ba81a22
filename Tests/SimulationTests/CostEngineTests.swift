import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// Engine mechanics against hand-built pricing files (SPEC §3, §5).
@Suite("Cost engine mechanics")
struct CostEngineTests {
    private let steps = S.meter("steps", [(.steps, 1)])

    // MARK: Fee, usage, credit

    @Test("lines are the fee, one per meter in file order, then the credit")
    func lineOrder() throws {
        let provider = S.provider(meters: [steps, S.meter("runs", [(.runs, 1)])],
                                  plans: [S.plan("p", fee: 10, price: ["steps": .unit(S.d("0.001")), "runs": .unit(S.d("0.01"))], credit: 1)])
        let evaluation = try S.evaluate(provider, jobs: [S.job(runs: 1000, steps: 2)])
        #expect(evaluation.lines.map(\.name) == ["monthly_fee", "steps", "runs", "credit"])
        #expect(evaluation.lines.map(\.kind) == [.fee, .usage, .usage, .credit])
        #expect(evaluation.lines.map(\.amount) == [10, 2, 10, -1])
        #expect(evaluation.monthlyCost == 21)
        #expect(evaluation.exactCost == 21)
    }

    @Test("a credit covers usage but never takes the cost below the fee")
    func creditFloor() throws {
        let provider = S.provider(meters: [steps],
                                  plans: [S.plan("hobby", fee: 10, price: ["steps": .unit(S.d("0.001"))], credit: 10)])
        // $5 of usage, $10 credit: only $5 of the credit applies.
        let small = try S.evaluate(provider, jobs: [S.job(runs: 5000)])
        #expect(small.monthlyCost == 10)
        #expect(small.exactCost == 10)
        #expect(S.line(small, "steps")?.amount == 5)
        #expect(S.line(small, "credit")?.amount == -5)
        #expect(S.line(small, "credit")?.exactAmount == -5)
        // No usage at all: the credit line is zero.
        let none = try S.evaluate(provider, jobs: [S.job(runs: 0)])
        #expect(none.monthlyCost == 10)
        #expect(S.line(none, "credit")?.amount == 0)
        // $50 of usage: the full $10 credit applies.
        let large = try S.evaluate(provider, jobs: [S.job(runs: 50_000)])
        #expect(large.monthlyCost == 50)
        #expect(large.exactCost == 50)
        #expect(S.line(large, "credit")?.amount == -10)
    }

    @Test("a credit on a free plan never makes the cost negative")
    func creditOnFreePlan() throws {
        let provider = S.provider(meters: [steps], plans: [S.plan("free", fee: 0, price: ["steps": .unit(1)], credit: 5)])
        for runs: Decimal in [0, 1, 5, 6] {
            let evaluation = try S.evaluate(provider, jobs: [S.job(runs: runs)])
            #expect(try #require(evaluation.monthlyCost) == max(0, runs - 5), "runs \(runs)")
            #expect(try #require(evaluation.monthlyCost) >= 0)
        }
    }

    @Test("a plan with no usage price costs its fee whatever the usage")
    func freeMeter() throws {
        let provider = S.provider(meters: [steps], plans: [S.plan("flat", fee: 99)])
        let evaluation = try S.evaluate(provider, jobs: [S.job(runs: 10_000_000)])
        #expect(evaluation.status == .feasible)
        #expect(evaluation.monthlyCost == 99)
        #expect(S.line(evaluation, "steps")?.quantity == 10_000_000)
        #expect(S.line(evaluation, "steps")?.price == nil)
        #expect(S.line(evaluation, "steps")?.included == nil)
    }

    @Test("allowances are shared by all jobs on the provider")
    func sharedAllowance() throws {
        let provider = S.provider(meters: [steps],
                                  plans: [S.plan("p", fee: 40, included: ["steps": 1_000_000], price: ["steps": .unit(S.d("0.00004"))])])
        let evaluation = try S.evaluate(provider, jobs: [S.job("a", runs: 200_000, steps: 3), S.job("b", runs: 100_000, steps: 6)])
        #expect(S.line(evaluation, "steps")?.quantity == 1_200_000)
        #expect(S.line(evaluation, "steps")?.amount == 8)           // 200,000 × 0.00004
        #expect(evaluation.monthlyCost == 48)
    }

    @Test("each price kind charges per SPEC §3", arguments: [
        // (price, included, quantity, expected amount)
        (Price.unit(S.d("0.00004")), Decimal(1_000_000), Decimal(1_500_000), Decimal(20)),
        (Price.block(per: 1_000_000, amount: 50), 1_000_000, 2_000_001, 100),
        (Price.block(per: 1_000_000, amount: 50), 1_000_000, 1_000_000, 0),
        (Price.prorated(per: 10_000, amount: S.d("0.25")), 0, 25_000, S.d("0.63")),
        (Price.tiers([.init(upTo: 5_000_000, price: S.d("0.00005")), .init(upTo: 15_000_000, price: S.d("0.000025")),
                      .init(upTo: nil, price: S.d("0.00002"))]), 1_000_000, 20_000_000, 550),
        (Price.tiers([.init(upTo: 100, price: 1), .init(upTo: nil, price: 2)]), 150, 200, 100),
    ])
    func priceKinds(price: Price, included: Decimal, quantity: Decimal, expected: Decimal) throws {
        let provider = S.provider(meters: [steps], plans: [S.plan("p", fee: 0, included: ["steps": included], price: ["steps": price])])
        let evaluation = try S.evaluate(provider, jobs: [S.job(runs: quantity)])
        #expect(S.line(evaluation, "steps")?.amount == expected)
        #expect(evaluation.monthlyCost == expected)
    }

    @Test("each line is rounded half away from zero; the exact amount is kept")
    func lineRounding() throws {
        // 500 steps over the allowance at $0.00001 = $0.005 exactly: rounds up to $0.01.
        let provider = S.provider(meters: [steps], plans: [S.plan("p", fee: 1, price: ["steps": .unit(S.d("0.00001"))])])
        let evaluation = try S.evaluate(provider, jobs: [S.job(runs: 500)])
        #expect(S.line(evaluation, "steps")?.amount == S.d("0.01"))
        #expect(S.line(evaluation, "steps")?.exactAmount == S.d("0.005"))
        #expect(evaluation.monthlyCost == S.d("1.01"))
        #expect(evaluation.exactCost == S.d("1.005"))
    }

    @Test("the total is the sum of the rounded lines, not the rounded exact total")
    func totalIsSumOfRoundedLines() throws {
        // Two meters of $0.004 each: lines 0.00 + 0.00, though the exact total is 0.008.
        let provider = S.provider(meters: [steps, S.meter("runs", [(.runs, 1)])],
                                  plans: [S.plan("p", fee: 0, price: ["steps": .unit(S.d("0.000004")), "runs": .unit(S.d("0.000004"))])])
        let evaluation = try S.evaluate(provider, jobs: [S.job(runs: 1000)])
        #expect(evaluation.lines.map(\.amount) == [0, 0, 0])
        #expect(evaluation.monthlyCost == 0)
        #expect(evaluation.exactCost == S.d("0.008"))
    }

    // MARK: Feasibility

    @Test("a meter with included but no price is capped: more is infeasible, with a reason")
    func cappedMeter() throws {
        let provider = S.provider(meters: [S.meter("executions", [(.runs, 1), (.steps, 1)])],
                                  plans: [S.plan("free", fee: 0, included: ["executions": 50_000])])
        let over = try S.evaluate(provider, jobs: [S.job(runs: 20_000, steps: 2)])
        #expect(over.status == .infeasible)
        #expect(over.reasons == ["executions: 60,000 exceeds the 50,000 included on free (no overage price)"])
        #expect(over.monthlyCost == 0)
        #expect(S.line(over, "executions")?.amount == 0)

        let atCap = try S.evaluate(provider, jobs: [S.job(runs: 25_000, steps: 1)])
        #expect(atCap.status == .feasible)
        #expect(atCap.reasons.isEmpty)
    }

    @Test("max_quantity caps a meter: above it the plan is infeasible but still priced")
    func maxQuantity() throws {
        let provider = S.provider(meters: [steps], plans: [
            S.plan("hobby", fee: 5, price: ["steps": .unit(S.d("0.01"))], limits: Limits(maxQuantity: ["steps": 1000])),
        ])
        let over = try S.evaluate(provider, jobs: [S.job(runs: 1001)])
        #expect(over.status == .infeasible)
        #expect(over.reasons == ["steps: 1,001 exceeds hobby's cap of 1,000"])
        #expect(over.monthlyCost == S.d("15.01"))
        let at = try S.evaluate(provider, jobs: [S.job(runs: 1000)])
        #expect(at.status == .feasible)
    }

    @Test("production: false is infeasible with a reason, still priced, and never the cheapest")
    func developmentOnly() throws {
        let provider = S.provider(meters: [steps], plans: [
            S.plan("free", fee: 0, production: false),
            S.plan("paid", fee: 20),
        ])
        let engine = CostEngine(workload: S.workload([S.job()]), platform: nil)
        let choice = engine.evaluate(provider: provider)
        let free = choice.plans[0]
        #expect(free.status == .infeasible)
        #expect(free.reasons == ["free is for development only (production: false)"])
        #expect(free.monthlyCost == 0)
        #expect(choice.cheapest?.plan.name == "paid")
    }

    @Test("custom plans: status custom, no lines, no cost, never chosen")
    func customPlan() throws {
        let provider = S.provider(meters: [steps], plans: [S.plan("enterprise", custom: true), S.plan("paid", fee: 20)])
        let engine = CostEngine(workload: S.workload([S.job()]), platform: nil)
        let choice = engine.evaluate(provider: provider)
        let custom = choice.plans[0]
        #expect(custom.status == .custom)
        #expect(!custom.isFeasible)
        #expect(custom.monthlyCost == nil)
        #expect(custom.exactCost == nil)
        #expect(custom.lines.isEmpty)
        #expect(custom.reasons == ["custom pricing: contact sales"])
        #expect(choice.cheapest?.plan.name == "paid")

        let onlyCustom = engine.evaluate(provider: S.provider(meters: [steps], plans: [S.plan("enterprise", custom: true)]))
        #expect(onlyCustom.cheapest == nil)
    }

    @Test("no feasible plan leaves the provider without a cheapest plan")
    func noFeasiblePlan() {
        let provider = S.provider(meters: [steps], plans: [S.plan("free", fee: 0, production: false)])
        let choice = CostEngine(workload: S.workload([S.job()]), platform: nil).evaluate(provider: provider)
        #expect(choice.cheapest == nil)
        #expect(choice.plans.count == 1)
    }

    @Test("plan memory limit")
    func planMemoryLimit() throws {
        let provider = S.provider(meters: [steps], plans: [S.plan("pro", fee: 0, limits: Limits(memoryMB: 1024))])
        let big = try S.evaluate(provider, jobs: [S.job("big", memoryMB: 2048), S.job("fits", memoryMB: 1024), S.job("unstated")])
        #expect(big.reasons == ["big: 2,048 MB exceeds Acme pro's 1,024 MB memory limit"])
        #expect(big.status == .infeasible)
    }

    @Test("platform memory limit applies to runs_on: platform providers")
    func platformMemoryLimit() throws {
        let provider = S.provider(runsOn: .platform, meters: [steps], plans: [S.plan("p", fee: 0)])
        let platform = S.platform(maxDurationSeconds: nil, memoryMB: 1024)
        let evaluation = try S.evaluate(provider, jobs: [S.job("big", memoryMB: 3008)], platform: platform)
        #expect(evaluation.reasons == ["big: 3,008 MB exceeds Vercel Hobby's 1,024 MB memory limit"])
    }

    @Test("concurrency limit compares average concurrent executions (compute seconds / month seconds)")
    func concurrency() throws {
        let provider = S.provider(meters: [steps], plans: [S.plan("pro", fee: 0, limits: Limits(concurrency: 2))])
        let monthSeconds = Decimal(730 * 3600)
        // 2.5 concurrent executions on average.
        let over = try S.evaluate(provider, jobs: [S.job(runs: monthSeconds, stepSeconds: S.d("2.5"))])
        #expect(over.status == .infeasible)
        #expect(over.reasons == ["needs 2.5 concurrent executions on average, more than the 2 pro allows"])
        // Exactly 2: fits.
        let at = try S.evaluate(provider, jobs: [S.job(runs: monthSeconds, stepSeconds: 2)])
        #expect(at.status == .feasible)
        // A 720-hour month makes the same compute denser.
        let dense = try S.evaluate(provider, jobs: [S.job(runs: monthSeconds, stepSeconds: 2)], monthHours: 720)
        // 2.0277… on average is shown with up to two decimals, so it reads "needs 2.03 … the 2 pro allows".
        #expect(dense.status == .infeasible)
        #expect(dense.reasons == ["needs 2.03 concurrent executions on average, more than the 2 pro allows"])
    }

    @Test("max_steps_per_run limit")
    func maxStepsPerRun() throws {
        let provider = S.provider(meters: [steps], plans: [S.plan("p", fee: 0, limits: Limits(maxStepsPerRun: 100))])
        let evaluation = try S.evaluate(provider, jobs: [S.job("long", steps: 150)])
        #expect(evaluation.reasons == ["long: 150 steps per run exceed Acme p's 100"])
    }

    @Test("history_days is informational and never rules a plan out")
    func historyDays() throws {
        let provider = S.provider(meters: [steps], plans: [S.plan("p", fee: 0, limits: Limits(historyDays: 1))])
        #expect(try S.evaluate(provider, jobs: [S.job()]).status == .feasible)
    }

    @Test("reasons of one kind are capped at 5, the rest counted in one line")
    func reasonOverflow() throws {
        let provider = S.provider(runsOn: .platform, meters: [steps], plans: [S.plan("p", fee: 0)])
        let jobs = (1...8).map { S.job("job-\($0)", stepSeconds: Decimal(10 + $0)) }
        let evaluation = try S.evaluate(provider, jobs: jobs, platform: S.platform(maxDurationSeconds: 10))
        #expect(evaluation.reasons == [
            "job-1: 11 s step exceeds Vercel Hobby's 10 s limit",
            "job-2: 12 s step exceeds Vercel Hobby's 10 s limit",
            "job-3: 13 s step exceeds Vercel Hobby's 10 s limit",
            "job-4: 14 s step exceeds Vercel Hobby's 10 s limit",
            "job-5: 15 s step exceeds Vercel Hobby's 10 s limit",
            "… and 3 more jobs for the same reason",
        ])
        let six = try S.evaluate(provider, jobs: Array(jobs.prefix(6)), platform: S.platform(maxDurationSeconds: 10))
        #expect(six.reasons.last == "… and 1 more job for the same reason")
        #expect(six.reasons.count == 6)
    }

    // MARK: Durations

    @Test("platform max duration is checked against max_step_seconds, for runs_on: platform only")
    func platformDuration() throws {
        let platform = S.platform(maxDurationSeconds: 10)
        let job = S.job("render", steps: 3, stepSeconds: 5, maxStepSeconds: 15)
        let onPlatform = S.provider(runsOn: .platform, meters: [steps], plans: [S.plan("p", fee: 0)])
        let evaluation = try S.evaluate(onPlatform, jobs: [job], platform: platform)
        #expect(evaluation.status == .infeasible)
        #expect(evaluation.reasons == ["render: 15 s step exceeds Vercel Hobby's 10 s limit"])

        // A step exactly at the limit fits.
        #expect(try S.evaluate(onPlatform, jobs: [S.job(stepSeconds: 10)], platform: platform).status == .feasible)
        // Average step 5 s but no max given: the average is the longest.
        #expect(try S.evaluate(onPlatform, jobs: [S.job(steps: 3, stepSeconds: 5)], platform: platform).status == .feasible)
        // Without a platform the limit is not checked.
        #expect(try S.evaluate(onPlatform, jobs: [job], platform: nil).status == .feasible)
        // A provider running on its own machines ignores the platform.
        let own = S.provider(runsOn: .provider, meters: [steps], plans: [S.plan("p", fee: 0)])
        #expect(try S.evaluate(own, jobs: [job], platform: platform).status == .feasible)
    }

    @Test("plan max duration uses the longest step under execution: steps")
    func planDurationSteps() throws {
        let provider = S.provider(execution: .steps, meters: [steps],
                                  plans: [S.plan("p", fee: 0, limits: Limits(maxDurationSeconds: 30))])
        // 3 steps × 20 s: each step fits in 30 s although the run is 60 s.
        #expect(try S.evaluate(provider, jobs: [S.job(steps: 3, stepSeconds: 20)]).status == .feasible)
        let tight = S.provider(execution: .steps, meters: [steps], plans: [S.plan("p", fee: 0, limits: Limits(maxDurationSeconds: 15))])
        #expect(try S.evaluate(tight, jobs: [S.job("sync", steps: 3, stepSeconds: 20)]).reasons
                == ["sync: 20 s step exceeds Acme p's 15 s limit"])
    }

    @Test("plan max duration uses the whole run under execution: runs")
    func planDurationRuns() throws {
        let provider = S.provider(execution: .runs, meters: [S.meter("runs", [(.runs, 1)])],
                                  plans: [S.plan("p", fee: 0, limits: Limits(maxDurationSeconds: 30))])
        let evaluation = try S.evaluate(provider, jobs: [S.job("sync", steps: 3, stepSeconds: 20)])
        #expect(evaluation.status == .infeasible)
        #expect(evaluation.reasons == ["sync: 60 s run exceeds Acme p's 30 s limit"])
        // run_seconds counts as given.
        #expect(try S.evaluate(provider, jobs: [S.job("r", steps: 5, stepSeconds: nil, runSeconds: 30)]).status == .feasible)
        #expect(try S.evaluate(provider, jobs: [S.job("r", steps: 5, stepSeconds: nil, runSeconds: S.d("30.5"))]).reasons
                == ["r: 30.5 s run exceeds Acme p's 30 s limit"])
    }

    @Test("several problems are all reported: platform, development-only, then plan limits")
    func reasonOrder() throws {
        let provider = S.provider(runsOn: .platform, meters: [steps], plans: [
            S.plan("free", fee: 0, production: false, limits: Limits(memoryMB: 512, maxQuantity: ["steps": 10])),
        ])
        let evaluation = try S.evaluate(provider, jobs: [S.job("a", runs: 100, maxStepSeconds: 30, memoryMB: 1024)],
                                        platform: S.platform(maxDurationSeconds: 10))
        #expect(evaluation.reasons == [
            "a: 30 s step exceeds Vercel Hobby's 10 s limit",
            "free is for development only (production: false)",
            "a: 1,024 MB exceeds Acme free's 512 MB memory limit",
            "steps: 100 exceeds free's cap of 10",
        ])
    }

    // MARK: Machines

    private var machines: [Machine] {
        [S.machine("small", memoryMB: 512, perSecond: S.d("0.0001")),
         S.machine("medium", memoryMB: 1024, perSecond: S.d("0.0002")),
         S.machine("large", memoryMB: 4096, perSecond: S.d("0.0008"))]
    }

    private func machineProvider(plans: [Plan]? = nil, defaultMachine: String? = "medium") -> PricingFile {
        S.provider("compute", name: "Compute", execution: .runs,
                   meters: [S.meter("runs", [(.runs, 1)]), S.meter("compute_seconds", [(.computeSeconds, 1)])],
                   machines: machines, defaultMachine: defaultMachine,
                   plans: plans ?? [S.plan("pay", fee: 0, price: ["runs": .unit(S.d("0.000025"))])])
    }

    @Test("machine selection: named machine, smallest fitting by memory, else the default")
    func machineSelection() throws {
        let provider = machineProvider()
        let workload = S.workload([
            S.job("named", runs: 1000, stepSeconds: 10, memoryMB: 256, machine: "large"),
            S.job("fits-700", runs: 1000, stepSeconds: 10, memoryMB: 700),
            S.job("fits-exact", runs: 1000, stepSeconds: 10, memoryMB: 512),
            S.job("default", runs: 1000, stepSeconds: 10),
        ])
        let engine = CostEngine(workload: workload, platform: nil)
        let usage = engine.usage(on: provider)
        #expect(usage.jobMachines == ["large", "medium", "small", "medium"])
        #expect(usage.providerReasons.isEmpty)
        #expect(usage.machineSeconds == [
            .init(name: "small", perSecond: S.d("0.0001"), seconds: 10_000),
            .init(name: "medium", perSecond: S.d("0.0002"), seconds: 20_000),
            .init(name: "large", perSecond: S.d("0.0008"), seconds: 10_000),
        ])
        let evaluation = engine.evaluate(usage: usage, plan: provider.plans[0])
        #expect(evaluation.lines.map(\.name) == ["monthly_fee", "runs", "compute_seconds (small)", "compute_seconds (medium)", "compute_seconds (large)"])
        #expect(evaluation.lines.map(\.amount) == [0, S.d("0.10"), 1, 4, 8])
        #expect(evaluation.lines.map(\.kind) == [.fee, .usage, .compute, .compute, .compute])
        #expect(S.line(evaluation, "compute_seconds (large)")?.perSecond == S.d("0.0008"))
        #expect(evaluation.monthlyCost == S.d("13.10"))
        #expect(evaluation.status == .feasible)
    }

    @Test("machine selection prefers the cheaper of two presets with the same memory")
    func machineTie() {
        let provider = S.provider("compute", name: "Compute", execution: .runs,
                                  meters: [S.meter("compute_seconds", [(.computeSeconds, 1)])],
                                  machines: [S.machine("dear", memoryMB: 1024, perSecond: S.d("0.0003")),
                                             S.machine("cheap", memoryMB: 1024, perSecond: S.d("0.0002"))],
                                  defaultMachine: "dear", plans: [S.plan("p", fee: 0)])
        let usage = CostEngine(workload: S.workload([S.job(memoryMB: 1000)]), platform: nil).usage(on: provider)
        #expect(usage.jobMachines == ["cheap"])
    }

    @Test("no machine fits the job's memory: every plan is infeasible with the reason")
    func noMachineFits() throws {
        let provider = machineProvider(plans: [S.plan("a", fee: 0), S.plan("b", fee: 10)])
        let engine = CostEngine(workload: S.workload([S.job("huge", memoryMB: 8192), S.job("ok", memoryMB: 100)]), platform: nil)
        let choice = engine.evaluate(provider: provider)
        for plan in choice.plans {
            #expect(plan.status == .infeasible)
            #expect(plan.reasons == ["huge: 8,192 MB exceeds Compute's largest machine (4,096 MB)"])
        }
        #expect(choice.cheapest == nil)
        #expect(engine.usage(on: provider).jobMachines == [nil, "small"])
    }

    @Test("a named machine the provider does not offer")
    func unknownMachine() throws {
        let evaluation = try S.evaluate(machineProvider(), jobs: [S.job("j", machine: "xl")])
        #expect(evaluation.reasons == ["j: machine 'xl' is not offered by Compute (small, medium, large)"])
    }

    @Test("no default machine and no memory: a reason, not a crash")
    func noDefaultMachine() throws {
        let evaluation = try S.evaluate(machineProvider(defaultMachine: nil), jobs: [S.job("j")])
        #expect(evaluation.reasons == ["j: Compute has no default machine"])
    }

    @Test("a money credit offsets machine compute charges")
    func machineCredit() throws {
        let provider = machineProvider(plans: [S.plan("hobby", fee: 10, credit: 10)])
        // 1,000 runs × 10 s on medium = 10,000 s × 0.0002 = $2: covered.
        let covered = try S.evaluate(provider, jobs: [S.job(runs: 1000, stepSeconds: 10)])
        #expect(covered.monthlyCost == 10)
        // 100,000 runs × 10 s = $200: $190 over the credit.
        let over = try S.evaluate(provider, jobs: [S.job(runs: 100_000, stepSeconds: 10)])
        #expect(over.monthlyCost == 200)
        #expect(over.exactCost == 200)
    }

    // MARK: Helpers

    @Test("numbers in reasons are grouped and trimmed")
    func reasonNumbers() {
        #expect(CostEngine.number(1_000_000) == "1,000,000")
        #expect(CostEngine.number(45) == "45")
        #expect(CostEngine.number(S.d("12.5")) == "12.5")
        #expect(CostEngine.number(S.d("0.125")) == "0.13")
        #expect(CostEngine.number(S.d("-1234.5")) == "-1,234.5")
        #expect(CostEngine.number(S.d("999.999")) == "1,000")
        #expect(CostEngine.number(0) == "0")
    }

    @Test("PlatformPlan names itself for messages")
    func platformNames() {
        let platform = S.platform("pro-extended")
        #expect(platform.displayName == "Vercel Pro-extended")
        #expect(platform.id == "vercel/pro-extended")
    }
}
