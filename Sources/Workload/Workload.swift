import Foundation

/// A set of background jobs with their monthly volumes and shapes (SPEC §4).
public struct Workload: Sendable, Equatable {
    /// The default month: 30 days + 10 hours.
    public static let defaultMonthHours: Decimal = 730

    public var name: String
    public var description: String?
    /// Platform plan for `runs_on: platform` providers, `vercel/pro`; nil when not given.
    public var platform: PlatformReference?
    /// Hours in the billing month.
    public var monthHours: Decimal
    public var jobs: [Job]
    /// The file as the user named it.
    public var file: String

    public init(name: String, description: String? = nil, platform: PlatformReference? = nil,
                monthHours: Decimal = Workload.defaultMonthHours, jobs: [Job], file: String = "") {
        self.name = name
        self.description = description
        self.platform = platform
        self.monthHours = monthHours
        self.jobs = jobs
        self.file = file
    }
}

/// `provider/plan` naming a platform plan, with where it was written for error messages.
public struct PlatformReference: Sendable, Equatable, CustomStringConvertible {
    public var provider: String
    public var plan: String
    /// `file:line:column` of the `platform:` value, when it came from a file.
    public var line: Int?
    public var column: Int?

    public init(provider: String, plan: String, line: Int? = nil, column: Int? = nil) {
        self.provider = provider
        self.plan = plan
        self.line = line
        self.column = column
    }

    /// Parses `vercel/pro`; nil when the text is not `provider/plan`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(provider: String(parts[0]), plan: String(parts[1]))
    }

    public var description: String { "\(provider)/\(plan)" }

    public static func == (lhs: PlatformReference, rhs: PlatformReference) -> Bool {
        lhs.provider == rhs.provider && lhs.plan == rhs.plan
    }
}

/// One background job. Numeric fields hold their deterministic value (the mean of a
/// distribution, the typical of a band); `specs` keeps the uncertain ones for simulation.
public struct Job: Sendable, Equatable {
    /// How the job's monthly volume was given.
    public enum Volume: Sendable, Equatable {
        case perMonth(Decimal)
        case perDay(Decimal)
        case perHour(Decimal)
        case schedule(String)
    }

    public var name: String
    public var description: String?
    public var volume: Volume
    /// Runs per month (expected).
    public var runsPerMonth: Decimal
    /// Logical steps per run, sleeps included (default 1).
    public var stepsPerRun: Decimal
    /// Steps that are sleeps or waits (default 0).
    public var sleepsPerRun: Decimal
    /// Active seconds per compute step, when given per step.
    public var stepSeconds: Decimal?
    /// Active seconds per run, when given for the whole run.
    public var runSeconds: Decimal?
    /// Longest single step, for time limits.
    public var maxStepSeconds: Decimal
    /// Memory per function or machine, when given.
    public var memoryMB: Decimal?
    /// Machine preset for compute-billed providers.
    public var machine: String?
    /// Extra attempts per compute step, as a fraction.
    public var retryRate: Decimal
    public var eventsPerRun: Decimal
    /// Fields given as distributions or bands, by file key (`steps_per_run`).
    public var specs: [String: NumericSpec]
    /// 1-based line of the job in its file, for messages.
    public var line: Int?

    public init(name: String, description: String? = nil, volume: Volume, runsPerMonth: Decimal, stepsPerRun: Decimal = 1,
                sleepsPerRun: Decimal = 0, stepSeconds: Decimal? = nil, runSeconds: Decimal? = nil,
                maxStepSeconds: Decimal? = nil, memoryMB: Decimal? = nil, machine: String? = nil, retryRate: Decimal = 0,
                eventsPerRun: Decimal = 0, specs: [String: NumericSpec] = [:], line: Int? = nil) {
        self.name = name
        self.description = description
        self.volume = volume
        self.runsPerMonth = runsPerMonth
        self.stepsPerRun = stepsPerRun
        self.sleepsPerRun = sleepsPerRun
        self.stepSeconds = stepSeconds
        self.runSeconds = runSeconds
        let compute = stepsPerRun - sleepsPerRun
        self.maxStepSeconds = maxStepSeconds ?? stepSeconds ?? (runSeconds.map { compute > 0 ? $0 / compute : $0 } ?? 0)
        self.memoryMB = memoryMB
        self.machine = machine
        self.retryRate = retryRate
        self.eventsPerRun = eventsPerRun
        self.specs = specs
        self.line = line
    }

    /// Steps that do work: steps_per_run − sleeps_per_run.
    public var computeStepsPerRun: Decimal { stepsPerRun - sleepsPerRun }

    /// Active seconds of one successful run: run_seconds, or compute steps × step_seconds.
    public var activeSecondsPerRun: Decimal {
        runSeconds ?? computeStepsPerRun * (stepSeconds ?? 0)
    }

    /// Memory used for GB-second quantities when the job gives none (documented default).
    public static let defaultMemoryMB: Decimal = 1024

    /// 1/1024 exactly, to turn MB into GB by multiplication.
    static let perMebibyteInGibibytes = Decimal(sign: .plus, exponent: -10, significand: 9_765_625)
}
