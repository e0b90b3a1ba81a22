import Foundation
import GRDB
import GRDBSQLite

/// The SQLite store: one database file in WAL mode with a busy timeout, every write a
/// `BEGIN IMMEDIATE` transaction, so several worker processes on one host share it safely
/// (SQLite admits one writer at a time).
///
/// ```swift
/// let store = try SQLiteStore(path: "jobs.db")                    // created and migrated
/// let usage = try store.ledger(since: nil, runIDs: nil)
/// ```
///
/// Opening never writes to a file that is not a costsim database: a foreign or corrupt file is
/// reported (`ExecutorError.foreignDatabase`, `.corruptDatabase`) and left as it was.
public final class SQLiteStore: JobStore, @unchecked Sendable {
    /// `PRAGMA synchronous`: NORMAL survives a process crash (and keeps the database consistent
    /// after power loss); FULL also keeps the last commits after power loss.
    public enum Synchronous: String, Sendable, CaseIterable {
        case normal = "NORMAL"
        case full = "FULL"
    }

    /// The database file as given.
    public let path: String
    let queue: DatabaseQueue
    private var checkpointer: WALCheckpointer?
    /// Prepared on first use, on the writer connection; finalized before it closes.
    private var hot: CommitStatements?
    /// Commits of concurrent workers, written together.
    let groupCommit = GroupCommit()

    /// Run commits (`commit`) so far and the transactions that wrote them: with several workers,
    /// concurrent commits share a transaction.
    public var groupCommitCounts: (commits: Int, transactions: Int) {
        groupCommit.lock.withLock { (groupCommit.commits, groupCommit.transactions) }
    }

    /// CPU seconds the threads that wrote commits spent writing them (SQLite included), counted
    /// while `measuresCommitCPU` is on: with `groupCommitCounts`, the writer's cost per commit,
    /// less sensitive to a busy machine than wall-clock rates.
    public var commitWriteCPUSeconds: Double {
        groupCommit.lock.withLock { Double(groupCommit.writeCPUNanoseconds) / 1e9 }
    }

    /// Whether writing threads time their CPU for `commitWriteCPUSeconds` (off by default: two
    /// system calls per transaction). For benchmarks.
    public var measuresCommitCPU: Bool {
        get { groupCommit.lock.withLock { groupCommit.measuresCPU } }
        set { groupCommit.lock.withLock { groupCommit.measuresCPU = newValue } }
    }

    func commitStatements(_ db: Database) throws -> CommitStatements {
        if let hot { return hot }
        let made = try CommitStatements(db.sqliteConnection!)
        hot = made
        return made
    }

    /// Opens (and, when `create` is true and the file is missing, creates) the database and
    /// brings its schema up to date.
    /// - Throws: `ExecutorError` for a missing (when `create` is false), unreadable, foreign,
    ///   corrupt or newer database.
    ///   `backgroundCheckpoints` moves WAL checkpoints off the commit path (a thread of the store).
    public init(path: String, create: Bool = true, synchronous: Synchronous = .normal,
                busyTimeoutSeconds: Double = 30, backgroundCheckpoints: Bool = true) throws(ExecutorError) {
        self.path = path
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fileManager.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            throw .unreadableDatabase(path: path, detail: "it is a folder")
        }
        if !exists && !create {
            throw .unreadableDatabase(path: path, detail: "no such file")
        }
        if exists {
            guard fileManager.isReadableFile(atPath: path) else {
                throw .unreadableDatabase(path: path, detail: "permission denied")
            }
            try Self.inspect(path: path)
        }
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.label = "costsim-ledger"
        // Switching a new file to WAL and migrating it can meet another process doing the same
        // and fail with SQLITE_BUSY before the busy handler applies: retry, bounded (~5 s).
        queue = try Self.retryingBusy(path: path) {
            let candidate = try DatabaseQueue(path: path, configuration: configuration)
            // GRDB sets NORMAL when it enables WAL; set the requested level after it.
            try candidate.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            }
            return candidate
        }
        try Self.retryingBusy(path: path) { try migrate() }
        if backgroundCheckpoints, let checkpointer = WALCheckpointer(path: path, intervalSeconds: 0.05, busyTimeoutSeconds: busyTimeoutSeconds) {
            self.checkpointer = checkpointer
            try? queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
    }

    deinit {
        groupCommit.writer?.stop()
        checkpointer?.stop()
        if let hot { queue.writeWithoutTransaction { _ in hot.finalize() } }
    }

    /// Reads the header and schema of an existing file without writing: refuses files that are
    /// not SQLite, are damaged, or belong to another program.
    static func inspect(path: String) throws(ExecutorError) {
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let size = attributes[.size] as? NSNumber, size.intValue == 0 {
            return   // an empty file is a new database
        }
        do {
            // Read-write, so that SQLite can roll back a hot journal left by a process killed
            // while it created the file (a read-only connection cannot); nothing is written.
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            let reader = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? reader.close() }
            let known = Set(migrator.migrations)
            let (applicationID, tables, applied) = try reader.read { db -> (Int32, [String], [String]) in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                let applied = names.contains("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
                return (id, names, applied)
            }
            if applicationID == Self.applicationID { return }
            if tables.isEmpty && applicationID == 0 { return }
            // A costsim that was killed while creating the file left only the migrations table.
            if applicationID == 0 && tables == ["grdb_migrations"] && applied.allSatisfy(known.contains) { return }
            let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            let detail = applicationID != 0 && applicationID != Self.applicationID
                ? "it belongs to another program (application id \(applicationID))"
                : "it is a SQLite database of another program (tables: \(shown))"
            throw ExecutorError.foreignDatabase(path: path, detail: detail)
        } catch {
            throw translate(error, path: path)
        }
    }

    func migrate() throws(ExecutorError) {
        let migrator = Self.migrator
        do {
            let superseded = try queue.read { db -> [String] in
                guard try db.tableExists("grdb_migrations") else { return [] }
                let known = Set(migrator.migrations)
                return try migrator.appliedIdentifiers(db).filter { !known.contains($0) }.sorted()
            }
            if !superseded.isEmpty { throw ExecutorError.newerDatabase(path: path, unknown: superseded) }
            // Two processes opening a new database at once both try the first migration; each
            // migration is one transaction, so the loser's fails whole and finds it applied.
            for attempt in 1...3 {
                do {
                    try migrator.migrate(queue)
                    break
                } catch {
                    let done = (try? queue.read { try migrator.hasCompletedMigrations($0) }) ?? false
                    if done { break }
                    if attempt == 3 { throw error }
                }
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// How often opening retries a busy database, and how long it waits between tries.
    static let openAttempts = 250
    static let openBackoffMicroseconds: UInt32 = 20_000

    /// `body`, tried again while the database is busy (`openAttempts` times at most,
    /// `openBackoffMicroseconds` apart); any other error, or the last busy one, translated.
    static func retryingBusy<T>(path: String, _ body: () throws -> T) throws(ExecutorError) -> T {
        var attempt = 0
        // Bounded: every failed try either throws or counts towards `openAttempts`.
        while true {
            do {
                return try body()
            } catch {
                guard isBusy(error), attempt < openAttempts else { throw translate(error, path: path) }
                attempt += 1
                usleep(openBackoffMicroseconds)
            }
        }
    }

    /// True for SQLITE_BUSY / SQLITE_LOCKED, raw or already translated.
    static func isBusy(_ error: any Error) -> Bool {
        if let error = error as? DatabaseError {
            return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        }
        if case .database(let message) = error as? ExecutorError {
            return message.contains("database is locked") || message.contains("database is busy")
        }
        return false
    }

    /// A GRDB or SQLite error as an `ExecutorError` naming the file.
    static func translate(_ error: any Error, path: String) -> ExecutorError {
        if let error = error as? ExecutorError { return error }
        guard let error = error as? DatabaseError else { return .database("\(error)") }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return .corruptDatabase(path: path, detail: "the file is not a SQLite database")
        case .SQLITE_CORRUPT:
            return .corruptDatabase(path: path, detail: "the database is damaged (\(message))")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return .unreadableDatabase(path: path, detail: message)
        default:
            return .database(message)
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, through statements prepared once.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                do {
                    let result = try body(db)
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                    return result
                } catch {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
                    throw error
                }
            }
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    // MARK: JobStore

    public func registerWorkers(_ workers: [WorkerIdentity], at time: Timestamp) throws {
        try write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO workers (id, host, pid, process_start, started_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """)
            for worker in workers {
                try insert.execute(arguments: [worker.id, worker.host, Int64(worker.pid), worker.processStart, time.microseconds])
            }
        }
    }

    public func enqueue(_ requests: [(request: EnqueueRequest, id: String)], at time: Timestamp) throws -> [EnqueueResult] {
        try write { db in
            var results: [EnqueueResult] = []
            results.reserveCapacity(requests.count)
            let find = try db.cachedStatement(sql: "SELECT id FROM runs WHERE job = ? AND idempotency_key = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO runs (id, job, idempotency_key, input, created_at, available_at) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for (request, id) in requests {
                if let key = request.idempotencyKey,
                   let existing = try String.fetchOne(find, arguments: [request.job, key]) {
                    results.append(EnqueueResult(runID: existing, created: false))
                    continue
                }
                try insert.execute(arguments: [id, request.job, request.idempotencyKey, request.input, time.microseconds,
                                               (request.availableAt ?? time).microseconds])
                results.append(EnqueueResult(runID: id, created: true))
            }
            return results
        }
    }

    public func claim(_ request: ClaimRequest) throws -> ClaimedRun? {
        try write { db in try claim(db, request) }
    }

    /// `claim` inside the caller's transaction.
    func claim(_ db: Database, _ request: ClaimRequest) throws -> ClaimedRun? {
        // The common part on statements prepared once (a claim ends most runs' transactions).
        let s = try commitStatements(db)
        guard let (runID, job) = try pickRun(s, request) else { return nil }
        let now = request.now.microseconds
        let expiry = (request.now + request.leaseSeconds)
        var claimed: (execution: Int64, input: Data?, createdAt: Timestamp)?
        try s.query(s.claimRun, [.text(request.worker), .int(expiry.microseconds), .int(now), .text(runID)]) { row in
            claimed = (sqlite3_column_int64(row, 0), CommitStatements.blob(row, 1), Timestamp(microseconds: sqlite3_column_int64(row, 2)))
            return false
        }
        guard let (execution, input, createdAt) = claimed else {
            throw ExecutorError.database("run \(runID) vanished while being claimed")
        }
        try s.run(s.startExecution, [.text(runID), .int(execution), .text(request.worker), .int(now)])
        var attempts: [StepAttemptRecord] = []
        var sleeps: [String: Timestamp] = [:]
        // A first execution has no history to replay or abandon.
        if execution > 1 {
            try db.cachedStatement(sql: "UPDATE executions SET outcome = 'abandoned' WHERE run_id = ? AND number < ? AND outcome = 'running'")
                .execute(arguments: [runID, execution])
            let interrupted = try Row.fetchAll(db.cachedStatement(sql: "SELECT step, number, worker FROM attempts WHERE run_id = ? AND outcome = 'running'"),
                                               arguments: [runID])
            let close = try db.cachedStatement(sql: "UPDATE attempts SET outcome = ? WHERE run_id = ? AND step = ? AND number = ?")
            for row in interrupted {
                let step: String = row[0], number: Int = row[1], worker: String = row[2]
                var outcome = "abandoned"
                if request.deadWorkers.contains(worker), let started = request.startedAttempts[worker],
                   started != AttemptKey(runID: runID, step: step, number: number) {
                    outcome = "unstarted"
                }
                try close.execute(arguments: [outcome, runID, step, number])
            }
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT step, number, outcome, retriable, output, error, started_at, ended_at FROM attempts
                WHERE run_id = ? ORDER BY started_at, step, number
                """), arguments: [runID])
            while let row = try rows.next() {
                let outcome: String = row[2]
                attempts.append(StepAttemptRecord(
                    step: row[0], number: row[1], outcome: AttemptOutcome(rawValue: outcome) ?? .abandoned,
                    retriable: row[3], output: row[4], error: row[5], startedAt: Timestamp(microseconds: row[6]),
                    endedAt: (row[7] as Int64?).map(Timestamp.init(microseconds:))))
            }
            let sleepRows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT step, wake_at FROM sleeps WHERE run_id = ?"),
                                                arguments: [runID])
            while let row = try sleepRows.next() {
                sleeps[row[0]] = Timestamp(microseconds: row[1])
            }
        }
        return ClaimedRun(lease: Lease(runID: runID, execution: execution, worker: request.worker), job: job,
                          input: input, createdAt: createdAt, leaseExpiresAt: expiry, attempts: attempts, sleeps: sleeps)
    }

    /// The run to claim: first a running run whose lease expired or whose worker died (it
    /// keeps its concurrency slot), then the oldest ready run whose job is under its limit.
    /// Reads only what it needs: expired leases through their own index, running counts only
    /// for jobs that have a limit.
    private func pickRun(_ s: CommitStatements, _ request: ClaimRequest) throws -> (String, String)? {
        let now = request.now.microseconds
        var picked: (String, String)?
        func take(_ row: OpaquePointer) -> Bool {
            let job = CommitStatements.text(row, 1)
            guard request.jobs[job] != nil else { return true }
            picked = (CommitStatements.text(row, 0), job)
            return false
        }
        try s.query(s.expiredLeases, [.int(now)], take)
        for worker in request.deadWorkers.sorted() where picked == nil {
            try s.query(s.orphanedRuns, [.text(worker)], take)
        }
        if let picked { return picked }
        // The jobs that may start a run now: no limit, or fewer running runs than the limit.
        var eligible: [String] = []
        for (job, limit) in request.jobs.sorted(by: { $0.key < $1.key }) {
            if let limit {
                var running = 0
                try s.query(s.runningCount, [.text(job)]) { running = Int(sqlite3_column_int64($0, 0)); return false }
                if running >= limit { continue }
            }
            eligible.append(job)
        }
        guard !eligible.isEmpty else { return nil }
        try s.query(s.readyRuns, [.int(now), .text(s.jobsJSON(eligible))]) { row in
            picked = (CommitStatements.text(row, 0), CommitStatements.text(row, 1))
            return false
        }
        return picked
    }

    public func renew(_ lease: Lease, until expiry: Timestamp) throws -> Bool {
        try write { db in
            let s = try commitStatements(db)
            return try s.run(s.renew, [.int(expiry.microseconds), .text(lease.runID), .int(lease.execution), .text(lease.worker)]) == 1
        }
    }

    public func pending(jobs: Set<String>) throws -> PendingWork {
        try read { db in
            var work = PendingWork(unfinished: 0, nextReadyAt: nil, nextLeaseExpiry: nil, leaseHolders: [])
            let waiting = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT job, count(*), min(available_at) FROM runs WHERE status IN ('queued', 'waiting') GROUP BY job
                """))
            while let row = try waiting.next() {
                guard jobs.contains(row[0]) else { continue }
                work.unfinished += row[1] as Int
                let ready = Timestamp(microseconds: row[2])
                work.nextReadyAt = min(work.nextReadyAt ?? ready, ready)
            }
            let running = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT r.job, r.lease_expires_at, w.id, w.host, w.pid, w.process_start
                FROM runs r JOIN workers w ON w.id = r.lease_owner WHERE r.status = 'running'
                """))
            var holders: Set<WorkerIdentity> = []
            while let row = try running.next() {
                guard jobs.contains(row[0]) else { continue }
                work.unfinished += 1
                let expiry = Timestamp(microseconds: row[1])
                work.nextLeaseExpiry = min(work.nextLeaseExpiry ?? expiry, expiry)
                holders.insert(WorkerIdentity(id: row[2], host: row[3], pid: Int32(truncatingIfNeeded: row[4] as Int64), processStart: row[5]))
            }
            work.leaseHolders = holders.sorted { $0.id < $1.id }
            return work
        }
    }

    /// Whether the ledger holds any run.
    public func holdsRuns() throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs)") ?? false }
    }

    public func ledger(since: Timestamp?, runIDs: Set<String>?) throws -> [RunLedger] {
        try read { db in
            var runs: [String: RunLedger] = [:]
            var order: [String] = []
            // Only the runs asked for, found through the keys (not by reading every run).
            let chosen = try runIDs.map { ids in String(decoding: try JSONSerialization.data(withJSONObject: ids.sorted()), as: UTF8.self) }
            func only(_ column: String) -> String { chosen == nil ? "" : " AND \(column) IN (SELECT value FROM json_each(?))" }
            var arguments: StatementArguments = [since?.microseconds ?? Int64.min]
            if let chosen { arguments += [chosen] }
            let runRows = try Row.fetchCursor(db, sql: """
                SELECT id, job, status, created_at, coalesce(finished_at, created_at) FROM runs
                WHERE created_at >= ?\(only("id")) ORDER BY job, created_at, id
                """, arguments: arguments)
            while let row = try runRows.next() {
                let id: String = row[0]
                let status: String = row[2]
                runs[id] = RunLedger(runID: id, job: row[1], status: RunStatus(rawValue: status) ?? .queued,
                                     createdAt: Timestamp(microseconds: row[3]), lastActivityAt: Timestamp(microseconds: row[4]))
                order.append(id)
            }
            guard !runs.isEmpty else { return [] }
            let attemptRows = try Row.fetchCursor(db, sql: """
                SELECT a.run_id, count(DISTINCT a.step), count(*),
                  sum(a.outcome IN ('failed', 'abandoned')),
                  coalesce(sum(a.ended_at - a.started_at), 0),
                  coalesce(sum(CASE WHEN a.outcome = 'succeeded' THEN a.ended_at - a.started_at ELSE 0 END), 0),
                  max(coalesce(a.ended_at, a.started_at)),
                  sum(a.outcome = 'succeeded')
                FROM attempts a JOIN runs r ON r.id = a.run_id WHERE r.created_at >= ?\(only("a.run_id")) AND a.outcome <> 'unstarted'
                GROUP BY a.run_id
                """, arguments: arguments)
            while let row = try attemptRows.next() {
                let id: String = row[0]
                guard var run = runs[id] else { continue }
                run.computeSteps = row[1]
                run.attempts = row[2]
                run.failedAttempts = row[3]
                run.computeMicroseconds = row[4]
                run.succeededMicroseconds = row[5]
                run.lastActivityAt = max(run.lastActivityAt, Timestamp(microseconds: row[6]))
                run.succeededSteps = row[7]
                runs[id] = run
            }
            let executionRows = try Row.fetchCursor(db, sql: """
                SELECT e.run_id, count(*), coalesce(sum(e.ended_at - e.started_at), 0), max(coalesce(e.ended_at, e.started_at))
                FROM executions e JOIN runs r ON r.id = e.run_id WHERE r.created_at >= ?\(only("e.run_id")) GROUP BY e.run_id
                """, arguments: arguments)
            while let row = try executionRows.next() {
                let id: String = row[0]
                guard var run = runs[id] else { continue }
                run.executions = row[1]
                run.activeMicroseconds = row[2]
                run.lastActivityAt = max(run.lastActivityAt, Timestamp(microseconds: row[3]))
                runs[id] = run
            }
            let sleepRows = try Row.fetchCursor(db, sql: """
                SELECT s.run_id, count(*), max(s.wake_at) FROM sleeps s JOIN runs r ON r.id = s.run_id
                WHERE r.created_at >= ?\(only("s.run_id")) GROUP BY s.run_id
                """, arguments: arguments)
            while let row = try sleepRows.next() {
                let id: String = row[0]
                guard var run = runs[id] else { continue }
                run.sleeps = row[1]
                runs[id] = run
            }
            return order.compactMap { runs[$0] }
        }
    }
}
