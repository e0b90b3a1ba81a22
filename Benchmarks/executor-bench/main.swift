// executor-bench: durable no-op steps per second through the costsim executor, beside raw
// single-row SQLite commits with the same pragmas (WAL, synchronous NORMAL or FULL, busy
// timeout, foreign keys), in one run; and DBOS 3.4 (Python, SQLite) when it is installed
// (`pip install dbos`). A separate command, never part of `swift test`.
//
//   swift build -c release --product executor-bench
//   .build/release/executor-bench [--runs 2000] [--steps 10] [--repeat 5] [--full-runs 30]
//                                 [--workers 1,4,16] [--in-flight 16,64] [--no-dbos]
//   .build/release/executor-bench --only raw-c|raw-grdb|ledger-sql|ledger-sql-batched|executor|executor-async
//                                 (one variant once, for perf and strace)
//
// The executor figure includes enqueueing the runs; each run has --steps no-op steps. With
// several workers (threads), or async bodies with several runs in flight, concurrent commits
// are written together (group commit). "Ledger SQL alone" issues the executor's statements
// from C without the executor: the ceiling its rows and rules allow. Every figure is the
// median of --repeat rounds, and the rounds interleave the variants so that background load
// on the machine hits them alike.
import Executor
import Foundation
import GRDB
import GRDBSQLite

struct Options {
    var runs = 2000
    var steps = 10
    var repeats = 5
    var fullRuns = 30
    var dbos = true
    var workerCounts = [1, 4, 16]
    /// Async bodies: runs in flight at once (`Executor.run(inFlight:)`).
    var inFlightCounts = [16, 64]
    /// Profiling: run one variant once (one of `variants`), print its rate, exit.
    var only: String?
    var folder = FileManager.default.temporaryDirectory.appendingPathComponent("costsim-executor-bench-\(getpid())").path

    static let usage = "executor-bench [--runs N] [--steps S] [--repeat K] [--full-runs N] [--workers 1,4] [--in-flight 16,64] "
        + "[--no-dbos] [--folder DIR] [--only raw-c|raw-grdb|ledger-sql|ledger-sql-batched|executor|executor-async]"
    static let variants: Set = ["raw-c", "raw-grdb", "ledger-sql", "ledger-sql-batched", "executor", "executor-async"]

    /// A usage error: the message and the usage line on stderr, exit 64.
    static func refuse(_ message: String) -> Never {
        FileHandle.standardError.write(Data("executor-bench: \(message)\nusage: \(usage)\n".utf8))
        exit(64)
    }

    init(_ arguments: [String]) {
        var index = 0
        func value() -> String {
            index += 1
            guard index < arguments.count else { Self.refuse("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        func count() -> Int {
            let text = value()
            guard let number = Int(text), number > 0 else { Self.refuse("\(arguments[index - 1]) takes a positive whole number, not '\(text)'") }
            return number
        }
        func counts() -> [Int] {
            let text = value()
            let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !numbers.isEmpty, numbers.allSatisfy({ ($0 ?? 0) > 0 }) else {
                Self.refuse("\(arguments[index - 1]) takes positive whole numbers separated by commas, not '\(text)'")
            }
            return numbers.compactMap { $0 }
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--runs": runs = count()
            case "--steps": steps = count()
            case "--repeat": repeats = count()
            case "--full-runs": fullRuns = count()
            case "--no-dbos": dbos = false
            case "--workers": workerCounts = counts()
            case "--in-flight": inFlightCounts = counts()
            case "--folder": folder = value()
            case "--only":
                let variant = value()
                guard Self.variants.contains(variant) else { Self.refuse("--only takes one of \(Self.variants.sorted().joined(separator: ", ")), not '\(variant)'") }
                only = variant
            case "--help", "-h":
                print(Self.usage)
                exit(0)
            default: Self.refuse("unknown option \(arguments[index])")
            }
            index += 1
        }
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
try FileManager.default.createDirectory(atPath: options.folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: options.folder) }

func freshPath(_ name: String) -> String {
    let path = options.folder + "/" + name + ".db"
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    return path
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A C connection to `path` with the executor's pragmas (WAL, busy timeout 30 s, foreign keys
/// on, `sync`), then `setup` run on it. The caller closes it.
func openC(_ path: String, _ sync: SQLiteStore.Synchronous, setup: String) -> OpaquePointer {
    var db: OpaquePointer?
    guard sqlite3_open(path, &db) == SQLITE_OK, let db else { fatalError("cannot open \(path)") }
    sqlite3_busy_timeout(db, 30_000)
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = \(sync.rawValue); PRAGMA foreign_keys = ON;" + setup, nil, nil, nil)
    return db
}

/// Raw single-row commits through the SQLite C API: BEGIN IMMEDIATE, one INSERT, COMMIT, on a
/// WAL database with the executor's pragmas (busy timeout, foreign keys on).
func rawC(_ sync: SQLiteStore.Synchronous, commits: Int) -> Double {
    let db = openC(freshPath("raw-c-\(sync.rawValue)"), sync, setup: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    defer { sqlite3_close_v2(db) }
    var insert: OpaquePointer?, begin: OpaquePointer?, commit: OpaquePointer?
    sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES (?)", -1, &insert, nil)
    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nil)
    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nil)
    defer { sqlite3_finalize(insert); sqlite3_finalize(begin); sqlite3_finalize(commit) }
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    let elapsed = seconds {
        for index in 0..<commits {
            sqlite3_step(begin); sqlite3_reset(begin)
            sqlite3_bind_text(insert, 1, "row \(index)", -1, transient)
            guard sqlite3_step(insert) == SQLITE_DONE else { fatalError("insert failed") }
            sqlite3_reset(insert)
            guard sqlite3_step(commit) == SQLITE_DONE else { fatalError("commit failed") }
            sqlite3_reset(commit)
        }
    }
    return Double(commits) / elapsed
}

/// The same single-row commits through GRDB, the library the executor uses.
func rawGRDB(_ sync: SQLiteStore.Synchronous, commits: Int) throws -> Double {
    let path = freshPath("raw-grdb-\(sync.rawValue)")
    var configuration = Configuration()
    configuration.journalMode = .wal
    configuration.busyMode = .timeout(30)
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = \(sync.rawValue)")
        try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    }
    let elapsed = try seconds {
        for index in 0..<commits {
            try queue.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                try db.cachedStatement(sql: "INSERT INTO t (v) VALUES (?)").execute(arguments: ["row \(index)"])
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            }
        }
    }
    try queue.close()
    return Double(commits) / elapsed
}

/// Durable no-op steps through the executor: enqueue `runs` runs of a `steps`-step job (one
/// transaction), then the workers run them all. Enqueueing is included in the time.
/// Commits per transaction of the last executor round, by variant (group commit at work).
nonisolated(unsafe) var commitsPerTransaction: [String: [Double]] = [:]
/// CPU microseconds spent writing commits, per step, by variant.
nonisolated(unsafe) var writerMicrosecondsPerStep: [String: [Double]] = [:]

func executorSteps(_ sync: SQLiteStore.Synchronous, runs: Int, steps: Int, workers: Int) throws -> Double {
    let store = try SQLiteStore(path: freshPath("executor-\(sync.rawValue)"), synchronous: sync)
    store.measuresCommitCPU = true
    let job = JobDefinition(name: "noop", retries: RetryPolicy(maxAttempts: 3)) { run in
        for index in 1...steps {
            try run.step("step-\(index)") {}
        }
    }
    let executor = Executor(store: store, jobs: [job])
    var completed = 0
    let elapsed = try seconds {
        _ = try executor.enqueue(Array(repeating: EnqueueRequest(job: "noop"), count: runs))
        completed = try executor.run(workers: workers).completed.count
    }
    try check(store, key: "\(sync.rawValue)-\(workers)", completed: completed, runs: runs, steps: steps)
    return Double(runs * steps) / elapsed
}

/// Every run completed and the ledger counts every step once; notes the commits per transaction.
func check(_ store: SQLiteStore, key: String, completed: Int, runs: Int, steps: Int) throws {
    precondition(completed == runs, "every run completes")
    let usage = UsageReport.make(ledger: try store.ledger(since: nil, runIDs: nil), database: "bench")
    precondition(usage.total.steps == runs * steps && usage.total.stepAttempts == runs * steps, "the ledger counts every step once")
    let counts = store.groupCommitCounts
    commitsPerTransaction[key, default: []].append(Double(counts.commits) / Double(max(1, counts.transactions)))
    writerMicrosecondsPerStep[key, default: []].append(store.commitWriteCPUSeconds * 1e6 / Double(runs * steps))
}

/// The same steps with an async body (`JobDefinition.async`), `inFlight` runs at once.
func executorAsyncSteps(_ sync: SQLiteStore.Synchronous, runs: Int, steps: Int, inFlight: Int) async throws -> Double {
    let store = try SQLiteStore(path: freshPath("executor-async-\(sync.rawValue)"), synchronous: sync)
    store.measuresCommitCPU = true
    let job = JobDefinition.async(name: "noop", retries: RetryPolicy(maxAttempts: 3)) { run in
        for index in 1...steps {
            try await run.step("step-\(index)") {}
        }
    }
    let executor = Executor(store: store, jobs: [job])
    var completed = 0
    let elapsed = try await seconds {
        _ = try executor.enqueue(Array(repeating: EnqueueRequest(job: "noop"), count: runs))
        completed = try await executor.run(inFlight: inFlight).completed.count
    }
    try check(store, key: "\(sync.rawValue)-async-\(inFlight)", completed: completed, runs: runs, steps: steps)
    return Double(runs * steps) / elapsed
}

/// The executor's own SQL without the executor: on a costsim ledger, through the C API, one
/// transaction per claim, per step (the previous step's end and this step's start) and per
/// run end, exactly as the executor issues them with one worker. What the ledger's rows and
/// rules cost by themselves: the ceiling for the executor with one worker. With `batch` > 1,
/// that many runs advance together, one transaction holding one commit of each: the ceiling
/// for group commit.
func ledgerSQL(_ sync: SQLiteStore.Synchronous, runs: Int, steps: Int, batch: Int = 1) throws -> Double {
    let path = freshPath("ledger-sql-\(sync.rawValue)")
    do { _ = try SQLiteStore(path: path, synchronous: sync, backgroundCheckpoints: false) }
    let db = openC(path, sync, setup: "INSERT INTO workers (id, host, pid, started_at) VALUES ('worker_bench', 'here', 1, 0)")
    defer { sqlite3_close_v2(db) }
    var prepared: [OpaquePointer] = []
    func make(_ sql: String) -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            fatalError("prepare failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        prepared.append(statement)
        return statement
    }
    defer { prepared.forEach { sqlite3_finalize($0) } }
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    func run(_ statement: OpaquePointer, _ texts: [String] = [], _ numbers: [Int64] = []) {
        for (index, text) in texts.enumerated() { sqlite3_bind_text(statement, Int32(index + 1), text, -1, transient) }
        for (index, number) in numbers.enumerated() { sqlite3_bind_int64(statement, Int32(texts.count + index + 1), number) }
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { fatalError("step failed: \(String(cString: sqlite3_errmsg(db)))") }
        sqlite3_reset(statement)
    }
    let begin = make("BEGIN IMMEDIATE"), commit = make("COMMIT")
    let enqueue = make("INSERT INTO runs (id, job, created_at, available_at) VALUES (?1, 'noop', ?2, ?2)")
    let claim = make("""
        UPDATE runs SET status = 'running', execution = execution + 1, lease_owner = 'worker_bench', lease_expires_at = ?2,
          started_at = coalesce(started_at, ?3) WHERE id = ?1
        """)
    let execution = make("INSERT INTO executions (run_id, number, worker, started_at) VALUES (?1, 1, 'worker_bench', ?2)")
    let finish = make("""
        UPDATE attempts SET outcome = 'succeeded', retriable = 1, ended_at = ?3, output = NULL, error = NULL
        WHERE run_id = ?1 AND step = ?2 AND number = 1 AND outcome = 'running'
        """)
    let start = make("INSERT INTO attempts (run_id, step, number, execution, worker, started_at) VALUES (?1, ?2, 1, 1, 'worker_bench', ?3)")
    let complete = make("""
        UPDATE runs SET status = 'completed', finished_at = ?2, lease_owner = NULL, lease_expires_at = NULL
        WHERE id = ?1 AND execution = 1 AND lease_owner = 'worker_bench' AND status = 'running'
        """)
    let endExecution = make("UPDATE executions SET outcome = 'completed', ended_at = max(started_at, ?2) WHERE run_id = ?1 AND number = 1")
    let ids = (0..<runs).map { String(format: "run_%014x_%016x", 1_000_000 + $0, $0 &* 7919) }
    let stepNames = (0...steps).map { "step-\($0)" }
    // `batch` runs at a time, each transaction holding one commit of each (group commit).
    let groups = stride(from: 0, to: runs, by: batch).map { Array(ids[$0..<min(runs, $0 + batch)]) }
    let elapsed = seconds {
        run(begin)
        for id in ids { run(enqueue, [id], [1]) }
        run(commit)
        for (index, group) in groups.enumerated() {
            let now = Int64(index + 2)
            run(begin)
            if index > 0 {   // the previous runs' ends, in the transaction that claims these
                for previous in groups[index - 1] {
                    run(finish, [previous, stepNames[steps]], [now])
                    run(complete, [previous], [now])
                    run(endExecution, [previous], [now])
                }
            }
            for id in group {
                run(claim, [id], [now + 30_000_000, now])
                run(execution, [id], [now])
            }
            run(commit)
            for step in 1...steps {
                run(begin)
                for id in group {
                    if step > 1 { run(finish, [id, stepNames[step - 1]], [now]) }
                    run(start, [id, stepNames[step]], [now])
                }
                run(commit)
            }
        }
        run(begin)
        for previous in groups[groups.count - 1] {
            run(finish, [previous, stepNames[steps]], [Int64(runs + 2)])
            run(complete, [previous], [Int64(runs + 2)])
            run(endExecution, [previous], [Int64(runs + 2)])
        }
        run(commit)
    }
    return Double(runs * steps) / elapsed
}

/// DBOS through its Python package, or why it could not run.
func dbos(workflows: Int, steps: Int) -> Result<Double, BenchError> {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("dbos_steps.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, String(workflows), String(steps), freshPath("dbos") + ".sqlite"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return .failure(BenchError("cannot start python3: \(error)")) }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0, let rate = Double(text.split(separator: "\n").last.map(String.init) ?? "") else {
        let last = text.split(separator: "\n").last.map(String.init) ?? "no output"
        return .failure(BenchError(last.contains("No module named 'dbos'") ? "DBOS is not installed (pip install dbos)" : last))
    }
    return .success(rate)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ value: Double) -> String {
    let whole = Int(value.rounded())
    var digits = String(whole)
    var grouped = ""
    while digits.count > 3 {
        grouped = "," + digits.suffix(3) + grouped
        digits = String(digits.dropLast(3))
    }
    return digits + grouped
}

if let only = options.only {
    // One variant, synchronous=NORMAL, first worker count: for strace -c, perf and callgrind.
    let steps = options.runs * options.steps
    let rate: Double
    switch only {
    case "raw-c": rate = rawC(.normal, commits: steps)
    case "raw-grdb": rate = try rawGRDB(.normal, commits: steps)
    case "ledger-sql": rate = try ledgerSQL(.normal, runs: options.runs, steps: options.steps)
    case "ledger-sql-batched": rate = try ledgerSQL(.normal, runs: options.runs, steps: options.steps, batch: 32)
    case "executor-async": rate = try await executorAsyncSteps(.normal, runs: options.runs, steps: options.steps, inFlight: options.inFlightCounts.first ?? 64)
    case "executor": rate = try executorSteps(.normal, runs: options.runs, steps: options.steps, workers: options.workerCounts.first ?? 1)
    default: Options.refuse("--only takes one of \(Options.variants.sorted().joined(separator: ", "))")
    }
    let batch = (commitsPerTransaction.values.first.flatMap(\.first).map { String(format: " (%.1f commits per transaction)", $0) } ?? "")
        + (writerMicrosecondsPerStep.values.first.flatMap(\.first).map { String(format: ", writer CPU %.2f µs per step", $0) } ?? "")
    print("\(only): \(format(rate)) per second" + batch)
    exit(0)
}

print("executor-bench: \(options.runs) runs × \(options.steps) no-op steps (synchronous=NORMAL), "
      + "\(options.fullRuns) runs × \(options.steps) (synchronous=FULL); medians of \(options.repeats) rounds")
print("SQLite \(String(cString: sqlite3_libversion())), WAL, busy timeout 30 s, \(ProcessInfo.processInfo.activeProcessorCount) cores; raw commits are single-threaded")
var results: [String: [Double]] = [:]
for round in 1...max(1, options.repeats) {
    for sync in SQLiteStore.Synchronous.allCases {
        let runs = sync == .normal ? options.runs : options.fullRuns
        let steps = runs * options.steps
        results["raw-c-\(sync.rawValue)", default: []].append(rawC(sync, commits: steps))
        results["raw-grdb-\(sync.rawValue)", default: []].append(try rawGRDB(sync, commits: steps))
        results["ledger-sql-\(sync.rawValue)", default: []].append(try ledgerSQL(sync, runs: runs, steps: options.steps))
        results["ledger-sql-batched-\(sync.rawValue)", default: []].append(try ledgerSQL(sync, runs: runs, steps: options.steps, batch: 32))
        for workers in options.workerCounts {
            results["executor-\(sync.rawValue)-\(workers)", default: []].append(
                try executorSteps(sync, runs: runs, steps: options.steps, workers: workers))
        }
        for inFlight in options.inFlightCounts {
            results["executor-\(sync.rawValue)-async-\(inFlight)", default: []].append(
                try await executorAsyncSteps(sync, runs: runs, steps: options.steps, inFlight: inFlight))
        }
    }
    FileHandle.standardError.write(Data("round \(round) done\n".utf8))
}
var dbosLine = "DBOS: not measured (--no-dbos)"
if options.dbos {
    let workflows = max(5, options.fullRuns)
    var rates: [Double] = []
    var failure: String?
    for _ in 1...max(1, min(options.repeats, 3)) {
        switch dbos(workflows: workflows, steps: options.steps) {
        case .success(let rate): rates.append(rate)
        case .failure(let error): failure = error.description
        }
        if failure != nil { break }
    }
    dbosLine = failure.map { "DBOS: not measured: \($0)" }
        ?? "DBOS 3.4 (Python, SQLite defaults: rollback journal, synchronous=FULL), \(workflows) workflows × \(options.steps) steps: \(format(median(rates))) steps/s"
}

print("")
func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
func percent(_ part: Double, _ whole: Double) -> String { String(format: "%.0f %%", part / whole * 100) }
print("synchronous  what                                       per second  of raw C")
for sync in SQLiteStore.Synchronous.allCases {
    let name = sync.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
    let c = median(results["raw-c-\(sync.rawValue)"]!)
    let g = median(results["raw-grdb-\(sync.rawValue)"]!)
    let l = median(results["ledger-sql-\(sync.rawValue)"]!)
    let lb = median(results["ledger-sql-batched-\(sync.rawValue)"]!)
    func line(_ what: String, _ value: Double) {
        print(name + "  " + what.padding(toLength: 41, withPad: " ", startingAt: 0) + "  " + pad(format(value), 10) + "  " + pad(percent(value, c), 8))
    }
    line("raw single-row commits (C API)", c)
    line("raw single-row commits (GRDB)", g)
    line("ledger SQL alone, 1 run at a time (C API)", l)
    line("ledger SQL alone, 32 runs per txn (C API)", lb)
    for workers in options.workerCounts {
        let e = median(results["executor-\(sync.rawValue)-\(workers)"]!)
        let batch = median(commitsPerTransaction["\(sync.rawValue)-\(workers)"] ?? [])
        line("executor, \(workers) worker\(workers == 1 ? "" : "s") (\(String(format: "%.1f", batch)) commits/txn)", e)
    }
    for inFlight in options.inFlightCounts {
        let e = median(results["executor-\(sync.rawValue)-async-\(inFlight)"]!)
        let batch = median(commitsPerTransaction["\(sync.rawValue)-async-\(inFlight)"] ?? [])
        line("executor, async, \(inFlight) in flight (\(String(format: "%.1f", batch))/txn)", e)
    }
}
print(dbosLine)
let rawNormal = median(results["raw-c-NORMAL"]!)
let variants = options.workerCounts.map { ("\($0) worker\($0 == 1 ? "" : "s")", "executor-NORMAL-\($0)") }
    + options.inFlightCounts.map { ("async, \($0) in flight", "executor-NORMAL-async-\($0)") }
for (label, key) in variants {
    let normal = median(results[key]!)
    print("goal (synchronous=NORMAL, \(label)): executor ≥ 60 % of raw C and ≥ 20,000 steps/s: "
          + (normal >= 0.6 * rawNormal && normal >= 20_000 ? "met" : "NOT met") + " (\(format(normal)) steps/s, \(String(format: "%.0f", normal / rawNormal * 100)) % of raw)")
}
