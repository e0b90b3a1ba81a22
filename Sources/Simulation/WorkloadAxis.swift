import CostModel
import Foundation
import Workload

/// A workload field that `breakeven` and `sweep` vary.
///
/// - `runs`: a job's `runs_per_month` (every job's, when no job is named): an integer axis.
/// - `steps`: `steps_per_run`, sleeps included: an integer axis.
/// - `duration`: `step_seconds`, or `run_seconds` for a job that gives it.
/// - `memory`: `memory_mb` (machine-priced providers pick the machine from it).
/// - `scale`: multiplies runs (every job's, or the named job's).
public enum WorkloadAxis: String, CaseIterable, Sendable {
    case runs, steps, duration, memory, scale

    /// Runs and steps are counted in whole numbers: breakeven reports the first whole value at
    /// which the order of options changes, and sweeps visit whole values only.
    public var isInteger: Bool { self == .runs || self == .steps }
}

/// An axis and the jobs it moves: the one definition of "the workload modified to x".
///
/// ```swift
/// let axis = try AxisSelection(axis: .runs, job: nil, in: workload)
/// axis.apply(Decimal(1000), to: workload)   // every job at 1,000 runs a month
/// ```
public struct AxisSelection: Sendable, Equatable {
    /// The field varied.
    public let axis: WorkloadAxis
    /// The job named with `--job`, or nil for every job.
    public let job: String?
    /// Indices of the jobs the axis moves, in workload order.
    public let jobIndices: [Int]

    /// Resolves `--job` against the workload.
    /// - Throws: `CostsimError.usage` for an unknown job (with the nearest name as a hint) or a
    ///   workload without jobs.
    public init(axis: WorkloadAxis, job: String?, in workload: Workload) throws(CostsimError) {
        self.axis = axis
        self.job = job
        guard !workload.jobs.isEmpty else {
            throw .usage("\(workload.file) has no jobs to vary", hint: nil)
        }
        if let job {
            guard let index = workload.jobs.firstIndex(where: { $0.name == job }) else {
                throw .usage("unknown job '\(job)' in \(workload.file)",
                             hint: YAMLReader.suggestion(for: job, among: workload.jobs.map(\.name), noun: "jobs"))
            }
            jobIndices = [index]
        } else {
            jobIndices = Array(workload.jobs.indices)
        }
    }

    /// The workload file key the axis sets: `runs_per_month`, `steps_per_run`, `step_seconds`
    /// (`run_seconds` for jobs that give it), `memory_mb`, or `scale`.
    public func field(in workload: Workload) -> String {
        switch axis {
        case .runs: return "runs_per_month"
        case .steps: return "steps_per_run"
        case .memory: return "memory_mb"
        case .scale: return "scale"
        case .duration:
            let keys = Set(jobIndices.map { workload.jobs[$0].runSeconds == nil ? "step_seconds" : "run_seconds" })
            return keys.sorted().reversed().joined(separator: " or ")
        }
    }

    /// The unit of axis values in reports: `runs/month`, `steps per run`, `s`, `MB`, `×`.
    public var unit: String {
        switch axis {
        case .runs: return "runs/month"
        case .steps: return "steps per run"
        case .duration: return "s"
        case .memory: return "MB"
        case .scale: return "×"
        }
    }

    /// The smallest value the axis may take: 0, or for steps the most sleeps of a moved job
    /// (sleeps are counted among the steps) and at least 1.
    public func lowerBound(in workload: Workload) -> Decimal {
        guard axis == .steps else { return 0 }
        let sleeps = jobIndices.map { workload.jobs[$0].sleepsPerRun }.max() ?? 0
        return max(1, sleeps.ceiled())
    }

    /// The workload's own value on the axis when every moved job shares one (1 for scale).
    public func currentValue(in workload: Workload) -> Decimal? {
        let values: [Decimal?] = jobIndices.map { index in
            let job = workload.jobs[index]
            switch axis {
            case .runs: return job.runsPerMonth
            case .steps: return job.stepsPerRun
            case .duration: return job.runSeconds ?? job.stepSeconds
            case .memory: return job.memoryMB
            case .scale: return 1
            }
        }
        guard let first = values.first, let value = first, values.allSatisfy({ $0 == value }) else { return nil }
        return value
    }

    /// The workload with the axis set to `value`. Other fields keep their values; a longest step
    /// given explicitly (`max_step_seconds`) scales with the duration axis, and one derived from
    /// `step_seconds` or `run_seconds` is derived again.
    /// - Complexity: O(jobs).
    public func apply(_ value: Decimal, to workload: Workload) -> Workload {
        var copy = workload
        for index in jobIndices { copy.jobs[index] = modified(workload.jobs[index], value) }
        return copy
    }

    func modified(_ job: Job, _ x: Decimal) -> Job {
        let derived = Self.hasDerivedMaxStep(job)
        var runs = job.runsPerMonth, volume = job.volume, steps = job.stepsPerRun
        var stepSeconds = job.stepSeconds, runSeconds = job.runSeconds, memory = job.memoryMB
        var maxStep: Decimal? = derived ? nil : job.maxStepSeconds
        var specs = job.specs
        switch axis {
        case .runs, .scale:
            runs = axis == .runs ? x : job.runsPerMonth * x
            volume = .perMonth(runs)
            for key in ["runs_per_month", "runs_per_day", "runs_per_hour"] { specs[key] = nil }
        case .steps:
            steps = x
            specs["steps_per_run"] = nil
        case .duration:
            let original = job.runSeconds ?? job.stepSeconds ?? 0
            if job.runSeconds != nil {
                runSeconds = x
                specs["run_seconds"] = nil
            } else {
                stepSeconds = x
                specs["step_seconds"] = nil
            }
            if !derived && original > 0 { maxStep = job.maxStepSeconds * x / original }
        case .memory:
            memory = x
            specs["memory_mb"] = nil
        }
        return Job(name: job.name, description: job.description, volume: volume, runsPerMonth: runs, stepsPerRun: steps,
                   sleepsPerRun: job.sleepsPerRun, stepSeconds: stepSeconds, runSeconds: runSeconds, maxStepSeconds: maxStep,
                   memoryMB: memory, machine: job.machine, retryRate: job.retryRate, eventsPerRun: job.eventsPerRun,
                   specs: specs, line: job.line)
    }

    /// True when the job's longest step is the one `Job` derives (no `max_step_seconds`, or one
    /// equal to the derived value): it is then derived again after the axis moves.
    static func hasDerivedMaxStep(_ job: Job) -> Bool {
        let derived = Job(name: job.name, volume: job.volume, runsPerMonth: job.runsPerMonth, stepsPerRun: job.stepsPerRun,
                          sleepsPerRun: job.sleepsPerRun, stepSeconds: job.stepSeconds, runSeconds: job.runSeconds)
        return derived.maxStepSeconds == job.maxStepSeconds
    }
}

/// A job's fields as exact functions of the axis value x.
struct JobShape: Sendable {
    /// The longest step: a polynomial, or run_seconds / (x − sleeps) on the steps axis for a job
    /// that gives run_seconds (and run_seconds itself when x equals the sleeps).
    enum MaxStep: Sendable {
        case polynomial(Polynomial)
        case runOverComputeSteps(runSeconds: Rational, sleeps: Rational)
    }

    var runs: Polynomial
    var steps: Polynomial
    var sleeps: Rational
    /// Active seconds of one successful run.
    var active: Polynomial
    var memory: Polynomial?
    var maxStep: MaxStep
    var retryRate: Rational
    var eventsPerRun: Rational
    var machine: String?
    /// True when the axis is memory and moves this job: its machine follows x.
    var memoryFollowsAxis: Bool

    /// The job's monthly quantities under an execution model, mirroring `Job.quantities` (the
    /// README's table) term by term in exact arithmetic.
    /// - Complexity: O(1) polynomial operations.
    func quantities(execution: PricingFile.Execution) -> [Quantity: Polynomial] {
        let compute = steps - sleeps
        let failures = compute * retryRate
        let one = Polynomial.constant(.one)
        var q: [Quantity: Polynomial] = [:]
        q[.runs] = runs
        q[.steps] = runs * steps
        q[.sleeps] = runs * sleeps
        q[.events] = runs * eventsPerRun
        switch execution {
        case .steps:
            q[.runAttempts] = runs
            q[.stepAttempts] = runs * steps + runs * failures
            q[.computeSeconds] = runs * active * (one + retryRate)
            q[.invocations] = runs + q[.stepAttempts]!
        case .runs:
            q[.runAttempts] = runs * (one + failures)
            q[.stepAttempts] = runs * steps * (one + failures)
            q[.computeSeconds] = runs * active * (one + failures)
            q[.invocations] = q[.runAttempts]!
        }
        let memoryMB = memory ?? .constant(Rational(Job.defaultMemoryMB))
        q[.gbSeconds] = q[.computeSeconds]! * memoryMB * (Rational(1) / Rational(1024))
        return q
    }
}

extension AxisSelection {
    /// Every job's shape along the axis; jobs the axis does not move have constant shapes.
    /// - Complexity: O(jobs).
    func shapes(of workload: Workload) -> [JobShape] {
        let moved = Set(jobIndices)
        return workload.jobs.enumerated().map { index, job in
            shape(of: job, moved: moved.contains(index))
        }
    }

    func shape(of job: Job, moved: Bool) -> JobShape {
        func constant(_ value: Decimal) -> Polynomial { .constant(Rational(value)) }
        let x = Polynomial.x
        let sleeps = Rational(job.sleepsPerRun)
        var runs = constant(job.runsPerMonth)
        var steps = constant(job.stepsPerRun)
        var active = constant(job.activeSecondsPerRun)
        var memory = job.memoryMB.map(constant)
        var maxStep = JobShape.MaxStep.polynomial(constant(job.maxStepSeconds))
        let derived = Self.hasDerivedMaxStep(job)
        if moved {
            switch axis {
            case .runs:
                runs = x
            case .scale:
                runs = x * Rational(job.runsPerMonth)
            case .steps:
                steps = x
                if job.runSeconds == nil {
                    active = (x - sleeps) * Rational(job.stepSeconds ?? 0)
                } else if derived && job.stepSeconds == nil, let run = job.runSeconds {
                    maxStep = .runOverComputeSteps(runSeconds: Rational(run), sleeps: sleeps)
                }
            case .duration:
                let computeSteps = Rational(job.computeStepsPerRun)
                let original = job.runSeconds ?? job.stepSeconds ?? 0
                if job.runSeconds != nil {
                    active = x
                    if derived && job.stepSeconds == nil {
                        maxStep = .polynomial(computeSteps > .zero ? x * (Rational(1) / computeSteps) : x)
                    }
                } else {
                    active = x * computeSteps
                    if derived { maxStep = .polynomial(x) }
                }
                if !derived && original > 0 {
                    maxStep = .polynomial(x * (Rational(job.maxStepSeconds) / Rational(original)))
                }
            case .memory:
                memory = x
            }
        }
        return JobShape(runs: runs, steps: steps, sleeps: sleeps, active: active, memory: memory, maxStep: maxStep,
                        retryRate: Rational(job.retryRate), eventsPerRun: Rational(job.eventsPerRun), machine: job.machine,
                        memoryFollowsAxis: moved && axis == .memory)
    }
}
