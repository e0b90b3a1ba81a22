import CostModel
import Foundation
import Workload

/// Which uncertain inputs drive the monthly cost: a tornado analysis. Each input is set to its
/// 10th and then its 90th percentile with every other input at its mean, and the workload is
/// priced by `CostEngine` each time; inputs are ranked by the largest swing of any provider's
/// cheapest feasible plan (inputs that make a provider infeasible at either end first).
///
/// Percentiles and means are those of the input's monthly value over the simulated months: a
/// monthly field's draw, or a per-run field's average over the month's runs (whose spread
/// shrinks as runs grow; that is what moves a month's bill).
public struct SensitivityAnalysis: Sendable {
    /// One provider's cost at the two ends of one input.
    public struct Effect: Sendable, Equatable {
        /// Provider id.
        public var provider: String
        /// Exact cost of the cheapest feasible plan at the input's p10 and p90; nil when no
        /// plan is feasible there.
        public var low: Decimal?
        public var high: Decimal?
        /// |high − low|, when both are priced.
        public var swing: Decimal?
        /// The squared rank correlation (Spearman's ρ²) of the input's monthly value with this
        /// provider's cost over the simulated months where it has a feasible plan: how much of
        /// the cost's ordering this input explains (0…1, rounded to 4 decimals); nil when either
        /// does not vary. Ranks, because costs are compared exactly and never converted to
        /// floating point.
        public var varianceShare: Decimal?
    }

    /// One input, ranked.
    public struct Entry: Sendable {
        /// The input (job and field).
        public var input: SimulationInput
        /// The input's p10, mean and p90 (its monthly value), rounded to 6 decimals.
        public var low: Decimal
        public var mean: Decimal
        public var high: Decimal
        /// Per provider, in catalog order.
        public var effects: [Effect]
        /// The largest swing over providers.
        public var swing: Decimal
        /// True when some provider has a feasible plan at one end and none at the other.
        public var changesFeasibility: Bool
    }

    /// Each provider's cost with every input at its mean.
    public var baseline: [Effect]
    /// Inputs, most influential first.
    public var entries: [Entry]
}

/// Builds `SensitivityAnalysis` values.
enum Sensitivity {
    /// The tornado over the inputs whose monthly values were recorded in the trials.
    /// - Complexity: O(inputs × providers × jobs) engine evaluations, plus O(inputs × trials log trials).
    static func tornado(workload: Workload, inputs: [SimulationInput], samplers: [JobSampler], values: [[Double]],
                        costRanks: [[Double]], chosen: [[Int32]], providers: [PricingFile], platform: PlatformPlan?,
                        withPlatformCosts: Bool) throws(CostsimError) -> SensitivityAnalysis {
        let jobIndex = Dictionary(workload.jobs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        struct Summary { var low: Decimal; var mean: Decimal; var high: Decimal }
        let summaries: [Summary] = values.map { series in
            let sorted = series.sorted()
            let count = sorted.count
            func rank(_ percent: Int) -> Double { sorted[Swift.max(0, Swift.min(count - 1, (percent * count + 99) / 100 - 1))] }
            let mean = series.reduce(0, +) / Double(Swift.max(1, count))
            return Summary(low: Simulator.decimal(rank(10)), mean: Simulator.decimal(mean), high: Simulator.decimal(rank(90)))
        }
        var base = workload
        for (input, summary) in zip(inputs, summaries) {
            guard let index = jobIndex[input.job] else { continue }
            base.jobs[index] = setting(base.jobs[index], input.field, to: summary.mean, monthHours: workload.monthHours)
        }
        func price(_ candidate: Workload) -> [Decimal?] {
            let engine = CostEngine(workload: candidate, platform: platform, withPlatformCosts: withPlatformCosts)
            return providers.map { engine.evaluate(provider: $0).cheapest?.exactCost }
        }
        let baseline = zip(providers, price(base)).map { SensitivityAnalysis.Effect(provider: $0.provider, low: $1, high: $1, swing: 0, varianceShare: nil) }
        // Each input's trials in order once; ranked per provider over that provider's trials.
        let valueOrders = values.map { series in (0..<series.count).sorted { series[$0] < series[$1] } }
        var entries: [SensitivityAnalysis.Entry] = []
        for (position, input) in inputs.enumerated() {
            guard let index = jobIndex[input.job] else { continue }
            let summary = summaries[position]
            var low = base, high = base
            low.jobs[index] = setting(base.jobs[index], input.field, to: summary.low, monthHours: workload.monthHours)
            high.jobs[index] = setting(base.jobs[index], input.field, to: summary.high, monthHours: workload.monthHours)
            let lows = price(low), highs = price(high)
            var effects: [SensitivityAnalysis.Effect] = []
            var largest = Decimal(0)
            var changes = false
            for (provider, file) in providers.enumerated() {
                var swing: Decimal?
                if let a = lows[provider], let b = highs[provider] {
                    swing = a > b ? a - b : b - a
                    largest = Swift.max(largest, swing ?? 0)
                } else if (lows[provider] == nil) != (highs[provider] == nil) {
                    changes = true
                }
                var share: Decimal?
                if values.indices.contains(position) {
                    let series = values[position]
                    let inputRanks = ranks(order: valueOrders[position], included: chosen[provider]) { series[$0] == series[$1] }
                    share = correlationSquared(inputRanks, costRanks[provider], where: chosen[provider])
                        .map { Simulator.decimal(($0 * 10_000).rounded() / 10_000) }
                }
                effects.append(SensitivityAnalysis.Effect(provider: file.provider, low: lows[provider], high: highs[provider],
                                                          swing: swing, varianceShare: share))
            }
            entries.append(SensitivityAnalysis.Entry(input: input, low: summary.low, mean: summary.mean, high: summary.high,
                                                     effects: effects, swing: largest, changesFeasibility: changes))
        }
        entries.sort {
            if $0.changesFeasibility != $1.changesFeasibility { return $0.changesFeasibility }
            if $0.swing != $1.swing { return $0.swing > $1.swing }
            return $0.input.name < $1.input.name
        }
        return SensitivityAnalysis(baseline: baseline, entries: entries)
    }

    /// The job with one field set to `value` (its volume in the field's unit), other fields and
    /// the derived ones (runs per month, the default longest step) recomputed as parsing would.
    static func setting(_ job: Job, _ field: String, to raw: Decimal, monthHours: Decimal) -> Job {
        let value = Swift.max(0, raw)
        var volume = job.volume
        var runs = job.runsPerMonth
        var steps = job.stepsPerRun, sleeps = job.sleepsPerRun
        var stepSeconds = job.stepSeconds, runSeconds = job.runSeconds
        var maxStep = JobSampler.explicitMaxStepSeconds(job)
        var memory = job.memoryMB, retry = job.retryRate, events = job.eventsPerRun
        switch field {
        case "runs_per_month": volume = .perMonth(value); runs = value
        case "runs_per_day": volume = .perDay(value); runs = value * monthHours / 24
        case "runs_per_hour": volume = .perHour(value); runs = value * monthHours
        case "steps_per_run": steps = Swift.max(1, value)
        case "sleeps_per_run": sleeps = value
        case "step_seconds": stepSeconds = value
        case "run_seconds": runSeconds = value
        case "max_step_seconds": maxStep = value
        case "memory_mb": memory = value
        case "retry_rate": retry = Swift.min(value, Decimal(Int(JobSampler.largestRetryRate)))
        case "events_per_run": events = value
        default: break
        }
        sleeps = Swift.min(sleeps, steps)
        return Job(name: job.name, description: job.description, volume: volume, runsPerMonth: runs, stepsPerRun: steps,
                   sleepsPerRun: sleeps, stepSeconds: stepSeconds, runSeconds: runSeconds, maxStepSeconds: maxStep, memoryMB: memory,
                   machine: job.machine, retryRate: retry, eventsPerRun: events, specs: job.specs, line: job.line)
    }

    /// Average ranks (1…m) of the trials where `included` ≥ 0, walking `order` (every trial,
    /// ascending); neighbours that are `equal` share their average rank; other trials get 0.
    static func ranks(order: [Int], included: [Int32], equal: (Int, Int) -> Bool) -> [Double] {
        var ranks = [Double](repeating: 0, count: order.count)
        let members = order.filter { included[$0] >= 0 }
        var start = 0
        // Bounded: each pass ranks one group of equal values and moves past it.
        while start < members.count {
            var end = start + 1
            while end < members.count && equal(members[start], members[end]) { end += 1 }
            let average = Double(start + 1 + end) / 2
            for member in members[start..<end] { ranks[member] = average }
            start = end
        }
        return ranks
    }

    /// Squared Pearson correlation of x and y over the trials where `chosen` ≥ 0 (of ranks,
    /// Spearman's ρ²); nil when either is constant there or fewer than 3 trials count.
    static func correlationSquared(_ x: [Double], _ y: [Double], where chosen: [Int32]) -> Double? {
        var n = 0.0, sx = 0.0, sy = 0.0
        for index in x.indices where chosen[index] >= 0 {
            n += 1
            sx += x[index]
            sy += y[index]
        }
        guard n >= 3 else { return nil }
        let mx = sx / n, my = sy / n
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for index in x.indices where chosen[index] >= 0 {
            let dx = x[index] - mx, dy = y[index] - my
            sxx += dx * dx
            syy += dy * dy
            sxy += dx * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return Swift.min(1, sxy * sxy / (sxx * syy))
    }
}
