import CostModel
import Foundation
import GRDB
import Testing
@testable import Executor

/// Crash tests that kill `costsim exec` for real (SIGKILL) at named fault points and at random
/// moments, restart it, and check the ledger against an external append-only counter: every
/// step execution appends "RUN STEP ATTEMPT" to counter.txt from the shell.
@Suite(.serialized) struct CrashTests {
    static let jobFile = """
        version: 1
        jobs:
          counted:
            retries: {max_attempts: 20, backoff: none}
            steps:
              - {name: step-1, run: 'echo "$COSTSIM_RUN_ID $COSTSIM_STEP $COSTSIM_ATTEMPT" >> counter.txt; sleep 0.01'}
              - {name: step-2, run: 'echo "$COSTSIM_RUN_ID $COSTSIM_STEP $COSTSIM_ATTEMPT" >> counter.txt; sleep 0.01'}
              - {name: step-3, run: 'echo "$COSTSIM_RUN_ID $COSTSIM_STEP $COSTSIM_ATTEMPT" >> counter.txt; sleep 0.01'}
        """

    struct Attempt: Hashable, CustomStringConvertible {
        var run: String, step: String, number: Int
        var description: String { "\(run) \(step) #\(number)" }
    }

    /// The executions the counter saw.
    static func counter(_ folder: ScratchFolder) throws -> [Attempt] {
        let text = (try? String(contentsOfFile: folder.path("counter.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return Attempt(run: String(parts[0]), step: String(parts[1]), number: Int(parts[2]) ?? 0)
        }
    }

    /// Every attempt row with its outcome, every run's status, and the abandoned attempts
    /// per worker.
    static func ledger(_ folder: ScratchFolder) throws -> (attempts: [Attempt: String], runs: [String: String], abandonedByWorker: [String: Int]) {
        let queue = try DatabaseQueue(path: folder.path("ledger.db"))
        defer { try? queue.close() }
        return try queue.read { db in
            var attempts: [Attempt: String] = [:]
            var abandoned: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT run_id, step, number, outcome, worker FROM attempts") {
                let outcome: String = row[3]
                attempts[Attempt(run: row[0], step: row[1], number: row[2])] = outcome
                if outcome == "abandoned" { abandoned[row[4], default: 0] += 1 }
            }
            var runs: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, status FROM runs") { runs[row[0]] = row[1] }
            return (attempts, runs, abandoned)
        }
    }

    /// Checks the invariants after all runs finished. `exact` demands attempt rows (unstarted
    /// ones excluded) equal the counted executions one for one; otherwise an interrupted attempt
    /// may be recorded as abandoned without having run: at most one per crash and run in flight.
    static func checkInvariants(_ folder: ScratchFolder, runs: Int, crashes: Int, exact: Bool, inFlight: Int = 1) throws {
        let counted = try counter(folder)
        let (attempts, statuses, abandonedByWorker) = try ledger(folder)
        // A worker has one attempt under way at a time, so a kill abandons at most one of each
        // killed worker's attempts (run or not); without kills nothing is abandoned.
        #expect(abandonedByWorker.values.allSatisfy { $0 <= 1 }, "abandoned attempts per worker: \(abandonedByWorker)")
        if crashes == 0 { #expect(abandonedByWorker.isEmpty, "no kill, yet abandoned attempts: \(abandonedByWorker)") }
        #expect(statuses.count == runs && statuses.values.allSatisfy { $0 == "completed" }, "every run completes: \(statuses)")
        #expect(Set(counted).count == counted.count, "no step attempt ran twice: \(counted)")
        let recorded = attempts.filter { $0.value != "unstarted" }
        for execution in counted {
            #expect(recorded[execution] != nil, "execution \(execution) is in the ledger")
        }
        let unseen = recorded.filter { !counted.contains($0.key) }
        if exact {
            #expect(unseen.isEmpty, "attempt rows equal the executions the counter saw; extra: \(unseen)")
            #expect(recorded.count == counted.count)
        } else {
            #expect(unseen.values.allSatisfy { $0 == "abandoned" } && unseen.count <= crashes * inFlight, "extra rows: \(unseen)")
        }
        // No step whose result was committed ran again: nothing counted after its success.
        for (attempt, outcome) in attempts where outcome == "succeeded" {
            let later = counted.filter { $0.run == attempt.run && $0.step == attempt.step && $0.number > attempt.number }
            #expect(later.isEmpty, "\(attempt) succeeded, yet ran again: \(later)")
        }
        let succeeded = attempts.filter { $0.value == "succeeded" }
        #expect(succeeded.count == runs * 3, "every step succeeded exactly once")
        // The usage report counts what ran.
        let usage = UsageReport.make(ledger: try SQLiteStore(path: folder.path("ledger.db")).ledger(since: nil, runIDs: nil), database: "")
        #expect(usage.total.steps == runs * 3 && usage.total.stepAttempts == recorded.count)
    }

    func setUp() throws -> ScratchFolder {
        let folder = try ScratchFolder()
        try folder.write("jobs.yaml", Self.jobFile)
        return folder
    }

    @Test(arguments: ["before-step:step-2", "after-side-effect:step-2", "after-commit:step-2",
                      "after-side-effect:step-1", "after-commit:step-3", "before-step:step-1"])
    func aKillAtANamedFaultPointLosesAndDoublesNothing(_ fault: String) throws {
        let folder = try setUp()
        let crashed = try CostsimBinary.run(["exec", "jobs.yaml", "--runs", "3", "--db", "ledger.db"], in: folder,
                                            environment: ["COSTSIM_FAULT": fault])
        #expect(crashed.killed, "the fault point \(fault) kills the process: \(crashed)")
        let resumed = try CostsimBinary.run(["exec", "jobs.yaml", "--db", "ledger.db"], in: folder)
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stderr.contains("unfinished run") && resumed.stderr.contains("no new runs started"), "\(resumed)")
        try Self.checkInvariants(folder, runs: 3, crashes: 1, exact: true)
        let again = try CostsimBinary.run(["exec", "jobs.yaml", "--db", "ledger.db", "--resume"], in: folder)
        #expect(again.status == 0)
        try Self.checkInvariants(folder, runs: 3, crashes: 1, exact: true)
    }

    /// Kills at random moments, with one worker thread or with four async runs in flight
    /// (where up to one interrupted attempt per run in flight may count without having run).
    @Test(arguments: [1, 4])
    func killsAtRandomMomentsLoseAndDoubleNothing(_ inFlight: Int) throws {
        let folder = try setUp()
        let seed: UInt64 = inFlight == 1 ? 20261129 : 20261130
        var random = SplitMix64(seed: seed)
        var crashes = 0
        // The same idempotent command each time: it enqueues whatever of the runs a kill left
        // unenqueued and finishes the rest. Bounded: at most 12 kills, then a last run.
        let runs = inFlight == 1 ? 6 : 8
        let arguments = ["exec", "jobs.yaml", "--runs", String(runs), "--db", "ledger.db", "--idempotency-key", "batch"]
            + (inFlight == 1 ? [] : ["--in-flight", String(inFlight)])
        for _ in 0..<12 {
            let delay = 0.005 + Double(random.next() % 80) / 1000
            let result = try CostsimBinary.run(arguments, in: folder, killAfter: delay)
            if result.killed { crashes += 1 } else if result.status == 0 { break }
        }
        let finish = try CostsimBinary.run(arguments, in: folder)
        #expect(finish.status == 0, "\(finish)")
        #expect(crashes > 0, "seed \(seed): at least one kill landed")
        try Self.checkInvariants(folder, runs: runs, crashes: crashes, exact: false, inFlight: inFlight)
    }

    // The same with async bodies, several runs in flight (`--in-flight`): the kill lands in one
    // run while others may be anywhere in theirs.
    @Test(arguments: ["before-step:step-2", "after-side-effect:step-2", "after-commit:step-3"])
    func aKillOfAnAsyncExecutorLosesAndDoublesNothing(_ fault: String) throws {
        let folder = try setUp()
        let crashed = try CostsimBinary.run(["exec", "jobs.yaml", "--runs", "6", "--db", "ledger.db", "--in-flight", "3"], in: folder,
                                            environment: ["COSTSIM_FAULT": fault])
        #expect(crashed.killed, "the fault point \(fault) kills the process: \(crashed)")
        let resumed = try CostsimBinary.run(["exec", "jobs.yaml", "--db", "ledger.db", "--in-flight", "3"], in: folder)
        #expect(resumed.status == 0, "\(resumed)")
        try Self.checkInvariants(folder, runs: 6, crashes: 1, exact: false, inFlight: 3)
    }

    @Test func aKillDuringAShellStepLeavesNoTemporaryFile() throws {
        let folder = try ScratchFolder()
        _ = try folder.write("jobs.yaml", """
            version: 1
            jobs:
              slow:
                steps:
                  - {name: wait, run: "touch started; sleep 3"}
            """)
        let temporary = folder.path("tmp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        // Bounded: the step starts well within 2 s; the kill lands while it sleeps.
        let killed = try CostsimBinary.run(["exec", "jobs.yaml", "--db", "ledger.db"], in: folder,
                                           environment: ["TMPDIR": temporary], killAfter: 2)
        #expect(killed.killed, "\(killed)")
        #expect(FileManager.default.fileExists(atPath: folder.path("started")), "the step was running when the kill came")
        let left = try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("costsim-step-") }
        #expect(left.isEmpty, "the step's output file is unlinked as soon as it is open: \(left)")
    }

    /// Two processes on one database: worker threads, or async runs in flight.
    @Test(arguments: ["--workers 2", "--in-flight 4"])
    func twoProcessesOnOneDatabaseNeverRunTheSameAttemptTwice(_ mode: String) throws {
        let folder = try setUp()
        let arguments = ["exec", "jobs.yaml", "--runs", "12", "--db", "ledger.db", "--idempotency-key", "batch-1"]
            + mode.split(separator: " ").map(String.init)
        let group = DispatchGroup()
        let results = LockedBox<[CostsimBinary.Result]>([])
        for _ in 0..<2 {
            group.enter()
            Thread {
                if let result = try? CostsimBinary.run(arguments, in: folder) { results.mutate { $0.append(result) } }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(results.value.count == 2 && results.value.allSatisfy { $0.status == 0 }, "\(results.value)")
        try Self.checkInvariants(folder, runs: 12, crashes: 0, exact: true)
    }
}

/// Runs the built `costsim` binary (found beside the test bundle, or `COSTSIM_BINARY`).
enum CostsimBinary {
    struct Result: CustomStringConvertible {
        var status: Int32
        var killed: Bool
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\(killed ? " (killed)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    static let binary: URL? = {
        if let override = ProcessInfo.processInfo.environment["COSTSIM_BINARY"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var starts: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { starts.append(URL(fileURLWithPath: exe)) }
        starts.append(Bundle.main.bundleURL)
        if let first = CommandLine.arguments.first { starts.append(URL(fileURLWithPath: first)) }
        for start in starts {
            var folder = start.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = folder.appendingPathComponent("costsim")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
        }
        return nil
    }()

    /// Runs `costsim arguments…` in `folder`; with `killAfter`, sends SIGKILL after that many
    /// seconds if it is still running.
    static func run(_ arguments: [String], in folder: ScratchFolder, environment: [String: String] = [:],
                    killAfter: Double? = nil) throws -> Result {
        guard let binary else { throw CancellationError() }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder.url
        var env = ProcessInfo.processInfo.environment
        env["COSTSIM_FAULT"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = folder.url.appendingPathComponent("stdout-\(UUID().uuidString)")
        let err = folder.url.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if let killAfter, done.wait(timeout: .now() + killAfter) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        } else if killAfter == nil {
            done.wait()
        }
        try outHandle.close()
        try errHandle.close()
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Result(status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
                      stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}
