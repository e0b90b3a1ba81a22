import CostModel
import Foundation

/// Runs a job file's shell-command steps: `/bin/sh -c COMMAND` in the job file's folder, with
/// the run's identity in the environment so scripts can make their side effects idempotent:
/// `COSTSIM_RUN_ID`, `COSTSIM_JOB`, `COSTSIM_STEP`, `COSTSIM_ATTEMPT`, `COSTSIM_MAX_ATTEMPTS`.
///
/// Exit 0 succeeds and the step's result is its output (stdout and stderr, the last 64 KiB).
/// Any other exit fails the attempt and is retried; 126 and 127 (the shell could not find or
/// run the command) are not retried.
public struct ShellStep: Sendable {
    /// The folder commands run in.
    public var directory: String
    /// Extra environment for every command.
    public var environment: [String: String]
    /// Output kept per attempt.
    static let outputLimit = 64 * 1024

    public init(directory: String, environment: [String: String] = [:]) {
        self.directory = directory
        self.environment = environment
    }

    /// The job definition that runs `job`'s steps in order: a synchronous body (worker
    /// threads), or with `async` an async one (`Executor.run(inFlight:)`), whose commands wait
    /// on threads of their own so that many runs can be in flight.
    public func definition(for job: JobSpec, async: Bool = false) -> JobDefinition {
        let runner = self
        guard async else {
            return JobDefinition(name: job.name, retries: job.retries, concurrency: job.concurrency) { run in
                for step in job.steps {
                    switch step.action {
                    case .sleep(let seconds):
                        try run.sleep(step.name, for: seconds)
                    case .run(let command):
                        _ = try run.stepData(step.name) {
                            try runner.execute(command, attempt: run.currentAttempt, timeoutSeconds: step.timeoutSeconds)
                        }
                    }
                }
            }
        }
        return JobDefinition.async(name: job.name, retries: job.retries, concurrency: job.concurrency) { run in
            for step in job.steps {
                switch step.action {
                case .sleep(let seconds):
                    try await run.sleep(step.name, for: seconds)
                case .run(let command):
                    _ = try await run.stepData(step.name) {
                        try await runner.executeAsync(command, attempt: run.currentAttempt, timeoutSeconds: step.timeoutSeconds)
                    }
                }
            }
        }
    }

    /// `execute`, awaited: no thread waits for the command (its end resumes the step), a
    /// timeout stops it, and so does cancelling the task.
    public func executeAsync(_ command: String, attempt: StepAttemptInfo?, timeoutSeconds: Double?) async throws -> Data {
        let running = try RunningCommand(command, directory: directory, environment: environment, attempt: attempt)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
                do {
                    try running.start {
                        continuation.resume(with: Result { try running.result(timeoutSeconds: timeoutSeconds) })
                    }
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                if let timeoutSeconds {
                    DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds) { running.stop(timedOut: true) }
                }
            }
        } onCancel: {
            running.stop(timedOut: false)
        }
    }

    /// Runs one command and returns its output, or throws `ShellStepError` / `NonRetriableError`.
    public func execute(_ command: String, attempt: StepAttemptInfo?, timeoutSeconds: Double?) throws -> Data {
        let running = try RunningCommand(command, directory: directory, environment: environment, attempt: attempt)
        let finished = DispatchSemaphore(value: 0)
        try running.start { finished.signal() }
        if let timeoutSeconds, finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            running.stop(timedOut: true)
        }
        finished.wait()
        return try running.result(timeoutSeconds: timeoutSeconds)
    }

    /// The last `outputLimit` bytes of the file, as text.
    static func tail(_ handle: FileHandle) -> String {
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(outputLimit) ? size - UInt64(outputLimit) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Checks before anything runs that every command's program exists: a path (containing
    /// `/`) must be an executable file relative to the job file's folder, and a bare name must
    /// be a shell builtin or on `PATH`. Returns one problem per missing program.
    ///
    /// ```swift
    /// ShellStep.missingPrograms(in: file)   // [jobs.yaml:7:14: jobs.nightly-sync.steps[0].run: command './scripts/export.sh' not found …]
    /// ```
    public static func missingPrograms(in file: JobFile, jobs: [JobSpec]? = nil, path: String? = nil) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let searchPath = path ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for job in jobs ?? file.jobs {
            for step in job.steps {
                guard case .run(let command) = step.action, let program = program(of: command) else { continue }
                if let reason = missingReason(program, directory: file.directory, searchPath: searchPath) {
                    problems.append(Diagnostic(file: file.file, line: step.line, column: step.column, keyPath: step.keyPath,
                                               message: "command '\(program)' \(reason)",
                                               hint: program.contains("/")
                                                ? "paths are relative to the job file's folder (\(file.directory)); check the name, or chmod +x the script"
                                                : "install it, or give its full path"))
                }
            }
        }
        return problems
    }

    /// The program a simple command starts with, skipping `VAR=value` prefixes; nil when the
    /// command begins with shell syntax we do not second-guess (quotes, `(`, `{`, `$`…).
    static func program(of command: String) -> String? {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        for word in words {
            if word.contains("=") && !word.hasPrefix("=") && !word.contains("/") { continue }
            guard let first = word.first, !"\"'`$({[!;&|<>\\~".contains(first) else { return nil }
            return String(word)
        }
        return nil
    }

    static let shellWords: Set<String> = [
        ".", ":", "[", "alias", "bg", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit", "export",
        "false", "fg", "getopts", "hash", "jobs", "kill", "printf", "pwd", "read", "readonly", "return", "set", "shift",
        "test", "times", "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait",
        "if", "then", "else", "elif", "fi", "case", "esac", "for", "while", "until", "do", "done", "in", "function", "time",
    ]

    static func missingReason(_ program: String, directory: String, searchPath: String) -> String? {
        let fileManager = FileManager.default
        if program.contains("/") {
            let path = program.hasPrefix("/") ? program : URL(fileURLWithPath: directory).appendingPathComponent(program).path
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return "not found" }
            if isDirectory.boolValue { return "is a folder, not a program" }
            return fileManager.isExecutableFile(atPath: path) ? nil : "is not executable"
        }
        if shellWords.contains(program) { return nil }
        for folder in searchPath.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(program).path
            if fileManager.isExecutableFile(atPath: candidate) { return nil }
        }
        return "not found on PATH"
    }
}

/// A shell step's attempt failed: a non-zero exit, a signal or a timeout.
public struct ShellStepError: Error, Sendable, Equatable, CustomStringConvertible {
    public var command: String
    /// The exit status, when the command exited.
    public var status: Int32?
    /// The tail of its output.
    public var output: String
    public var timeoutSeconds: Double?
    public var signal: Int32?

    public init(command: String, status: Int32?, output: String, timeoutSeconds: Double? = nil, signal: Int32? = nil) {
        self.command = command
        self.status = status
        self.output = output
        self.timeoutSeconds = timeoutSeconds
        self.signal = signal
    }

    public var description: String {
        var text: String
        if let timeoutSeconds {
            text = "'\(command)' timed out after \(NumberFormat.plain(Decimal(timeoutSeconds))) s"
        } else if let signal {
            text = "'\(command)' was killed by signal \(signal)"
        } else if let status {
            text = "'\(command)' exited with status \(status)"
            if status == 127 { text += " (command not found)" }
            if status == 126 { text += " (not executable)" }
        } else {
            text = "'\(command)' failed"
        }
        let lastLines = output.split(separator: "\n", omittingEmptySubsequences: true).suffix(3).joined(separator: " | ")
        if !lastLines.isEmpty { text += ": " + String(lastLines.prefix(400)) }
        return text
    }
}

/// One command started by `ShellStep`: its process, its output file (unlinked once open, so a
/// killed costsim leaves nothing behind), and how it ended.
final class RunningCommand: @unchecked Sendable {
    let command: String
    private let process = Process()
    private let output: FileHandle
    private let reader: FileHandle
    private let lock = NSLock()
    private var started = false, exited = false, stopped = false, timedOut = false

    init(_ command: String, directory: String, environment: [String: String], attempt: StepAttemptInfo?) throws {
        self.command = command
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        if let attempt {
            env["COSTSIM_RUN_ID"] = attempt.runID
            env["COSTSIM_JOB"] = attempt.job
            env["COSTSIM_STEP"] = attempt.step
            env["COSTSIM_ATTEMPT"] = String(attempt.attempt)
            env["COSTSIM_MAX_ATTEMPTS"] = String(attempt.maxAttempts)
        }
        process.environment = env
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("costsim-step-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
              let output = try? FileHandle(forWritingTo: outputURL),
              let reader = try? FileHandle(forReadingFrom: outputURL) else {
            try? FileManager.default.removeItem(at: outputURL)
            throw ShellStepError(command: command, status: nil, output: "cannot create a temporary file for the step's output")
        }
        try? FileManager.default.removeItem(at: outputURL)
        self.output = output
        self.reader = reader
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
    }

    deinit {
        try? output.close()
        try? reader.close()
    }

    /// Starts the command; `onExit` runs once it has ended (on another thread).
    func start(onExit: @escaping @Sendable () -> Void) throws {
        // Weak: the process keeps its handler, and the caller keeps this value until the end.
        process.terminationHandler = { [weak self] _ in
            self?.lock.withLock { self?.exited = true }
            onExit()
        }
        let cancelled = lock.withLock { () -> Bool in
            started = !stopped
            return stopped
        }
        if cancelled { throw CancellationError() }
        do {
            try process.run()
        } catch {
            lock.withLock { exited = true }
            throw NonRetriableError("cannot start /bin/sh for '\(command)': \(error.localizedDescription)")
        }
    }

    /// Stops the command: SIGTERM, then SIGKILL if it is still running 5 s later.
    func stop(timedOut: Bool) {
        let running = lock.withLock { () -> Bool in
            stopped = true
            if timedOut && started && !exited { self.timedOut = true }
            return started && !exited
        }
        guard running else { return }
        // The shell's children too: Foundation notices the shell's end only once every process
        // holding its inherited descriptors has gone, so `sleep 600` under a killed shell
        // would keep the step waiting.
        let pids = [process.processIdentifier] + Self.descendants(of: process.processIdentifier)
        for pid in pids { kill(pid, SIGTERM) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 5) { [self] in
            if lock.withLock({ !exited }) { for pid in pids { kill(pid, SIGKILL) } }
        }
    }

    /// Every process below `root`, from /proc (empty where there is none).
    static func descendants(of root: pid_t) -> [pid_t] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [pid_t: [pid_t]] = [:]
        for name in names {
            guard let pid = pid_t(name), let fields = WorkerIdentity.statFields(pid) else { continue }
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
        }
        var found: [pid_t] = []
        var queue = children[root] ?? []
        // Bounded: each process is visited once (a parent link cannot form a cycle).
        while let pid = queue.popLast() {
            found.append(pid)
            queue += children[pid] ?? []
        }
        return found
    }

    /// The output, once the command ended, or the error its end means.
    func result(timeoutSeconds: Double?) throws -> Data {
        let text = ShellStep.tail(reader)
        if lock.withLock({ timedOut }) {
            throw ShellStepError(command: command, status: nil, output: text, timeoutSeconds: timeoutSeconds)
        }
        let status = process.terminationStatus
        if process.terminationReason == .exit && status == 0 {
            return Data(text.utf8)
        }
        if process.terminationReason == .exit && (status == 126 || status == 127) {
            throw NonRetriableError(ShellStepError(command: command, status: status, output: text).description)
        }
        throw ShellStepError(command: command, status: process.terminationReason == .exit ? status : nil, output: text,
                             signal: process.terminationReason == .uncaughtSignal ? status : nil)
    }
}
