import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The per-step commit, the executor's hot path, on statements prepared once and bound through
/// SQLite's C API on GRDB's connection (GRDB still serialises access to it). The lease check
/// (fencing) is in the schema: triggers refuse an attempt recorded or ended by a worker that
/// no longer holds the run's lease, and run updates are guarded by the lease in their WHERE.
final class CommitStatements {
    private let connection: OpaquePointer
    private var statements: [OpaquePointer] = []
    let begin: OpaquePointer, commit: OpaquePointer, rollback: OpaquePointer
    let savepoint: OpaquePointer, releaseSavepoint: OpaquePointer, rollbackToSavepoint: OpaquePointer
    let claimSavepoint: OpaquePointer, releaseClaimSavepoint: OpaquePointer, rollbackToClaimSavepoint: OpaquePointer
    let finish: OpaquePointer, start: OpaquePointer, sleep: OpaquePointer, fence: OpaquePointer
    let renew: OpaquePointer, wait: OpaquePointer, complete: OpaquePointer, fail: OpaquePointer, endExecution: OpaquePointer
    let expiredLeases: OpaquePointer, orphanedRuns: OpaquePointer, readyRuns: OpaquePointer, runningCount: OpaquePointer
    let claimRun: OpaquePointer, startExecution: OpaquePointer

    init(_ connection: OpaquePointer) throws {
        self.connection = connection
        var prepared: [OpaquePointer] = []
        func make(_ sql: String) throws -> OpaquePointer {
            var statement: OpaquePointer?
            let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            guard code == SQLITE_OK, let statement else {
                prepared.forEach { sqlite3_finalize($0) }
                throw ExecutorError.database(String(cString: sqlite3_errmsg(connection)))
            }
            prepared.append(statement)
            return statement
        }
        begin = try make("BEGIN IMMEDIATE TRANSACTION")
        commit = try make("COMMIT TRANSACTION")
        rollback = try make("ROLLBACK TRANSACTION")
        savepoint = try make("SAVEPOINT run_commit")
        releaseSavepoint = try make("RELEASE SAVEPOINT run_commit")
        rollbackToSavepoint = try make("ROLLBACK TO SAVEPOINT run_commit")
        claimSavepoint = try make("SAVEPOINT claim_next")
        releaseClaimSavepoint = try make("RELEASE SAVEPOINT claim_next")
        rollbackToClaimSavepoint = try make("ROLLBACK TO SAVEPOINT claim_next")
        finish = try make("""
            UPDATE attempts SET outcome = ?1, retriable = ?2, ended_at = ?3, output = ?4, error = ?5
            WHERE run_id = ?6 AND step = ?7 AND number = ?8 AND outcome = 'running'
            """)
        start = try make("INSERT INTO attempts (run_id, step, number, execution, worker, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        sleep = try make("INSERT INTO sleeps (run_id, step, execution, recorded_at, wake_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        fence = try make("SELECT 1 FROM runs WHERE id = ?1 AND execution = ?2 AND lease_owner = ?3 AND status = 'running'")
        renew = try make("""
            UPDATE runs SET lease_expires_at = ?1 WHERE id = ?2 AND execution = ?3 AND lease_owner = ?4 AND status = 'running'
            """)
        wait = try make("""
            UPDATE runs SET status = 'waiting', available_at = ?1, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ?2 AND execution = ?3 AND lease_owner = ?4 AND status = 'running'
            """)
        complete = try make("""
            UPDATE runs SET status = 'completed', finished_at = ?1, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ?2 AND execution = ?3 AND lease_owner = ?4 AND status = 'running'
            """)
        fail = try make("""
            UPDATE runs SET status = 'failed', finished_at = ?1, error = ?5, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ?2 AND execution = ?3 AND lease_owner = ?4 AND status = 'running'
            """)
        endExecution = try make("""
            UPDATE executions SET outcome = ?1, ended_at = max(started_at, ?2) WHERE run_id = ?3 AND number = ?4 AND outcome = 'running'
            """)
        expiredLeases = try make("SELECT id, job FROM runs WHERE status = 'running' AND lease_expires_at <= ?1 ORDER BY lease_expires_at")
        orphanedRuns = try make("SELECT id, job FROM runs WHERE status = 'running' AND lease_owner = ?1")
        // The oldest ready run of the jobs given (a JSON array): other jobs' runs never hide it.
        readyRuns = try make("""
            SELECT id, job FROM runs WHERE status IN ('queued', 'waiting') AND available_at <= ?1
              AND job IN (SELECT value FROM json_each(?2)) ORDER BY available_at, id LIMIT 1
            """)
        runningCount = try make("SELECT count(*) FROM runs WHERE status = 'running' AND job = ?1")
        claimRun = try make("""
            UPDATE runs SET status = 'running', execution = execution + 1, lease_owner = ?1, lease_expires_at = ?2,
              started_at = coalesce(started_at, ?3) WHERE id = ?4 RETURNING execution, input, created_at
            """)
        startExecution = try make("INSERT INTO executions (run_id, number, worker, started_at) VALUES (?1, ?2, ?3, ?4)")
        statements = prepared
    }

    func finalize() {
        statements.forEach { sqlite3_finalize($0) }
        statements = []
    }

    // MARK: Running statements

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    enum Value {
        case text(String)
        case int(Int64)
    }

    /// Binds, steps to the end and resets; returns the changes (or 1 when a row was returned).
    @discardableResult
    func run(_ statement: OpaquePointer, _ values: [Value] = []) throws -> Int {
        // Every parameter is bound on each use, so bindings need no clearing.
        defer { sqlite3_reset(statement) }
        bind(statement, values)
        return try stepToEnd(statement)
    }

    private func bind(_ statement: OpaquePointer, _ values: [Value]) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .text(let text): sqlite3_bind_text(statement, index, text, -1, Self.transient)
            case .int(let number): sqlite3_bind_int64(statement, index, number)
            }
        }
    }

    /// The two statements of every step, bound without building an array of values.
    func finishAttempt(_ finish: AttemptFinish, runID: String) throws -> Int {
        let statement = self.finish
        defer { sqlite3_reset(statement) }
        sqlite3_bind_text(statement, 1, finish.outcome.rawValue, -1, Self.transient)
        sqlite3_bind_int64(statement, 2, finish.retriable ? 1 : 0)
        sqlite3_bind_int64(statement, 3, finish.endedAt.microseconds)
        bindBlob(statement, 4, finish.output)
        if let error = finish.error { sqlite3_bind_text(statement, 5, error, -1, Self.transient) } else { sqlite3_bind_null(statement, 5) }
        sqlite3_bind_text(statement, 6, runID, -1, Self.transient)
        sqlite3_bind_text(statement, 7, finish.step, -1, Self.transient)
        sqlite3_bind_int64(statement, 8, Int64(finish.number))
        return try stepToEnd(statement)
    }

    func startAttempt(_ start: AttemptStart, lease: Lease) throws {
        let statement = self.start
        defer { sqlite3_reset(statement) }
        sqlite3_bind_text(statement, 1, lease.runID, -1, Self.transient)
        sqlite3_bind_text(statement, 2, start.step, -1, Self.transient)
        sqlite3_bind_int64(statement, 3, Int64(start.number))
        sqlite3_bind_int64(statement, 4, lease.execution)
        sqlite3_bind_text(statement, 5, lease.worker, -1, Self.transient)
        sqlite3_bind_int64(statement, 6, start.startedAt.microseconds)
        _ = try stepToEnd(statement)
    }

    private func stepToEnd(_ statement: OpaquePointer) throws -> Int {
        let code = sqlite3_step(statement)
        if code == SQLITE_ROW { return 1 }
        guard code == SQLITE_DONE else { throw error(code) }
        return Int(sqlite3_changes(connection))
    }

    private func bindBlob(_ statement: OpaquePointer, _ index: Int32, _ data: Data?) {
        guard let data else { sqlite3_bind_null(statement, index); return }
        _ = data.withUnsafeBytes { bytes in
            sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    /// `names` as a JSON array of strings (for `json_each`), remembered for the next claim,
    /// which nearly always asks for the same jobs.
    func jobsJSON(_ names: [String]) -> String {
        if names == lastJobs { return lastJobsJSON }
        let data = (try? JSONSerialization.data(withJSONObject: names)) ?? Data("[]".utf8)
        lastJobs = names
        lastJobsJSON = String(decoding: data, as: UTF8.self)
        return lastJobsJSON
    }

    private var lastJobs: [String] = []
    private var lastJobsJSON = "[]"

    /// Binds and steps through the rows of a query, calling `row` for each until it returns
    /// false; then resets.
    func query(_ statement: OpaquePointer, _ values: [Value], _ row: (OpaquePointer) throws -> Bool) throws {
        defer { sqlite3_reset(statement) }
        bind(statement, values)
        // Bounded by the query's rows (and its LIMIT).
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            if try !row(statement) { return }
        }
    }

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
    }

    static func blob(_ statement: OpaquePointer, _ column: Int32) -> Data? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return Data() }
        return Data(bytes: bytes, count: count)
    }

    /// The connection's last error as an `ExecutorError`.
    func error(_ code: Int32) -> ExecutorError {
        let message = String(cString: sqlite3_errmsg(connection))
        if message.hasPrefix("lease lost") { return .database("lease lost") }
        return .database(message + " (SQLite code \(code))")
    }
}

extension SQLiteStore {
    /// One leased run's state change in one `BEGIN IMMEDIATE` transaction (see `JobStore.commit`),
    /// grouped with the commits other worker threads make at the same time: the first becomes
    /// the leader and writes every waiting commit in one transaction (a refused commit fails
    /// alone). One worker commits alone.
    @discardableResult
    public func commit(_ commit: RunCommit) throws -> ClaimedRun? {
        let request = GroupCommit.Request(commit: commit, continuation: nil)
        let group = groupCommit
        group.lock.lock()
        group.pending.append(request)
        if group.leaderActive {
            // Only a follower waits: its wake-up is made before the leader can take the request.
            let wake = DispatchSemaphore(value: 0)
            request.wake = wake
            // A leader is writing: it takes this request in its next round and wakes this
            // thread alone (no broadcast, so waiting workers do not wake one another).
            group.lock.unlock()
            // Spin briefly first: on a machine with a free core the leader usually finishes
            // within microseconds, and a futex sleep and wake costs more than that.
            var spins = 0
            while !request.isDone && spins < GroupCommit.spinLimit {
                spins += 1
                sched_yield()
            }
            if !request.isDone { wake.wait() }
        } else {
            group.leaderActive = true
            group.lock.unlock()
            lead()
        }
        if let error = request.error { throw error }
        return request.claimed
    }

    /// `commit` for async bodies: the commit joins the same queue as the others and the caller
    /// suspends; the store's writer thread writes the queue (see `CommitWriter`), so tasks never
    /// block a thread of Swift's small cooperative pool on SQLite, and the SQLite connection's
    /// pages stay warm in one core's cache.
    public func commitAsync(_ commit: RunCommit) async throws -> ClaimedRun? {
        let group = groupCommit
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ClaimedRun?, any Error>) in
            let request = GroupCommit.Request(commit: commit, continuation: continuation)
            group.lock.lock()
            group.pending.append(request)
            if group.leaderActive {
                group.lock.unlock()
                return
            }
            group.leaderActive = true
            let writer = commitWriter(locked: group)
            group.lock.unlock()
            writer.wake.signal()
        }
    }

    /// The store's writer thread, started on first use (`group.lock` held).
    private func commitWriter(locked group: GroupCommit) -> CommitWriter {
        if let writer = group.writer { return writer }
        let writer = CommitWriter(store: self)
        group.writer = writer
        return writer
    }

    /// CPU time of the calling thread so far.
    static func threadCPUNanoseconds() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return spec.tv_sec * 1_000_000_000 + spec.tv_nsec
    }

    /// Writes the waiting commits, one transaction per round, and wakes their callers. The
    /// caller must have set `leaderActive`. A leader keeps writing while commits wait (the
    /// writer of a busy executor stays busy); a worker thread leading (`handOff`) passes the
    /// queue to the writer thread after `GroupCommit.leadSeconds`, so that its own run does not
    /// wait long behind the others.
    func lead(handOff: Bool = true) {
        let group = groupCommit
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(group.leadSeconds * 1e9)
        group.lock.lock()
        var rounds = 0
        // Bounded: each round empties the queue; the loop ends when it stays empty, or at the
        // deadline with a hand-off. Never before the first round: it holds the leader's own
        // request, which its caller reads as written once `lead` returns.
        while !group.pending.isEmpty {
            if handOff && rounds > 0 && DispatchTime.now().uptimeNanoseconds > deadline {
                let writer = commitWriter(locked: group)
                group.lock.unlock()
                writer.wake.signal()
                return
            }
            let batch = group.pending
            group.pending = []
            rounds += 1
            let measures = group.measuresCPU
            group.lock.unlock()
            // Two system calls per transaction: only when asked (`measuresCommitCPU`).
            let cpu = measures ? Self.threadCPUNanoseconds() : 0
            writeBatch(batch)
            let spent = measures ? Self.threadCPUNanoseconds() - cpu : 0
            group.lock.lock()
            group.transactions += 1
            group.commits += batch.count
            group.writeCPUNanoseconds += spent
            group.lock.unlock()
            GroupCommit.finish(batch)
            group.lock.lock()
        }
        group.leaderActive = false
        group.lock.unlock()
    }

    /// One transaction for `batch`; each request gets its own outcome. Several commits are
    /// first written without savepoints (the usual case: none is refused); when one fails, the
    /// transaction is rolled back and written again with a savepoint around each commit, so a
    /// refused commit fails alone.
    private func writeBatch(_ batch: [GroupCommit.Request]) {
        var savepoints = false
        if batch.count > 1 {
            do {
                try writeTransaction(batch, savepoints: false)
                return
            } catch {
                // A commit of the batch was refused: write again with a savepoint around each,
                // so it fails alone. When the transaction itself failed (busy, disk), retrying
                // would only wait again: every commit fails with it.
                if batch.contains(where: { $0.error != nil }) {
                    for item in batch {
                        item.error = nil
                        item.claimed = nil
                    }
                    savepoints = true
                } else {
                    for item in batch { item.error = error }
                }
            }
        }
        if batch.count == 1 || savepoints {
            do {
                try writeTransaction(batch, savepoints: savepoints)
            } catch {
                // The transaction failed as a whole: every commit of the batch failed with it.
                for item in batch where item.error == nil { item.error = error }
            }
        }
        for item in batch {
            guard let error = item.error else { continue }
            item.error = Self.commitError(error, item.commit, path: path)
        }
    }

    /// Writes `batch` in one transaction. Without savepoints, any failure rolls everything back
    /// and throws; with them, a failing commit records its error and the others go on.
    private func writeTransaction(_ batch: [GroupCommit.Request], savepoints: Bool) throws {
        try queue.writeWithoutTransaction { db in
            let s = try commitStatements(db)
            try s.run(s.begin)
            do {
                for item in batch {
                    guard savepoints else {
                        do { try apply(item, s, db) } catch { item.error = error; throw error }
                        continue
                    }
                    try s.run(s.savepoint)
                    do {
                        try apply(item, s, db)
                    } catch {
                        item.error = error
                        item.claimed = nil
                        try s.run(s.rollbackToSavepoint)
                    }
                    try s.run(s.releaseSavepoint)
                }
                try s.run(s.commit)
            } catch {
                for item in batch { item.claimed = nil }
                if sqlite3_get_autocommit(db.sqliteConnection) == 0 { _ = try? s.run(s.rollback) }
                throw error
            }
        }
    }

    static func commitError(_ error: any Error, _ commit: RunCommit, path: String) -> any Error {
        if case ExecutorError.database(let message) = error, message == "lease lost" {
            return ExecutorError.leaseLost(runID: commit.lease.runID)
        }
        if error is ExecutorError { return error }
        return translate(error, path: path)
    }

    private func apply(_ request: GroupCommit.Request, _ s: CommitStatements, _ db: Database) throws {
        let commit = request.commit
        let lease = commit.lease
        // Built only by the statements that need them (not by a step's two).
        var run: CommitStatements.Value { .text(lease.runID) }
        var execution: CommitStatements.Value { .int(lease.execution) }
        var worker: CommitStatements.Value { .text(lease.worker) }
        let now = commit.at.microseconds
        // A run update that changed no row: the lease is gone.
        func held(_ changes: Int) throws {
            guard changes == 1 else { throw ExecutorError.leaseLost(runID: lease.runID) }
        }
        // The execution ends: the run's update (under the lease), then the execution's outcome.
        func end(_ statement: OpaquePointer, _ values: [CommitStatements.Value], outcome: String) throws {
            try held(s.run(statement, values))
            try s.run(s.endExecution, [.text(outcome), .int(now), run, execution])
        }
        var fenced = false
        if let finish = commit.finish {
            let changed = try s.finishAttempt(finish, runID: lease.runID)
            guard changed == 1 else {
                // Another execution took the run over and abandoned this attempt.
                try held(s.run(s.fence, [run, execution, worker]))
                throw ExecutorError.database("run \(lease.runID): attempt \(finish.number) of step '\(finish.step)' is not running")
            }
            fenced = true
        }
        if let start = commit.start {
            try s.startAttempt(start, lease: lease)
            fenced = true
        }
        switch commit.transition {
        case .keep(let renewUntil):
            if let renewUntil {
                try held(s.run(s.renew, [.int(renewUntil.microseconds), run, execution, worker]))
            } else if !fenced {
                try held(s.run(s.fence, [run, execution, worker]))
            }
        case .wait(let until):
            try end(s.wait, [.int(until.microseconds), run, execution, worker], outcome: "suspended")
        case .complete:
            try end(s.complete, [.int(now), run, execution, worker], outcome: "completed")
        case .fail(let message):
            try end(s.fail, [.int(now), run, execution, worker, .text(message)], outcome: "failed")
        }
        // After the run's own update, so a sleep is recorded only under a valid lease.
        if let sleep = commit.sleep {
            try s.run(s.sleep, [run, .text(sleep.step), execution, .int(now), .int(sleep.wakeAt.microseconds)])
        }
        // The worker's next run, in the same transaction: one commit fewer per run. A failed
        // claim rolls back alone; the worker then claims as usual.
        if let next = commit.claimNext, commit.transition.endsExecution {
            try s.run(s.claimSavepoint)
            do {
                request.claimed = try claim(db, next)
            } catch {
                request.claimed = nil
                try s.run(s.rollbackToClaimSavepoint)
            }
            try s.run(s.releaseClaimSavepoint)
        }
    }
}

/// Commits waiting to be written together (group commit).
final class GroupCommit: @unchecked Sendable {
    final class Request: @unchecked Sendable {
        let commit: RunCommit
        var error: (any Error)?
        /// The next run, when `commit.claimNext` asked for one and it was claimed.
        var claimed: ClaimedRun?
        /// An async caller's continuation; nil for a thread, which waits on `wake`.
        let continuation: CheckedContinuation<ClaimedRun?, any Error>?
        /// A waiting thread's wake-up, signalled once the request was written (its `error` set
        /// when it failed); nil for an async caller and for a thread that leads. Set under
        /// `GroupCommit.lock` before the request can be taken.
        var wake: DispatchSemaphore?
        private let done = Atomic<Bool>(false)
        var isDone: Bool { done.load(ordering: .acquiring) }

        init(commit: RunCommit, continuation: CheckedContinuation<ClaimedRun?, any Error>?) {
            self.commit = commit
            self.continuation = continuation
        }

        /// Hands the outcome to the caller.
        func finish() {
            if let continuation {
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: claimed) }
                return
            }
            done.store(true, ordering: .releasing)
            wake?.signal()
        }
    }

    let lock = NSLock()
    /// Yields before a waiting worker sleeps: measured with executor-bench on 2 cores, 8 workers
    /// went from about 24,000 to 30,000 steps/s; 10,000 yields gained nothing more.
    static let spinLimit = 1000
    /// How long a worker thread leads before it hands the queue to the writer thread.
    var leadSeconds = 0.1
    /// The writer thread, once started.
    var writer: CommitWriter?

    /// Hands each request its outcome. Waiting threads are woken here; async callers are
    /// resumed by one task on Swift's pool rather than one by one from the writing thread,
    /// which goes back to writing sooner.
    static func finish(_ batch: [Request]) {
        var resumable: [Request] = []
        for item in batch {
            if item.continuation == nil { item.finish() } else { resumable.append(item) }
        }
        guard !resumable.isEmpty else { return }
        if resumable.count == 1 { resumable[0].finish(); return }
        Task.detached(priority: .high) { for item in resumable { item.finish() } }
    }
    /// Run commits written, the transactions they took, and the CPU time the writing thread
    /// spent in them (guarded by `lock`).
    var commits = 0, transactions = 0, writeCPUNanoseconds = 0
    /// Whether writing threads time their CPU (`SQLiteStore.measuresCommitCPU`).
    var measuresCPU = false
    var pending: [Request] = []
    var leaderActive = false
}

extension RunTransition {
    /// True when the transition releases the run's lease (the execution ends).
    var endsExecution: Bool {
        if case .keep = self { return false }
        return true
    }
}

/// The store's writer thread: writes the commit queue whenever it is woken with the leader role
/// (by an async commit, or by a worker thread handing the queue over), until the store goes.
final class CommitWriter: @unchecked Sendable {
    let wake = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    init(store: SQLiteStore) {
        let thread = Thread { [weak store, self] in
            // Bounded: each wake-up writes the queue once; the loop ends when the store stops it
            // or is gone.
            while true {
                self.wake.wait()
                if self.stopped.load(ordering: .acquiring) { return }
                guard let store else { return }
                store.lead(handOff: false)
            }
        }
        thread.name = "costsim-commit-writer"
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wake.signal()
    }
}
