import CostModel
import Foundation
import Workload

/// One job's month in one trial, as binary floating-point quantities (never money).
struct JobMonth: Sendable, Equatable {
    var runs = 0.0
    /// Σ steps per run over the month's runs (sleeps included).
    var steps = 0.0
    var sleeps = 0.0
    /// max(0, steps − sleeps): the month's compute steps.
    var computeSteps = 0.0
    /// Active seconds before retries.
    var activeSeconds = 0.0
    var events = 0.0
    var retryRate = 0.0
    /// Nil when the job gives no memory_mb.
    var memoryMB: Double?
    /// The month's longest single step, for time limits.
    var longestStep = 0.0
    /// The month's longest run (active seconds), for `execution: runs` time limits.
    var longestRun = 0.0
    /// The most steps in any one run, for `max_steps_per_run`.
    var mostSteps = 0.0

    /// The month's quantities under an execution model, by `QuantityIndex`: the formulas of
    /// `Job.quantities` applied to the month's totals. Under `execution: runs` the month's
    /// average compute steps per run stands for each run's (exact when steps per run are fixed).
    func quantities(_ execution: PricingFile.Execution) -> [Double] {
        var q = [Double](repeating: 0, count: Quantity.allCases.count)
        fill(&q, execution)
        return q
    }
}

/// Positions of the quantities in `[Double]` and `[Int64]` arrays (`Quantity.allCases` order).
enum QuantityIndex {
    static let runs = 0, runAttempts = 1, steps = 2, stepAttempts = 3, sleeps = 4, computeSeconds = 5, gbSeconds = 6, events = 7, invocations = 8

    static func of(_ quantity: Quantity) -> Int {
        switch quantity {
        case .runs: return runs
        case .runAttempts: return runAttempts
        case .steps: return steps
        case .stepAttempts: return stepAttempts
        case .sleeps: return sleeps
        case .computeSeconds: return computeSeconds
        case .gbSeconds: return gbSeconds
        case .events: return events
        case .invocations: return invocations
        }
    }
}

/// A job compiled for simulation: each numeric field as a `FieldSampler`, split into
/// month-level draws and per-run draws summed over the month.
///
/// The model (README "Simulation"): each month draws the job's volume, `retry_rate`,
/// `memory_mb` and, when given, `max_step_seconds` once; `steps_per_run`, `sleeps_per_run`,
/// `events_per_run`, `run_seconds` (per run) and `step_seconds` (per compute step) are drawn
/// independently for every run or step, and only their monthly totals and maxima are sampled.
final class JobSampler: Sendable {
    let job: Job
    /// Position in the workload (the job's random stream).
    let index: UInt64
    /// True when no field is uncertain: the job's exact quantities are used as they are.
    let isFixed: Bool
    /// Runs per month, day or hour, times `volumeFactor`.
    let volume: FieldSampler
    let volumeFactor: Double
    let retryRate: FieldSampler
    let memoryMB: FieldSampler?
    /// `max_step_seconds` when the job gives it.
    let maxStepSeconds: FieldSampler?
    let steps: FieldSampler
    let sleeps: FieldSampler
    let events: FieldSampler
    let stepSeconds: FieldSampler?
    let runSeconds: FieldSampler?
    /// The uncertain fields, by file key, in `JobSampler.fieldOrder`.
    let uncertainFields: [String]
    /// A run's active seconds when steps, sleeps and step_seconds are all fixed.
    let fixedActiveSecondsPerRun: Double?
    /// The hot fields' scalars (no reference counting when drawing).
    let fast: Fast

    /// `FastField` copies of every field (the owners are this sampler's own properties).
    struct Fast: Sendable {
        var volume: FastField
        var retryRate: FastField
        var memoryMB: FastField?
        var maxStepSeconds: FastField?
        var steps: FastField
        var sleeps: FastField
        var events: FastField
        var stepSeconds: FastField?
        var runSeconds: FastField?
    }

    /// The order fields are drawn in each month (only uncertain fields consume randomness).
    static let fieldOrder = ["runs_per_month", "runs_per_day", "runs_per_hour", "retry_rate", "memory_mb", "max_step_seconds",
                             "steps_per_run", "sleeps_per_run", "events_per_run", "step_seconds", "run_seconds"]
    /// Fields drawn once a month; the rest are drawn per run (or per step) and summed.
    static let monthlyFields: Set<String> = ["runs_per_month", "runs_per_day", "runs_per_hour", "retry_rate", "memory_mb", "max_step_seconds"]
    /// Sigma above which a lognormal's moments overflow binary floating point.
    static let largestLognormalSigma = 10.0
    /// Simulated `retry_rate` draws are kept at or below the largest rate a workload file may state.
    static let largestRetryRate = 10.0

    /// Compiles a job.
    /// - Throws: `CostsimError.input` when a distribution cannot be sampled (a lognormal whose
    ///   moments overflow), naming the job and field.
    init(job: Job, index: Int, jobPath: String, file: String, monthHours: Decimal,
         cache: inout [FieldSampler.Key: FieldSampler]) throws(CostsimError) {
        self.job = job
        self.index = UInt64(index)
        let specs = job.specs
        func sampler(_ key: String, fixed: Decimal?, floor: Double = 0) throws(CostsimError) -> FieldSampler? {
            if let spec = specs[key] {
                if case .distribution(.lognormal(_, let sigma)) = spec, FieldSampler.double(sigma) > Self.largestLognormalSigma {
                    throw .input(Diagnostic(file: file, line: job.line, column: nil, keyPath: "\(jobPath).\(key)",
                                            message: "a lognormal with sigma \(sigma) cannot be simulated (its variance overflows)",
                                            hint: "sigma above \(Int(Self.largestLognormalSigma)) means p95 over 10^7 times the median; check the parameters"))
                }
                let compiled = FieldSampler.cached(spec, floor: floor, moments: !Self.monthlyFields.contains(key), in: &cache)
                guard compiled.hasFiniteMoments else {
                    throw .input(Diagnostic(file: file, line: job.line, column: nil, keyPath: "\(jobPath).\(key)",
                                            message: "this distribution's mean or variance is too large to simulate", hint: "check its parameters"))
                }
                return compiled
            }
            return fixed.map { FieldSampler(shape: .constant(FieldSampler.double($0)), floor: floor) }
        }
        let constant = { (value: Double) in FieldSampler(shape: .constant(value), floor: 0) }
        switch job.volume {
        case .perMonth:
            volume = try sampler("runs_per_month", fixed: job.runsPerMonth) ?? constant(0)
            volumeFactor = 1
        case .perDay(let perDay):
            volume = try sampler("runs_per_day", fixed: perDay) ?? constant(0)
            volumeFactor = FieldSampler.double(monthHours) / 24
        case .perHour(let perHour):
            volume = try sampler("runs_per_hour", fixed: perHour) ?? constant(0)
            volumeFactor = FieldSampler.double(monthHours)
        case .schedule:
            volume = constant(FieldSampler.double(job.runsPerMonth))
            volumeFactor = 1
        }
        retryRate = try sampler("retry_rate", fixed: job.retryRate) ?? constant(0)
        memoryMB = try sampler("memory_mb", fixed: job.memoryMB)
        steps = try sampler("steps_per_run", fixed: job.stepsPerRun, floor: 1) ?? constant(1)
        sleeps = try sampler("sleeps_per_run", fixed: job.sleepsPerRun) ?? constant(0)
        events = try sampler("events_per_run", fixed: job.eventsPerRun) ?? constant(0)
        stepSeconds = try sampler("step_seconds", fixed: job.stepSeconds)
        runSeconds = try sampler("run_seconds", fixed: job.runSeconds)
        maxStepSeconds = try sampler("max_step_seconds", fixed: Self.explicitMaxStepSeconds(job))
        let uncertain = Self.fieldOrder.filter { key in
            guard let spec = specs[key] else { return false }
            if case .constant = FieldSampler.simplified(FieldSampler.shape(of: spec)) { return false }
            return true
        }
        uncertainFields = uncertain
        isFixed = uncertain.isEmpty
        fast = Fast(volume: FastField(volume), retryRate: FastField(retryRate), memoryMB: memoryMB.map(FastField.init),
                    maxStepSeconds: maxStepSeconds.map(FastField.init), steps: FastField(steps), sleeps: FastField(sleeps),
                    events: FastField(events), stepSeconds: stepSeconds.map(FastField.init), runSeconds: runSeconds.map(FastField.init))
        if steps.constantValue != nil, sleeps.constantValue != nil, stepSeconds?.constantValue != nil {
            fixedActiveSecondsPerRun = FieldSampler.double(job.activeSecondsPerRun)
        } else {
            fixedActiveSecondsPerRun = nil
        }
    }

    /// The job's `max_step_seconds` when the file gives one. `Job` keeps only the resolved value,
    /// so a value equal to the default (step_seconds, or run_seconds per compute step) is taken as
    /// not given: the month's longest step then comes from the step-duration distribution.
    static func explicitMaxStepSeconds(_ job: Job) -> Decimal? {
        if job.specs["max_step_seconds"] != nil { return job.maxStepSeconds }
        return AxisSelection.hasDerivedMaxStep(job) ? nil : job.maxStepSeconds
    }

    /// Which monthly extremes a simulation reads (the others are left at 0, undrawn).
    struct Extremes: OptionSet, Sendable {
        let rawValue: Int
        static let longestStep = Extremes(rawValue: 1)
        static let longestRun = Extremes(rawValue: 2)
        static let mostSteps = Extremes(rawValue: 4)
        static let all: Extremes = [.longestStep, .longestRun, .mostSteps]
    }

    /// The job's month in `trial`, drawn from the job's own stream of `seed`. The extremes take
    /// their uniforms from a second stream of the same (trial, job), so the ones not asked for
    /// change nothing else.
    /// - Complexity: O(1) per field for large counts; at most 1,024 draws per summed field.
    ///
    /// With `stepLimits` (ascending) and `stepLogCDF` (log P(step ≤ limit) for each), a longest
    /// step drawn from the step durations is not computed: only which limits it exceeds, from the
    /// same uniform (max > L exactly when log U / count > log F(L)), and `longestStep` is set just
    /// above the largest limit exceeded (0 when none). The reasons in words recompute the value.
    func month(seed: UInt64, trial: Int, extremes: Extremes = .all, stepLimits: [Double] = [], stepLogCDF: [Double] = []) -> JobMonth {
        month(trialKey: Xoshiro256StarStar.streamKey(seed: seed, stream: UInt64(trial)), extremes: extremes, stepLimits: stepLimits,
              stepLogCDF: stepLogCDF)
    }

    /// `month(seed:trial:…)` from the trial's stream key (`Xoshiro256StarStar.streamKey`).
    @inline(__always)
    func month(trialKey: UInt64, extremes: Extremes, stepLimits: [Double], stepLogCDF: [Double]) -> JobMonth {
        // Only `fast` (plain values) is read on the common path: no reference counting.
        var generator = Xoshiro256StarStar(streamKey: trialKey, substream: index)
        var month = JobMonth()
        month.runs = Swift.max(0, fast.volume.draw(&generator) * volumeFactor)
        month.retryRate = Swift.min(Self.largestRetryRate, Swift.max(0, fast.retryRate.draw(&generator)))
        if let memory = fast.memoryMB { month.memoryMB = Swift.max(0, memory.draw(&generator)) }
        let explicitMax = fast.maxStepSeconds.map { Swift.max(0, $0.draw(&generator)) }
        let runs = month.runs
        month.steps = fast.steps.sum(count: runs, using: &generator)
        month.sleeps = fast.sleeps.sum(count: runs, using: &generator)
        month.events = fast.events.sum(count: runs, using: &generator)
        month.computeSteps = Swift.max(0, month.steps - month.sleeps)
        // Uniforms for the maxima: the k-th output of a SplitMix64 stream keyed by this month's
        // stream, computed only when needed (SplitMix64 outputs are random-access).
        let extremeKey = SplitMix64.mix(generator.next() ^ 0xE7_7E3E)
        func extremeUniform(_ k: UInt64) -> Double {
            (Double(SplitMix64.mix(extremeKey &+ (k &+ 1) &* 0x9E37_79B9_7F4A_7C15) >> 12) + 0.5) * 0x1p-52
        }
        let perRunCompute = runs > 0 ? month.computeSteps / runs : 0
        if let stepSeconds = fast.stepSeconds {
            month.activeSeconds = stepSeconds.sum(count: month.computeSteps, using: &generator)
            if let explicitMax {
                month.longestStep = explicitMax
            } else if extremes.contains(.longestStep) {
                if stepLogCDF.isEmpty || stepSeconds.isConstant {
                    month.longestStep = stepSeconds.owner.maximum(count: month.computeSteps, uniform: extremeUniform(0))
                } else if month.computeSteps > 0 {
                    let level = log(extremeUniform(0)) / month.computeSteps
                    var exceeded = 0
                    while exceeded < stepLogCDF.count && level > stepLogCDF[exceeded] { exceeded += 1 }
                    month.longestStep = exceeded == 0 ? 0 : stepLimits[exceeded - 1].nextUp
                }
            }
            if let fixed = fixedActiveSecondsPerRun {
                month.longestRun = fixed
            } else {
                // Step durations are not tied to runs: the month's average run is a lower bound.
                month.longestRun = runs > 0 ? month.activeSeconds / runs : 0
            }
        } else if let runSeconds = fast.runSeconds {
            month.activeSeconds = runSeconds.sum(count: runs, using: &generator)
            if extremes.contains(.longestRun) || (explicitMax == nil && extremes.contains(.longestStep)) {
                month.longestRun = runSeconds.owner.maximum(count: runs, uniform: extremeUniform(1))
            }
            month.longestStep = explicitMax ?? (perRunCompute > 0 ? month.longestRun / perRunCompute : month.longestRun)
        } else {
            month.longestStep = explicitMax ?? 0
        }
        if extremes.contains(.mostSteps) {
            month.mostSteps = fast.steps.owner.maximum(count: runs, uniform: extremeUniform(2))
        }
        return month
    }

}

extension JobMonth {
    /// `quantities(execution)` written into a reused buffer.
    func fill(_ q: inout [Double], _ execution: PricingFile.Execution) {
        for index in q.indices { q[index] = quantity(index, execution) }
    }

    /// One quantity of `fill`, by `QuantityIndex`.
    @inline(__always)
    func quantity(_ index: Int, _ execution: PricingFile.Execution) -> Double {
        switch index {
        case QuantityIndex.runs: return runs
        case QuantityIndex.steps: return steps
        case QuantityIndex.sleeps: return sleeps
        case QuantityIndex.events: return events
        case QuantityIndex.runAttempts: return execution == .steps ? runs : runs + computeSteps * retryRate
        case QuantityIndex.stepAttempts:
            let failures = computeSteps * retryRate
            return execution == .steps ? steps + failures : steps * (1 + (runs > 0 ? failures / runs : 0))
        case QuantityIndex.computeSeconds: return computeSeconds(execution)
        case QuantityIndex.gbSeconds: return computeSeconds(execution) * (memoryMB ?? 1024) / 1024
        default:
            let failures = computeSteps * retryRate
            return execution == .steps ? runs + steps + failures : runs + failures
        }
    }

    @inline(__always)
    func computeSeconds(_ execution: PricingFile.Execution) -> Double {
        execution == .steps ? activeSeconds * (1 + retryRate) : activeSeconds * (1 + (runs > 0 ? computeSteps * retryRate / runs : 0))
    }

    /// The month's value of an uncertain input, in the field's own unit: the drawn value of a
    /// monthly field, the month's average per run (or per step) of a per-run field.
    func inputValue(_ field: String, volumeFactor: Double) -> Double {
        switch field {
        case "runs_per_month", "runs_per_day", "runs_per_hour": return volumeFactor > 0 ? runs / volumeFactor : runs
        case "retry_rate": return retryRate
        case "memory_mb": return memoryMB ?? 0
        case "max_step_seconds": return longestStep
        case "steps_per_run": return runs > 0 ? steps / runs : 0
        case "sleeps_per_run": return runs > 0 ? sleeps / runs : 0
        case "events_per_run": return runs > 0 ? events / runs : 0
        case "step_seconds": return computeSteps > 0 ? activeSeconds / computeSteps : 0
        case "run_seconds": return runs > 0 ? activeSeconds / runs : 0
        default: return 0
        }
    }
}
