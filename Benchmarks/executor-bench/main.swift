// executor-bench: durable no-op steps per second through the costsim executor, beside raw
// single-row SQLite commits with the same pragmas (WAL, synchronous NORMAL or FULL, busy
// timeout, foreign keys), in one run; and DBOS 3.4 (Python, SQLite) when it is installed
// (`pip install dbos`). A separate command, never part of `swift test`.
//
//   swift build -c release --product executor-bench
//   .build/release/executor-bench [--runs 2000] [--steps 10] [--repeat 5] [--full-runs 30] [--workers 1,4,16] [--no-dbos]
//
// The executor figure includes enqueueing the runs; each run has --steps no-op steps. With
// several workers (threads), concurrent commits are written together (group commit). Every
// figure is the median of --repeat rounds, and the rounds interleave the variants so that
// background load on the machine hits them alike.
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
    /// Profiling: run one variant once (raw-c, raw-grdb or executor), print its rate, exit.
    var only: String?
    var folder = FileManager.default.temporaryDirectory.appendingPathComponent("costsim-executor-bench-\(getpid())").path

    init(_ arguments: [String]) {
        var index = 0
        func value() -> String {
            index += 1
            guard index < arguments.count else { fatalError("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--runs": runs = Int(value()) ?? runs
            case "--steps": steps = Int(value()) ?? steps
            case "--repeat": repeats = Int(value()) ?? repeats
            case "--full-runs": fullRuns = Int(value()) ?? fullRuns
            case "--no-dbos": dbos = false
            case "--workers": workerCounts = value().split(separator: ",").compactMap { Int($0) }
            case "--folder": folder = value()
            case "--only": only = value()
            case "--help", "-h":
                print("executor-bench [--runs N] [--steps S] [--repeat K] [--full-runs N] [--workers 1,4] [--no-dbos] [--folder DIR] [--only raw-c|raw-grdb|executor]")
                exit(0)
            default: fatalError("unknown option \(arguments[index])")
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

/// Raw single-row commits through the SQLite C API: BEGIN IMMEDIATE, one INSERT, COMMIT, on a
/// WAL database with the executor's pragmas (busy timeout, foreign keys on).
func rawC(_ sync: SQLiteStore.Synchronous, commits: Int) -> Double {
    let path = freshPath("raw-c-\(sync.rawValue)")
    var db: OpaquePointer?
    guard sqlite3_open(path, &db) == SQLITE_OK else { fatalError("cannot open \(path)") }
    defer { sqlite3_close_v2(db) }
    sqlite3_busy_timeout(db, 30_000)
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = \(sync.rawValue); PRAGMA foreign_keys = ON;"
                 + "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)", nil, nil, nil)
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
func executorSteps(_ sync: SQLiteStore.Synchronous, runs: Int, steps: Int, workers: Int) throws -> Double {
    let store = try SQLiteStore(path: freshPath("executor-\(sync.rawValue)"), synchronous: sync)
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
    precondition(completed == runs, "every run completes")
    let usage = UsageReport.make(ledger: try store.ledger(since: nil, runIDs: nil), database: "bench")
    precondition(usage.total.steps == runs * steps && usage.total.stepAttempts == runs * steps, "the ledger counts every step once")
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
    case "executor": rate = try executorSteps(.normal, runs: options.runs, steps: options.steps, workers: options.workerCounts.first ?? 1)
    default: fatalError("--only takes raw-c, raw-grdb or executor")
    }
    print("\(only): \(format(rate)) per second")
    exit(0)
}

print("executor-bench: \(options.runs) runs × \(options.steps) no-op steps (synchronous=NORMAL), "
      + "\(options.fullRuns) runs × \(options.steps) (synchronous=FULL); medians of \(options.repeats) rounds")
print("SQLite \(String(cString: sqlite3_libversion())), WAL, busy timeout 30 s, \(ProcessInfo.processInfo.activeProcessorCount) cores; raw commits are single-threaded")
var results: [String: [Double]] = [:]
for round in 1...max(1, options.repeats) {
    for sync in SQLiteStore.Synchronous.allCases {
        let steps = (sync == .normal ? options.runs : options.fullRuns) * options.steps
        results["raw-c-\(sync.rawValue)", default: []].append(rawC(sync, commits: steps))
        results["raw-grdb-\(sync.rawValue)", default: []].append(try rawGRDB(sync, commits: steps))
        for workers in options.workerCounts {
            results["executor-\(sync.rawValue)-\(workers)", default: []].append(
                try executorSteps(sync, runs: sync == .normal ? options.runs : options.fullRuns, steps: options.steps, workers: workers))
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
print("synchronous  workers  raw commits/s (C API)  raw commits/s (GRDB)  executor steps/s  executor / raw C  executor / raw GRDB")
for sync in SQLiteStore.Synchronous.allCases {
    let c = median(results["raw-c-\(sync.rawValue)"]!)
    let g = median(results["raw-grdb-\(sync.rawValue)"]!)
    for workers in options.workerCounts {
        let e = median(results["executor-\(sync.rawValue)-\(workers)"]!)
        print(sync.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0) + "  " + pad(String(workers), 7) + "  " + pad(format(c), 21)
              + "  " + pad(format(g), 20) + "  " + pad(format(e), 16) + "  " + pad(String(format: "%.0f %%", e / c * 100), 16)
              + "  " + pad(String(format: "%.0f %%", e / g * 100), 19))
    }
}
print(dbosLine)
let rawNormal = median(results["raw-c-NORMAL"]!)
for workers in options.workerCounts {
    let normal = median(results["executor-NORMAL-\(workers)"]!)
    print("goal (synchronous=NORMAL, \(workers) worker\(workers == 1 ? "" : "s")): executor ≥ 60 % of raw C and ≥ 20,000 steps/s: "
          + (normal >= 0.6 * rawNormal && normal >= 20_000 ? "met" : "NOT met") + " (\(format(normal)) steps/s, \(String(format: "%.0f", normal / rawNormal * 100)) % of raw)")
}
