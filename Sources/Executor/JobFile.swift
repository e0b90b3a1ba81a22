import CostModel
import Foundation

/// A job file (SPEC §7): jobs made of shell-command steps, for people who do not write Swift.
///
/// ```yaml
/// version: 1
/// jobs:
///   nightly-sync:
///     retries: {max_attempts: 3, backoff: exponential, base_seconds: 1}
///     concurrency: 2
///     steps:
///       - {name: export, run: "./scripts/export.sh"}
///       - {name: cool-down, sleep_seconds: 30}
///       - {name: upload, run: "./scripts/upload.sh", timeout_seconds: 600}
/// ```
///
/// Commands run with `/bin/sh -c` in the job file's folder.
public struct JobFile: Sendable, Equatable {
    /// The file as the user named it.
    public var file: String
    /// The folder commands run in: the job file's own.
    public var directory: String
    /// Jobs in file order.
    public var jobs: [JobSpec]

    public init(file: String, directory: String, jobs: [JobSpec]) {
        self.file = file
        self.directory = directory
        self.jobs = jobs
    }

    /// The job named `name`, if any.
    public func job(named name: String) -> JobSpec? {
        jobs.first { $0.name == name }
    }
}

/// One job of a job file.
public struct JobSpec: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var retries: RetryPolicy
    public var concurrency: Int?
    public var steps: [StepSpec]
    /// 1-based line of the job's key, for messages.
    public var line: Int?
}

/// One step of a job-file job.
public struct StepSpec: Sendable, Equatable {
    /// What the step does.
    public enum Action: Sendable, Equatable {
        /// A shell command (`/bin/sh -c`).
        case run(String)
        /// A durable sleep.
        case sleep(seconds: Double)
    }

    public var name: String
    public var action: Action
    /// Kill the command after this long (the attempt fails and is retried).
    public var timeoutSeconds: Double?
    /// Where the step's `run:` value is, for messages: `jobs.yaml:7:14`.
    public var line: Int?
    public var column: Int?
    /// `jobs.nightly-sync.steps[0].run`.
    public var keyPath: String
}
