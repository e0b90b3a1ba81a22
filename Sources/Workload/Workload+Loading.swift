import CostModel
import Foundation
import Yams

extension Workload {
    static let topLevelKeys = ["version", "name", "description", "platform", "month_hours", "defaults", "jobs"]
    static let volumeKeys = ["runs_per_month", "runs_per_day", "runs_per_hour", "schedule"]
    static let numericJobKeys = ["runs_per_month", "runs_per_day", "runs_per_hour", "steps_per_run", "sleeps_per_run",
                                 "step_seconds", "run_seconds", "max_step_seconds", "memory_mb", "retry_rate", "events_per_run"]
    static let jobKeys = ["name", "description", "schedule", "machine"] + numericJobKeys
    /// A retry rate above this is treated as a typo (10 extra attempts per step).
    package static let maxRetryRate: Decimal = 10

    /// Parses and validates a workload file, reporting every problem at once.
    ///
    /// ```swift
    /// let workload = try Workload.parse("version: 1\nname: demo\njobs:\n  - {name: a, runs_per_month: 10, step_seconds: 1}\n", file: "demo.yaml")
    /// workload.jobs[0].runsPerMonth  // 10
    /// ```
    /// - Throws: `InputError.invalid` with one diagnostic per problem.
    public static func parse(_ text: String, file: String) throws(InputError) -> Workload {
        guard let root = try YAMLReader.compose(text, file: file) else {
            throw .invalid([Diagnostic(file: file, line: 1, column: 1, keyPath: "", message: "the file is empty",
                                       hint: "a workload starts with 'version: 1', 'name:' and a list of 'jobs:'")])
        }
        let reader = YAMLReader(file: file)
        let workload = WorkloadParser(reader: reader).parse(root, file: file)
        try reader.throwIfInvalid()
        guard let workload else { throw .invalid(reader.diagnostics) }
        return workload
    }

    /// Reads and parses a workload file from disk.
    /// - Throws: `InputError.unreadable` when the file is missing, `.invalid` when it is wrong.
    public static func load(path: String) throws(InputError) -> Workload {
        try parse(try InputError.readText(path), file: path)
    }
}

/// Field-by-field reading of one workload file.
private final class WorkloadParser {
    let reader: YAMLReader
    /// Firings per month by cron expression: many jobs share a schedule.
    var cronRuns: [String: Decimal] = [:]

    init(reader: YAMLReader) {
        self.reader = reader
    }

    func parse(_ root: Node, file: String) -> Workload? {
        guard let top = reader.mapping(root, at: "", allowed: Workload.topLevelKeys) else { return nil }
        if let version = top.required("version", in: reader, hint: "add 'version: 1' at the top"),
           let number = reader.integer(version, at: "version"), number != 1 {
            reader.report(version, "version", "unsupported version \(number)", hint: "this costsim reads version 1")
        }
        let name = top.required("name", in: reader, hint: "name the workload, e.g. name: acme-jobs").flatMap { reader.string($0, at: "name") }
        let description = top["description"].flatMap { reader.string($0, at: "description") }
        var platform: PlatformReference?
        if let node = top["platform"], let text = reader.string(node, at: "platform") {
            if var reference = PlatformReference(parsing: text) {
                reference.line = node.mark?.line
                reference.column = node.mark?.column
                platform = reference
            } else {
                reader.report(node, "platform", "expected provider/plan, found \"\(text)\"", hint: "e.g. platform: vercel/pro")
            }
        }
        let monthHours = top["month_hours"].flatMap { reader.decimal($0, at: "month_hours", allowZero: false) } ?? Workload.defaultMonthHours
        var defaults: [String: Node] = [:]
        if let node = top["defaults"], let fields = reader.mapping(node, at: "defaults", allowed: Workload.jobKeys.filter { $0 != "name" && $0 != "description" }) {
            for entry in fields.entries { defaults[entry.key] = entry.value }
        }
        var jobs: [Job] = []
        if let node = top.required("jobs", in: reader, hint: "list the jobs under 'jobs:'"), let items = reader.sequence(node, at: "jobs") {
            if items.isEmpty { reader.report(node, "jobs", "expected at least one job") }
            var seen: [String: Int] = [:]
            for (index, item) in items.enumerated() {
                let path = Fields.index("jobs", index)
                guard let job = parseJob(item, at: path, defaults: defaults, monthHours: monthHours) else { continue }
                if let first = seen[job.name] {
                    reader.report(item, Fields.join(path, "name"), "duplicate job name '\(job.name)' (also jobs[\(first)])",
                                  hint: "job names must be unique")
                } else {
                    seen[job.name] = index
                }
                jobs.append(job)
            }
        }
        guard let name else { return nil }
        return Workload(name: name, description: description, platform: platform, monthHours: monthHours, jobs: jobs, file: file)
    }

    func parseJob(_ node: Node, at path: String, defaults: [String: Node], monthHours: Decimal) -> Job? {
        guard let fields = reader.mapping(node, at: path, allowed: Workload.jobKeys) else { return nil }
        let before = reader.diagnostics.count
        let name = fields.required("name", in: reader, hint: "give every job a name").flatMap { reader.string($0, at: fields.path("name")) }
        let durationKeys = ["step_seconds", "run_seconds"]
        let ownDuration = durationKeys.contains { fields[$0] != nil }
        func lookup(_ key: String) -> (Node, String)? {
            if let value = fields[key] { return (value, fields.path(key)) }
            // A job's own step_seconds or run_seconds replaces both defaults, as a job's own
            // volume key replaces the default volume.
            if ownDuration && durationKeys.contains(key) { return nil }
            if let value = defaults[key] { return (value, Fields.join("defaults", key)) }
            return nil
        }
        var specs: [String: NumericSpec] = [:]
        func number(_ key: String, minimum: Decimal = 0, allowZero: Bool = true) -> Decimal? {
            guard let (value, valuePath) = lookup(key), let spec = numericSpec(value, at: valuePath, minimum: minimum, allowZero: allowZero) else { return nil }
            if spec.isUncertain { specs[key] = spec }
            return spec.expected
        }

        // Volume: exactly one way of saying how often the job runs.
        let given = Workload.volumeKeys.filter { fields[$0] != nil }
        let volumeKeys = given.isEmpty ? Workload.volumeKeys.filter { defaults[$0] != nil } : given
        var volume: Job.Volume?
        var runs: Decimal?
        if volumeKeys.count > 1 {
            reader.report(node, path, "give one of \(volumeKeys.joined(separator: ", ")), not several",
                          hint: "say how often the job runs in exactly one way")
        } else if let key = volumeKeys.first {
            switch key {
            case "schedule":
                if let (value, valuePath) = lookup(key), let text = reader.string(value, at: valuePath) {
                    do {
                        if let known = cronRuns[text] {
                            runs = known
                        } else {
                            let firings = try CronSchedule(parsing: text).firingsPerMonth(monthHours: monthHours)
                            cronRuns[text] = firings
                            runs = firings
                        }
                        volume = .schedule(text)
                    } catch {
                        reader.report(value, valuePath, error.message, hint: error.hint)
                    }
                }
            case "runs_per_day":
                if let perDay = number(key) { volume = .perDay(perDay); runs = perDay * monthHours / 24 }
            case "runs_per_hour":
                if let perHour = number(key) { volume = .perHour(perHour); runs = perHour * monthHours }
            default:
                if let perMonth = number(key) { volume = .perMonth(perMonth); runs = perMonth }
            }
        } else if !fields.hasNearMiss(for: Workload.volumeKeys) {
            reader.report(node, path, "missing how often the job runs",
                          hint: "add runs_per_month, runs_per_day, runs_per_hour or schedule (UTC cron, e.g. \"*/15 * * * *\")")
        }

        let steps = number("steps_per_run", minimum: 1) ?? 1
        let sleeps = number("sleeps_per_run") ?? 0
        if sleeps > steps, let (value, valuePath) = lookup("sleeps_per_run") {
            reader.report(value, valuePath, "sleeps_per_run (\(sleeps)) exceeds steps_per_run (\(steps))",
                          hint: "sleeps are counted among the steps: steps_per_run includes them")
        }
        let stepSeconds = number("step_seconds")
        let runSeconds = number("run_seconds")
        if lookup("step_seconds") != nil && lookup("run_seconds") != nil {
            reader.report(node, path, "give step_seconds or run_seconds, not both",
                          hint: "step_seconds is per compute step; run_seconds is the whole run's active time")
        } else if lookup("step_seconds") == nil && lookup("run_seconds") == nil && steps > sleeps
                    && !fields.hasNearMiss(for: ["step_seconds", "run_seconds"]) {
            reader.report(node, path, "missing how long the job runs",
                          hint: "add step_seconds (active seconds per step) or run_seconds (per run)")
        }
        let maxStep = number("max_step_seconds")
        if let maxStep, let runSeconds, maxStep > runSeconds, let (value, valuePath) = lookup("max_step_seconds") {
            reader.report(value, valuePath, "max_step_seconds (\(maxStep)) exceeds run_seconds (\(runSeconds))",
                          hint: "the longest step cannot last longer than the whole run")
        }
        if let maxStep, let stepSeconds, maxStep < stepSeconds, let (value, valuePath) = lookup("max_step_seconds") {
            reader.report(value, valuePath, "max_step_seconds (\(maxStep)) is below step_seconds (\(stepSeconds))",
                          hint: "the longest step cannot be shorter than the average step")
        }
        let memory = number("memory_mb", allowZero: false)
        let retry = number("retry_rate") ?? 0
        if retry > Workload.maxRetryRate, let (value, valuePath) = lookup("retry_rate") {
            reader.report(value, valuePath, "retry_rate \(retry) is above \(Workload.maxRetryRate)",
                          hint: "retry_rate is extra attempts per step as a fraction: 0.02 means 2 %")
        }
        let events = number("events_per_run") ?? 0
        let machine = lookup("machine").flatMap { reader.string($0.0, at: $0.1) }
        let description = fields["description"].flatMap { reader.string($0, at: fields.path("description")) }
        guard reader.diagnostics.count == before, let name, let volume, let runs else { return nil }
        return Job(name: name, description: description, volume: volume, runsPerMonth: runs, stepsPerRun: steps,
                   sleepsPerRun: sleeps, stepSeconds: stepSeconds, runSeconds: runSeconds, maxStepSeconds: maxStep,
                   memoryMB: memory, machine: machine, retryRate: retry, eventsPerRun: events, specs: specs,
                   line: node.mark?.line)
    }

    // MARK: Distributions

    static let distributionNames = ["fixed", "uniform", "normal", "lognormal", "poisson", "empirical"]

    /// A number, a `{dist: …}` distribution or a `{low, typical, high}` band.
    func numericSpec(_ node: Node, at path: String, minimum: Decimal, allowZero: Bool) -> NumericSpec? {
        switch node {
        case .scalar(let scalar):
            guard !YAMLReader.isNull(node), Decimal(exactText: scalar.string) != nil else {
                reader.report(node, path, "expected a number, found \(YAMLReader.describe(node))",
                              hint: "write a plain number such as 20000, or a distribution such as {dist: poisson, mean: 3}")
                return nil
            }
            return reader.decimal(node, at: path, minimum: minimum, allowZero: allowZero).map(NumericSpec.fixed)
        case .mapping(let mapping):
            let keys = mapping.keys.compactMap(\.string)
            if keys.contains("dist") {
                guard let parsed = distribution(node, at: path, minimum: minimum) else { return nil }
                // `{dist: fixed, value: v}` is certain: the same as writing v.
                if mapping["dist"]?.string == "fixed", case .uniform(let value, _) = parsed { return .fixed(value) }
                return .distribution(parsed)
            }
            guard let fields = reader.mapping(node, at: path, allowed: ["low", "typical", "high"]) else { return nil }
            let low = fields.required("low", in: reader).flatMap { reader.decimal($0, at: fields.path("low"), minimum: minimum) }
            let typical = fields.required("typical", in: reader).flatMap { reader.decimal($0, at: fields.path("typical"), minimum: minimum) }
            let high = fields.required("high", in: reader).flatMap { reader.decimal($0, at: fields.path("high"), minimum: minimum) }
            guard let low, let typical, let high else { return nil }
            guard low <= typical, typical <= high else {
                reader.report(node, path, "a band needs low ≤ typical ≤ high, found \(low), \(typical), \(high)")
                return nil
            }
            return .band(low: low, typical: typical, high: high)
        default:
            reader.report(node, path, "expected a number, found \(YAMLReader.describe(node))",
                          hint: "write a plain number, {dist: …} or {low: …, typical: …, high: …}")
            return nil
        }
    }

    func distribution(_ node: Node, at path: String, minimum: Decimal) -> Distribution? {
        guard case .mapping(let mapping) = node, let distNode = mapping["dist"],
              let kind = reader.choice(distNode, at: Fields.join(path, "dist"), among: Self.distributionNames) else { return nil }
        let allowed: [String]
        switch kind {
        case "fixed": allowed = ["dist", "value"]
        case "uniform": allowed = ["dist", "min", "max"]
        case "normal": allowed = ["dist", "mean", "sd"]
        case "lognormal": allowed = ["dist", "median", "p95", "mu", "sigma"]
        case "poisson": allowed = ["dist", "mean"]
        default: allowed = ["dist", "values", "buckets"]
        }
        guard let fields = reader.mapping(node, at: path, allowed: allowed) else { return nil }
        func value(_ key: String, min: Decimal? = 0, positive: Bool = false) -> Decimal? {
            fields.required(key, in: reader).flatMap { reader.decimal($0, at: fields.path(key), minimum: min, allowZero: !positive) }
        }
        let result: Distribution?
        switch kind {
        case "fixed":
            result = value("value", min: minimum).map { .uniform(min: $0, max: $0) }
        case "uniform":
            guard let low = value("min", min: minimum), let high = value("max", min: minimum) else { return nil }
            guard low <= high else {
                reader.report(node, path, "uniform needs min ≤ max, found min \(low) and max \(high)", hint: "swap the two values")
                return nil
            }
            result = .uniform(min: low, max: high)
        case "normal":
            guard let mean = value("mean"), let sd = value("sd", positive: true) else { return nil }
            result = .normal(mean: mean, sd: sd)
        case "lognormal":
            if (fields["median"] != nil || fields["p95"] != nil) && (fields["mu"] != nil || fields["sigma"] != nil) {
                reader.report(node, path, "give median and p95, or mu and sigma, not both",
                              hint: "median/p95 describe the same distribution as mu/sigma")
                return nil
            }
            if fields["median"] != nil || fields["p95"] != nil {
                guard let median = value("median", positive: true), let p95 = value("p95", positive: true) else { return nil }
                guard p95 > median else {
                    reader.report(fields["p95"], fields.path("p95"), "p95 (\(p95)) must be above the median (\(median))",
                                  hint: "a lognormal's long tail lies above its median; for a fixed value write the number")
                    return nil
                }
                let mu = log(Distribution.double(median))
                let sigma = (log(Distribution.double(p95)) - mu) / Distribution.z95
                result = .lognormal(mu: Distribution.decimal(mu), sigma: Distribution.decimal(sigma))
            } else {
                guard let mu = fields.required("mu", in: reader, hint: "give median and p95, or mu and sigma")
                    .flatMap({ reader.decimal($0, at: fields.path("mu"), minimum: nil) }),
                      let sigma = value("sigma", positive: true) else { return nil }
                result = .lognormal(mu: mu, sigma: sigma)
            }
        case "poisson":
            result = value("mean").map { .poisson(mean: $0) }
        default:
            if let list = fields["values"] {
                guard let items = reader.sequence(list, at: fields.path("values")) else { return nil }
                let values = items.enumerated().compactMap { reader.decimal($1, at: Fields.index(fields.path("values"), $0), minimum: minimum) }
                guard values.count == items.count else { return nil }
                guard !values.isEmpty else {
                    reader.report(list, fields.path("values"), "expected at least one observed value")
                    return nil
                }
                result = .empirical(values: values)
            } else if let list = fields["buckets"] {
                guard let items = reader.sequence(list, at: fields.path("buckets")) else { return nil }
                var buckets: [Distribution.Bucket] = []
                for (index, item) in items.enumerated() {
                    let bucketPath = Fields.index(fields.path("buckets"), index)
                    guard let bucket = reader.mapping(item, at: bucketPath, allowed: ["from", "to", "weight"]),
                          let from = bucket.required("from", in: reader).flatMap({ reader.decimal($0, at: bucket.path("from"), minimum: minimum) }),
                          let to = bucket.required("to", in: reader).flatMap({ reader.decimal($0, at: bucket.path("to"), minimum: minimum) }),
                          let weight = bucket.required("weight", in: reader).flatMap({ reader.decimal($0, at: bucket.path("weight"), allowZero: false) })
                    else { return nil }
                    guard from <= to else {
                        reader.report(item, bucketPath, "a bucket needs from ≤ to, found \(from) and \(to)")
                        return nil
                    }
                    buckets.append(.init(from: from, to: to, weight: weight))
                }
                guard !buckets.isEmpty else {
                    reader.report(list, fields.path("buckets"), "expected at least one bucket")
                    return nil
                }
                result = .histogram(buckets: buckets)
            } else {
                reader.report(node, path, "an empirical distribution needs 'values' or 'buckets'",
                              hint: "e.g. {dist: empirical, values: [2, 3, 3, 5]}")
                return nil
            }
        }
        // Draws below a field's minimum (a Poisson 0 for steps_per_run) are raised to it when
        // sampling; the mean itself must respect it, and must be a plausible number.
        if let result {
            let mean = result.mean
            if mean < minimum {
                reader.report(node, path, "the distribution's mean (\(mean)) is below the minimum \(minimum)")
                return nil
            }
            if mean > YAMLReader.largestNumber {
                reader.report(node, path, "the distribution's mean is implausibly large (above 10^15)", hint: "check its parameters")
                return nil
            }
        }
        return result
    }
}
