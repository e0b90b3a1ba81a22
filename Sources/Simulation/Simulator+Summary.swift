import CostModel
import Foundation
import Workload

/// From the trials' raw outcomes to the report's figures: statistics, shares, reasons in words.
extension Simulator {
    /// Per provider: cost statistics over the months it had a feasible plan, months over budget,
    /// how often each plan was the cheapest, and why plans failed.
    /// - Complexity: O(providers × trials × log trials).
    func summarise(_ run: Run, trials: Int, budget: Decimal?) -> [ProviderSimulation] {
        let scale = run.scaledExact.first?.isEmpty == false ? scaledPricers?.first?.scale : nil
        let budgetScaled = budget.flatMap { scale?.amount($0) }
        /// Is trial t's exact cost at provider a at most provider b's?
        func notAbove(_ a: Int, _ b: Int, _ trial: Int) -> Bool {
            scale != nil ? run.scaledExact[a][trial] <= run.scaledExact[b][trial] : run.exact[a][trial] <= run.exact[b][trial]
        }
        func overBudget(_ provider: Int, _ trial: Int) -> Bool {
            guard let budget else { return false }
            if let scale {
                if let budgetScaled { return run.scaledMonthly[provider][trial] > budgetScaled }
                return scale.decimal(run.scaledMonthly[provider][trial]) > budget
            }
            return run.monthly[provider][trial] > budget
        }
        // The cheapest provider of each month: lowest exact cost, ties to the provider id (as `compare` ranks).
        let byID = pricers.indices.sorted { pricers[$0].file.provider < pricers[$1].file.provider }
        var overall = [Int](repeating: 0, count: pricers.count)
        var planOverall = pricers.map { [Int](repeating: 0, count: $0.plans.count) }
        for trial in 0..<trials {
            var best: Int?
            for provider in byID where run.chosen[provider][trial] >= 0 {
                if let current = best, notAbove(current, provider, trial) { continue }
                best = provider
            }
            if let best {
                overall[best] += 1
                planOverall[best][Int(run.chosen[best][trial])] += 1
            }
        }
        return pricers.enumerated().map { provider, pricer in
            var cheapest = [Int](repeating: 0, count: pricer.plans.count)
            var over = 0
            var feasible = 0
            for trial in 0..<trials {
                let chosen = Int(run.chosen[provider][trial])
                guard chosen >= 0 else { continue }
                feasible += 1
                cheapest[chosen] += 1
                if overBudget(provider, trial) { over += 1 }
            }
            var statistics: CostStatistics?
            if feasible > 0 {
                if let scale {
                    let costs = run.chosen[provider].indices.filter { run.chosen[provider][$0] >= 0 }.map { run.scaledExact[provider][$0] }
                    statistics = CostStatistics(scaled: costs, scale: scale)
                } else {
                    let costs = run.chosen[provider].indices.filter { run.chosen[provider][$0] >= 0 }.map { run.exact[provider][$0] }
                    statistics = CostStatistics(costs: costs)
                }
            }
            let plans = pricer.plans.enumerated().map { index, plan in
                let reasons = InfeasibilityKind.allCases.enumerated().compactMap { kindIndex, kind -> PlanReason? in
                    let count = run.reasonTrials[provider][index][kindIndex]
                    guard count > 0 else { return nil }
                    return PlanReason(kind: kind, trials: count,
                                      example: example(kind, provider: provider, plan: index, trial: run.firstTrial[provider][index][kindIndex]))
                }
                return PlanSimulation(name: plan.name, custom: plan.custom, cheapestTrials: cheapest[index],
                                      cheapestOverallTrials: planOverall[provider][index], infeasibleTrials: run.infeasibleTrials[provider][index],
                                      reasons: reasons)
            }
            return ProviderSimulation(provider: pricer.file.provider, providerName: pricer.file.name, feasibleTrials: feasible,
                                      cost: statistics, overBudgetTrials: budget == nil ? nil : over,
                                      cheapestOverallTrials: overall[provider], plans: plans)
        }
    }

    /// Per provider, each trial's rank (1 = cheapest, ties sharing their average) among the
    /// trials where the provider has a feasible plan (0 elsewhere), ordered by exact cost: costs
    /// are compared, never converted to floating point.
    func costRanks(_ run: Run) -> [[Double]] {
        run.chosen.indices.map { provider in
            let count = run.chosen[provider].count
            if run.scaledExact.first?.isEmpty == false {
                let costs = run.scaledExact[provider]
                return Sensitivity.ranks(order: (0..<count).sorted { costs[$0] < costs[$1] }, included: run.chosen[provider]) { costs[$0] == costs[$1] }
            }
            let costs = run.exact[provider]
            return Sensitivity.ranks(order: (0..<count).sorted { costs[$0] < costs[$1] }, included: run.chosen[provider]) { costs[$0] == costs[$1] }
        }
    }

    /// How the monthly totals of the uncertain per-run fields are sampled at their expected
    /// counts, and the largest error bound among the approximated ones.
    func samplingSummary() -> SamplingSummary {
        var summary = SamplingSummary(exactTotals: 0, approximatedTotals: 0, largestBound: 0, largestBoundInput: nil)
        var largest = 0.0
        for sampler in sampled {
            let runs = sampler.volume.mean * sampler.volumeFactor
            let computeSteps = runs * Swift.max(0, sampler.steps.mean - sampler.sleeps.mean)
            let fields: [(String, FieldSampler?, Double)] = [
                ("steps_per_run", sampler.steps, runs), ("sleeps_per_run", sampler.sleeps, runs), ("events_per_run", sampler.events, runs),
                ("step_seconds", sampler.stepSeconds, computeSteps), ("run_seconds", sampler.runSeconds, runs),
            ]
            for (field, fieldSampler, count) in fields {
                guard let fieldSampler, fieldSampler.constantValue == nil, sampler.uncertainFields.contains(field) else { continue }
                switch fieldSampler.sumMethod(whole: count.rounded(.down)) {
                case .normal:
                    summary.approximatedTotals += 1
                    let bound = fieldSampler.normalBound(count: count.rounded(.down))
                    if bound > largest {
                        largest = bound
                        summary.largestBound = Self.decimal((bound * 1_000_000).rounded(.up) / 1_000_000)
                        summary.largestBoundInput = "\(sampler.job.name).\(field)"
                    }
                default:
                    summary.exactTotals += 1
                }
            }
        }
        return summary
    }

    // MARK: Reasons in words

    /// One reason in words, with the figures of the first month it happened in:
    /// `pdf-export: 312 s step exceeds Vercel Pro's 300 s limit (month 17)`.
    func example(_ kind: InfeasibilityKind, provider: Int, plan index: Int, trial: Int) -> String {
        let pricer = pricers[provider]
        let file = pricer.file
        let plan = file.plans[index]
        let month = providerMonth(provider, trial: trial)
        let jobMonths = sampled.indices.map { (sampled[$0].job, sampled[$0].month(seed: seed, trial: trial, extremes: extremes[$0])) }
        let platform = file.runsOn == .platform ? self.platform : nil
        /// The job with the largest value over `limit`: fixed jobs by their exact value, sampled ones by the month's.
        func worst(_ fixed: (Job) -> Decimal?, _ drawn: (Job, JobMonth) -> Double?, over limit: Decimal) -> (String, Decimal)? {
            var found: (String, Decimal)?
            for job in fixedJobs {
                if let value = fixed(job), value > limit, found.map({ value > $0.1 }) ?? true { found = (job.name, value) }
            }
            for (job, jobMonth) in jobMonths {
                if let raw = drawn(job, jobMonth) {
                    let value = Self.decimal(raw)
                    if value > limit, found.map({ value > $0.1 }) ?? true { found = (job.name, value) }
                }
            }
            return found
        }
        let n = NumberFormat.quantity
        var text: String
        switch kind {
        case .developmentOnly:
            text = CostEngine.developmentOnlyReason(plan: plan.name)
        case .platformDuration:
            let limit = platform?.plan.limits.maxDurationSeconds ?? 0
            let job = worst({ $0.maxStepSeconds }, { $1.longestStep }, over: limit)
            text = CostEngine.platformDurationReason(job: job?.0 ?? "a job", seconds: job?.1 ?? 0,
                                                     platform: platform?.displayName ?? "the platform", limit: limit)
        case .platformMemory:
            let limit = platform?.plan.limits.memoryMB ?? 0
            let job = worst({ $0.memoryMB }, { $1.memoryMB }, over: limit)
            text = CostEngine.platformMemoryReason(job: job?.0 ?? "a job", memoryMB: job?.1 ?? 0,
                                                   platform: platform?.displayName ?? "the platform", limit: limit)
        case .machine:
            text = "a job fits no machine"
            for job in fixedJobs {
                if case .failure(let problem) = ProviderUsage.machine(for: job, on: file) { text = problem.text; break }
            }
            for (job, jobMonth) in jobMonths where pricer.machineIndex(for: job, memoryMB: jobMonth.memoryMB) == nil {
                let largest = file.machines.map(\.memoryMB).max() ?? 0
                text = job.machine.map { "\(job.name): machine '\($0)' is not offered by \(file.name)" }
                    ?? ProviderUsage.largestMachineReason(job: job.name, memoryMB: Self.decimal(jobMonth.memoryMB ?? 0), provider: file.name, largest: largest)
                break
            }
        case .planDuration:
            let limit = plan.limits.maxDurationSeconds ?? 0
            let steps = file.execution == .steps
            let job = worst({ steps ? $0.maxStepSeconds : $0.activeSecondsPerRun }, { steps ? $1.longestStep : $1.longestRun }, over: limit)
            text = CostEngine.planDurationReason(job: job?.0 ?? "a job", seconds: job?.1 ?? 0, what: steps ? "step" : "run",
                                                 provider: file.name, plan: plan.name, limit: limit)
        case .planMemory:
            let limit = plan.limits.memoryMB ?? 0
            let job = worst({ $0.memoryMB }, { $1.memoryMB }, over: limit)
            text = CostEngine.planMemoryReason(job: job?.0 ?? "a job", memoryMB: job?.1 ?? 0, provider: file.name, plan: plan.name, limit: limit)
        case .stepsPerRun:
            let limit = plan.limits.maxStepsPerRun ?? 0
            let job = worst({ $0.stepsPerRun }, { $1.mostSteps }, over: limit)
            text = "\(job?.0 ?? "a job"): \(n(job?.1 ?? 0, 2)) steps in a run exceed \(file.name) \(plan.name)'s \(n(limit, 2))"
        case .concurrency:
            let average = month.totals[QuantityIndex.computeSeconds] / pricer.monthSeconds
            text = CostEngine.concurrencyReason(average: average, limit: plan.limits.concurrency ?? 0, plan: plan.name)
        case .cap:
            let totals = pricer.meterTotals(month)
            text = "a meter exceeds \(plan.name)'s cap"
            for (meter, cap) in pricer.plans[index].caps {
                let quantity = meter >= 0 ? totals[meter] : pricer.machineMeter?.value(month.totals) ?? 0
                if quantity > cap {
                    let name = meter >= 0 ? pricer.meters[meter].name : pricer.machineMeter?.name ?? ""
                    text = CostEngine.capReason(meter: name, quantity: quantity, plan: plan.name, cap: cap)
                    break
                }
            }
        case .includedCap:
            let totals = pricer.meterTotals(month)
            text = "a meter exceeds what \(plan.name) includes"
            for (meter, included) in pricer.plans[index].includedCaps where totals[meter] > included {
                text = CostEngine.includedCapReason(meter: pricer.meters[meter].name, quantity: totals[meter], included: included, plan: plan.name)
                break
            }
        case .usageCap:
            let usage = pricer.bill(pricer.plans[index], month, pricer.meterTotals(month)).exact
            text = CostEngine.usageCapReason(usage: usage, cap: plan.limits.maxUsage ?? 0, plan: plan.name)
        }
        return text + " (month \(trial + 1))"
    }

    /// A sampled quantity as a decimal for messages: rounded to 6 places through its text.
    static func decimal(_ value: Double) -> Decimal {
        guard value.isFinite else { return 0 }
        return Decimal(exactText: String(format: "%.6f", value)) ?? 0
    }

    /// `value` to 5 significant digits, as an exact decimal.
    static func significant(_ value: Double) -> Decimal {
        guard value.isFinite, value > 0 else { return 0 }
        let places = Swift.max(0, 4 - Int(log10(value).rounded(.down)))
        return decimal(value).rounded(scale: places)
    }

    /// A field's distribution in words: `lognormal (median 2, p95 30)`.
    static func describe(_ spec: NumericSpec?) -> String {
        guard let spec else { return "fixed" }
        let n = { (value: Decimal) in NumberFormat.quantity(value, scale: 4) }
        switch spec {
        case .fixed(let value): return "fixed \(n(value))"
        case .band(let low, let typical, let high): return "band (low \(n(low)), typical \(n(typical)), high \(n(high)))"
        case .distribution(let distribution):
            switch distribution {
            case .uniform(let min, let max): return min == max ? "fixed \(n(min))" : "uniform (min \(n(min)), max \(n(max)))"
            case .normal(let mean, let sd): return "normal (mean \(n(mean)), sd \(n(sd))), truncated at 0"
            case .lognormal(let mu, let sigma):
                // mu and sigma were parsed to 6 decimals: show median and p95 to 5 significant digits.
                let m = FieldSampler.double(mu), s = FieldSampler.double(sigma)
                return "lognormal (median \(n(significant(exp(m)))), p95 \(n(significant(exp(m + Distribution.z95 * s)))))"
            case .poisson(let mean): return "poisson (mean \(n(mean)))"
            case .empirical(let values):
                return "empirical (\(values.count) values, \(n(values.min() ?? 0)) to \(n(values.max() ?? 0)))"
            case .histogram(let buckets):
                return "histogram (\(buckets.count) buckets, \(n(buckets.map(\.from).min() ?? 0)) to \(n(buckets.map(\.to).max() ?? 0)))"
            case .triangular(let low, let mode, let high): return "triangular (low \(n(low)), mode \(n(mode)), high \(n(high)))"
            }
        }
    }
}
