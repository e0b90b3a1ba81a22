import CostModel
import Foundation
import Yams

extension JobFile {
    static let topLevelKeys = ["version", "jobs"]
    static let jobKeys = ["description", "retries", "concurrency", "steps"]
    static let retryKeys = ["max_attempts", "backoff", "base_seconds", "max_seconds", "jitter"]
    static let stepKeys = ["name", "run", "sleep_seconds", "timeout_seconds"]
    /// More attempts than this is a typo.
    static let maxAttempts = 100

    /// Parses and validates a job file, reporting every problem at once with its line, column,
    /// key path and a hint.
    ///
    /// ```swift
    /// let file = try JobFile.parse("version: 1\njobs:\n  hello:\n    steps:\n      - {name: greet, run: echo hi}\n", file: "jobs.yaml")
    /// file.jobs[0].steps[0].action   // .run("echo hi")
    /// ```
    /// - Throws: `InputError.invalid` with one diagnostic per problem.
    public static func parse(_ text: String, file: String) throws(InputError) -> JobFile {
        guard let root = try YAMLReader.compose(text, file: file) else {
            throw .invalid([Diagnostic(file: file, line: 1, column: 1, keyPath: "", message: "the file is empty",
                                       hint: "a job file starts with 'version: 1' and a mapping of 'jobs:'")])
        }
        let reader = YAMLReader(file: file)
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        let jobs = JobFileParser(reader: reader).parse(root)
        try reader.throwIfInvalid()
        return JobFile(file: file, directory: folder, jobs: jobs)
    }

    /// Reads and parses a job file from disk.
    /// - Throws: `InputError.unreadable` when missing, `.invalid` when wrong.
    public static func load(path: String) throws(InputError) -> JobFile {
        try parse(try InputError.readText(path), file: path)
    }
}

/// Field-by-field reading of one job file.
private struct JobFileParser {
    let reader: YAMLReader

    func parse(_ root: Node) -> [JobSpec] {
        guard let top = reader.mapping(root, at: "", allowed: JobFile.topLevelKeys) else { return [] }
        if let version = top.required("version", in: reader, hint: "add 'version: 1' at the top"),
           let number = reader.integer(version, at: "version"), number != 1 {
            reader.report(version, "version", "unsupported version \(number)", hint: "this costsim reads version 1")
        }
        guard let jobsNode = top.required("jobs", in: reader, hint: "add 'jobs:' with one entry per job name") else { return [] }
        guard case .mapping(let mapping) = jobsNode else {
            reader.report(jobsNode, "jobs", "expected a mapping of job names to jobs, found \(YAMLReader.describe(jobsNode))",
                          hint: "write each job as 'name:' followed by its steps, e.g. jobs: {nightly-sync: {steps: […]}}")
            return []
        }
        if mapping.isEmpty { reader.report(jobsNode, "jobs", "expected at least one job") }
        var jobs: [JobSpec] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode, !YAMLReader.isNull(keyNode) else {
                reader.report(keyNode, "jobs", "expected a job name, found \(YAMLReader.describe(keyNode))")
                continue
            }
            if let job = parseJob(scalar.string, value, keyNode: keyNode) { jobs.append(job) }
        }
        return jobs
    }

    func parseJob(_ name: String, _ node: Node, keyNode: Node) -> JobSpec? {
        let path = Fields.join("jobs", name)
        guard let fields = reader.mapping(node, at: path, allowed: JobFile.jobKeys) else { return nil }
        let before = reader.diagnostics.count
        let description = fields["description"].flatMap { reader.string($0, at: fields.path("description")) }
        let retries = fields["retries"].map { parseRetries($0, at: fields.path("retries")) } ?? RetryPolicy()
        var concurrency: Int?
        if let node = fields["concurrency"] {
            concurrency = reader.integer(node, at: fields.path("concurrency"), minimum: 1)
        }
        var steps: [StepSpec] = []
        if let stepsNode = fields.required("steps", in: reader, hint: "list the job's steps, e.g. steps: [{name: export, run: ./export.sh}]"),
           let items = reader.sequence(stepsNode, at: fields.path("steps")) {
            if items.isEmpty { reader.report(stepsNode, fields.path("steps"), "expected at least one step") }
            var seen: [String: Int] = [:]
            for (index, item) in items.enumerated() {
                let stepPath = Fields.index(fields.path("steps"), index)
                guard let step = parseStep(item, at: stepPath) else { continue }
                if let first = seen[step.name] {
                    reader.report(item, Fields.join(stepPath, "name"), "duplicate step name '\(step.name)' (also steps[\(first)])",
                                  hint: "a step's name is its memo key: names must be unique within a job")
                } else {
                    seen[step.name] = index
                }
                steps.append(step)
            }
        }
        guard reader.diagnostics.count == before else { return nil }
        return JobSpec(name: name, description: description, retries: retries, concurrency: concurrency, steps: steps,
                       line: keyNode.mark?.line)
    }

    func parseRetries(_ node: Node, at path: String) -> RetryPolicy {
        var policy = RetryPolicy()
        guard let fields = reader.mapping(node, at: path, allowed: JobFile.retryKeys) else { return policy }
        if let value = fields["max_attempts"], let attempts = reader.integer(value, at: fields.path("max_attempts"), minimum: 1) {
            if attempts > JobFile.maxAttempts {
                reader.report(value, fields.path("max_attempts"), "max_attempts \(attempts) is above \(JobFile.maxAttempts)",
                              hint: "max_attempts counts every attempt, the first included: 3 means two retries")
            } else {
                policy.maxAttempts = attempts
            }
        }
        if let value = fields["backoff"],
           let backoff = reader.choice(value, at: fields.path("backoff"), among: RetryPolicy.Backoff.allCases.map(\.rawValue)) {
            policy.backoff = RetryPolicy.Backoff(rawValue: backoff) ?? .exponential
        }
        if let value = fields["base_seconds"], let seconds = reader.decimal(value, at: fields.path("base_seconds")) {
            policy.baseSeconds = Self.double(seconds)
        }
        if let value = fields["max_seconds"], let seconds = reader.decimal(value, at: fields.path("max_seconds")) {
            policy.maxSeconds = Self.double(seconds)
        }
        if let value = fields["jitter"], let jitter = reader.decimal(value, at: fields.path("jitter")) {
            if jitter > 1 {
                reader.report(value, fields.path("jitter"), "jitter must be between 0 and 1, found \(jitter)",
                              hint: "jitter is the fraction of each wait that is random: 0.5 waits between half and all of it")
            } else {
                policy.jitter = Self.double(jitter)
            }
        }
        return policy
    }

    func parseStep(_ node: Node, at path: String) -> StepSpec? {
        guard let fields = reader.mapping(node, at: path, allowed: JobFile.stepKeys) else { return nil }
        let before = reader.diagnostics.count
        let name = fields.required("name", in: reader, hint: "name every step: its name is its memo key").flatMap {
            reader.string($0, at: fields.path("name"))
        }
        if let name, let nameNode = fields["name"], name.trimmingCharacters(in: .whitespaces).isEmpty || name.contains("#") {
            reader.report(nameNode, fields.path("name"), "a step name must not be blank or contain '#'",
                          hint: "'#' marks repeated steps in the ledger")
        }
        var action: StepSpec.Action?
        var location: Node?
        var actionPath = path
        switch (fields["run"], fields["sleep_seconds"]) {
        case (let run?, nil):
            location = run
            actionPath = fields.path("run")
            if let command = reader.string(run, at: actionPath) {
                if command.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    reader.report(run, actionPath, "the command is empty", hint: "give the shell command to run, e.g. run: ./scripts/export.sh")
                } else {
                    action = .run(command)
                }
            }
        case (nil, let sleep?):
            location = sleep
            actionPath = fields.path("sleep_seconds")
            if let seconds = reader.decimal(sleep, at: actionPath) { action = .sleep(seconds: Self.double(seconds)) }
        case (_?, _?):
            reader.report(node, path, "give run or sleep_seconds, not both", hint: "a step either runs a command or sleeps")
        case (nil, nil):
            if !fields.hasNearMiss(for: ["run", "sleep_seconds"]) {
                reader.report(node, path, "missing what the step does",
                              hint: "add run: \"COMMAND\" (a shell command) or sleep_seconds: N (a durable sleep)")
            }
        }
        var timeout: Double?
        if let value = fields["timeout_seconds"], let seconds = reader.decimal(value, at: fields.path("timeout_seconds"), allowZero: false) {
            if case .sleep = action {
                reader.report(value, fields.path("timeout_seconds"), "a sleep has no timeout", hint: "timeout_seconds limits a command")
            }
            timeout = Self.double(seconds)
        }
        guard reader.diagnostics.count == before, let name, let action else { return nil }
        return StepSpec(name: name, action: action, timeoutSeconds: timeout, line: location?.mark?.line,
                        column: location?.mark?.column, keyPath: actionPath)
    }

    static func double(_ value: Decimal) -> Double {
        NSDecimalNumber(decimal: value).doubleValue
    }
}
