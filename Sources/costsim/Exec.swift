import ArgumentParser
import CostModel
import Executor
import Foundation
import Reports
import Simulation
import Workload

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run jobs durably on SQLite and record every run, step, attempt and sleep.",
        discussion: """
        Runs the shell-command jobs of a job file (SPEC §7): each completed step is
        memoised in the database, so a retry or a restart after a crash re-runs only
        what had not completed. Running the same command again (or with --resume)
        finishes what a crash interrupted instead of starting new runs. Steps run with
        /bin/sh -c in the job file's folder, with COSTSIM_RUN_ID, COSTSIM_JOB,
        COSTSIM_STEP and COSTSIM_ATTEMPT in their environment.

        With --workload, runs a workload's jobs as synthetic steps instead (each
        sleeps its step_seconds × --time-scale and fails at the job's retry_rate) and
        shows the observed counts per run beside what `costsim estimate` predicts.

        Exit codes: 0 every run completed; 1 a run failed; 64 bad usage; 65 invalid
        job file or a database that is not costsim's; 66 a missing file or step
        command; 70 internal error.

        Examples:
          costsim exec Fixtures/jobs/nightly-sync.yaml --runs 3 --db jobs.db
          costsim exec --workload Fixtures/saas.yaml --runs 50 --time-scale 0.001
          costsim exec Fixtures/jobs/nightly-sync.yaml --runs 200 --in-flight 32
          costsim usage --db jobs.db
        """
    )

    @Argument(help: ArgumentHelp("The job file (YAML).", valueName: "jobfile"))
    var jobFile: String?

    @Option(name: .customLong("job"), help: ArgumentHelp("Only this job (repeatable; default: every job of the file).", valueName: "name"))
    var jobs: [String] = []

    @Option(help: ArgumentHelp("New runs to start per job (default 1).", valueName: "n"))
    var runs: Int = 1

    @Option(help: ArgumentHelp("The ledger database (created when missing).", valueName: "file"))
    var db: String = "costsim.db"

    @Option(help: ArgumentHelp("Worker threads in this process (default 1).", valueName: "n"))
    var workers: Int?

    @Option(help: ArgumentHelp("Instead of worker threads, keep up to <n> runs going at once as async tasks, for job files and --workload alike: steps await their commits, which share transactions.", valueName: "n"))
    var inFlight: Int?

    @Flag(help: "Only finish runs left unfinished (by a crash or another worker); start no new ones.")
    var resume = false

    @Option(help: ArgumentHelp("Enqueue runs with idempotency keys KEY/1…KEY/N: repeating the command (or running it from several processes) starts them once.", valueName: "key"))
    var idempotencyKey: String?

    @Option(help: ArgumentHelp("Run this workload's jobs as synthetic steps instead of a job file.", valueName: "workload"))
    var workload: String?

    @Option(help: ArgumentHelp("With --workload: real seconds per workload second (0.001 runs a 2 s step in 2 ms).", valueName: "x"))
    var timeScale: Double = 1

    @Option(help: ArgumentHelp("With --workload: seed of the synthetic failures and step counts.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Seconds a worker's lease on a run lasts without renewal.", valueName: "seconds"))
    var leaseSeconds: Double = 30

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (jobFile == nil) != (workload == nil) else {
            throw ValidationError("give a job file, or --workload FILE, but not both")
        }
        guard (1...1_000_000).contains(runs) else { throw ValidationError("--runs must be between 1 and 1000000") }
        if let workers, !(1...64).contains(workers) { throw ValidationError("--workers must be between 1 and 64") }
        if let inFlight {
            guard (1...1024).contains(inFlight) else { throw ValidationError("--in-flight must be between 1 and 1024") }
            guard workers == nil else { throw ValidationError("give --workers or --in-flight, not both") }
        }
        guard timeScale >= 0, timeScale.isFinite else { throw ValidationError("--time-scale must be 0 or more") }
        guard leaseSeconds > 0, leaseSeconds.isFinite else { throw ValidationError("--lease-seconds must be positive") }
        if workload == nil && (timeScale != 1 || seed != 1) {
            throw ValidationError("--time-scale and --seed apply to --workload runs only")
        }
    }

    func run() throws {
        try runExecutorReporting {
            let environment = ProcessInfo.processInfo.environment
            let fault = try Self.faultPoint(environment["COSTSIM_FAULT"])
            let clock = try Self.clock(environment["COSTSIM_CLOCK"])
            if clock is ManualClock && ((workers ?? 1) > 1 || (inFlight ?? 1) > 1) {
                // Every idle worker would move the shared virtual time on under the others.
                throw CostsimError.usage("COSTSIM_CLOCK needs one worker and one run in flight", hint: nil)
            }
            // With the virtual clock, ids are sequential too, so that synthetic failures (drawn
            // per run id) repeat: the whole report is the same bytes on a fresh database.
            let ids: any IDGenerator = clock is ManualClock ? SequentialIDs() : RandomIDs()
            var definitions: [JobDefinition] = []
            var loadedWorkload: Workload?
            var source: String
            if let jobFile {
                let file = try JobFile.load(path: jobFile)
                let selected = try select(file)
                let missing = ShellStep.missingPrograms(in: file, jobs: selected)
                if !missing.isEmpty {
                    let count = missing.count == 1 ? "a step command is missing" : "\(missing.count) step commands are missing"
                    throw InputError.unreadable(file: file.file, reason: count + "\n" + missing.map(\.description).joined(separator: "\n"))
                }
                let runner = ShellStep(directory: file.directory)
                definitions = selected.map { runner.definition(for: $0, async: inFlight != nil) }
                source = jobFile
            } else {
                let path = workload!
                let loaded = try Workload.load(path: path)
                let chosen = try selectJobs(loaded.jobs.map(\.name), file: path)
                var trimmed = loaded
                trimmed.jobs = loaded.jobs.filter { chosen.contains($0.name) }
                loadedWorkload = trimmed
                let synthetic = SyntheticWorkload(workload: trimmed, timeScale: timeScale, seed: seed, clock: clock)
                definitions = inFlight == nil ? synthetic.definitions() : synthetic.asyncDefinitions()
                source = path
            }

            let store = try SQLiteStore(path: db)
            var configuration = Executor.Configuration(leaseSeconds: leaseSeconds, seed: seed, markerFolder: db + "-workers")
            if let fault {
                configuration.faultHook = { point in
                    if fault.matches(point) { kill(getpid(), SIGKILL) }
                }
            }
            if clock is ManualClock, try store.holdsRuns() {
                throw CostsimError.usage("COSTSIM_CLOCK needs a fresh database: \(db) already holds runs (its sequential ids would repeat)", hint: nil)
            }
            let executor = Executor(store: store, jobs: definitions, clock: clock, ids: ids, configuration: configuration)
            let names = Set(definitions.map(\.name))
            let unfinished = try store.pending(jobs: names).unfinished
            var enqueued = 0
            var touched: Set<String> = []
            if !resume && (unfinished == 0 || idempotencyKey != nil) {
                // One transaction for every run: a crash enqueues all of them or none.
                let requests = definitions.flatMap { definition in
                    (1...runs).map { index in
                        EnqueueRequest(job: definition.name, idempotencyKey: idempotencyKey.map { "\($0)/\(index)" })
                    }
                }
                for result in try executor.enqueue(requests) {
                    if result.created { enqueued += 1 }
                    touched.insert(result.runID)
                }
            } else if unfinished > 0 {
                FileHandle.standardError.write(Data("costsim exec: finishing \(unfinished) unfinished run\(unfinished == 1 ? "" : "s") in \(db); no new runs started\n".utf8))
            }
            let started = clock.now()
            let summary = try inFlight.map { count in try Self.wait { try await executor.run(inFlight: count, jobs: names) } }
                ?? executor.run(workers: workers ?? 1, jobs: names)
            touched.formUnion(summary.completed)
            touched.formUnion(summary.failed.map(\.runID))
            let usage = UsageReport.make(ledger: try store.ledger(since: nil, runIDs: touched), database: db)
            let elapsed = clock.now() - started
            let title = "costsim exec: \(source), database \(db)\n"
                + "\(summary.completed.count) completed, \(summary.failed.count) failed, \(enqueued) new, in \(NumberFormat.plain(Decimal(elapsed), scale: 3)) s"
            let prediction = loadedWorkload.map { PredictionCheck.make(workload: $0, usage: usage, timeScale: timeScale) }
            try output.emit(usage.render(output.format, title: title, prediction: prediction))
            if !summary.failed.isEmpty {
                let shown = summary.failed.prefix(5).map { "  \($0.job) \($0.runID): \($0.message)" }.joined(separator: "\n")
                FileHandle.standardError.write(Data("\(shown)\n".utf8))
                throw RunsFailed(count: summary.failed.count)
            }
        }
    }

    /// The job-file jobs chosen by --job.
    private func select(_ file: JobFile) throws -> [JobSpec] {
        let names = try selectJobs(file.jobs.map(\.name), file: file.file)
        return file.jobs.filter { names.contains($0.name) }
    }

    private func selectJobs(_ available: [String], file: String) throws -> Set<String> {
        guard !jobs.isEmpty else { return Set(available) }
        for name in jobs where !available.contains(name) {
            throw CostsimError.usage("--job: no job named '\(name)' in \(file)",
                                     hint: YAMLReader.suggestion(for: name, among: available, noun: "jobs"))
        }
        return Set(jobs)
    }

    /// Runs `body` on Swift's cooperative threads and blocks this (main) thread until it ends.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    /// The clock: the system's, or with `COSTSIM_CLOCK=manual:UNIX_SECONDS` a virtual one that
    /// starts there and moves only when the executor waits. A test hook for golden reports: step
    /// durations become exact and ids sequential (`run-000001`…), so use it on a fresh database.
    static func clock(_ text: String?) throws -> any ExecutorClock {
        guard let text, !text.isEmpty else { return SystemClock() }
        guard text.hasPrefix("manual:"), let seconds = Int64(text.dropFirst("manual:".count)),
              (0...253_402_300_799).contains(seconds) else {   // up to 9999-12-31
            throw CostsimError.usage("COSTSIM_CLOCK: expected manual:UNIX_SECONDS, found '\(text)'", hint: nil)
        }
        return ManualClock(start: Timestamp(microseconds: seconds * 1_000_000))
    }

    static func faultPoint(_ text: String?) throws -> FaultPoint? {
        guard let text, !text.isEmpty else { return nil }
        guard let point = FaultPoint(parsing: text) else {
            throw CostsimError.usage("COSTSIM_FAULT: expected before-step:NAME, after-side-effect:NAME or after-commit:NAME, found '\(text)'", hint: nil)
        }
        return point
    }
}

/// Some runs failed (exit 1), after the report was written.
struct RunsFailed: Error {
    var count: Int
}

/// `runReporting`, plus the executor's errors: a database that is not costsim's is invalid
/// input (65), a missing or unwritable one is unreadable (66), failed runs exit 1, anything else
/// is internal (70).
func runExecutorReporting(_ body: () throws -> Void) throws {
    try runReporting {
        do {
            try body()
        } catch let error as ExecutorError {
            switch error {
            case .corruptDatabase(let path, _), .foreignDatabase(let path, _), .newerDatabase(let path, _):
                throw InputError.invalid([Diagnostic(file: path, line: nil, column: nil, keyPath: "", message: error.message, hint: error.hint)])
            case .unreadableDatabase(let path, _):
                throw InputError.unreadable(file: path, reason: error.message)
            default:
                printError(error.description)
                throw ExitCode(70)
            }
        } catch let failed as RunsFailed {
            printError("\(failed.count) run\(failed.count == 1 ? "" : "s") failed")
            throw ExitCode(1)
        }
    }
}
