import Foundation
import GRDB
import Testing
@testable import Executor

/// The database file: named append-only migrations, rules in the schema, and refusing files
/// that are not costsim's without writing to them.
@Suite struct LedgerSchemaTests {
    @Test func migrationsAreNamedAndOnlyEverAppended() {
        // Never edit or reorder a shipped migration: add a new one at the end of this list.
        #expect(SQLiteStore.migrator.migrations == ["2026-11-29 ledger tables", "2026-11-29 ledger rules", "2026-11-29 claim indexes",
                                                     "2026-11-29 lease expiry index", "2026-11-29 membership checks without lists"])
    }

    @Test func aLedgerOfTheEarlierSchemaIsUpgradedInPlace() throws {
        let folder = try ScratchFolder()
        let path = folder.path("old.db")
        // A ledger written before the lease expiry index: a run in flight whose lease expired.
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "2026-11-29 claim indexes")
        try old.write { db in
            try db.execute(sql: "INSERT INTO workers (id, host, pid, started_at) VALUES ('w', 'elsewhere', 1, 0)")
            try db.execute(sql: """
                INSERT INTO runs (id, job, status, created_at, available_at, started_at, execution, lease_owner, lease_expires_at)
                VALUES ('run-1', 'job', 'running', 0, 0, 0, 1, 'w', 5)
                """)
            try db.execute(sql: "INSERT INTO executions (run_id, number, worker, started_at) VALUES ('run-1', 1, 'w', 0)")
        }
        try old.close()
        let store = try SQLiteStore(path: path)
        #expect(try store.queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.count == 5)
        // The expired lease is found through the new index and the run taken over.
        let claimed = try store.claim(ClaimRequest(worker: "w", now: Timestamp(microseconds: 10), leaseSeconds: 30, jobs: ["job": nil], deadWorkers: []))
        #expect(claimed?.lease == Lease(runID: "run-1", execution: 2, worker: "w"))
    }

    @Test func rebuildingTheTablesKeepsEveryRowAndRule() throws {
        let folder = try ScratchFolder()
        let path = folder.path("old.db")
        // A ledger of the schema before the rebuild, with a row in every table.
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "2026-11-29 lease expiry index")
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO workers (id, host, pid, started_at) VALUES ('w', 'here', 1, 0);
                INSERT INTO runs (id, job, idempotency_key, input, status, created_at, available_at, started_at, execution,
                                  lease_owner, lease_expires_at)
                  VALUES ('run-1', 'job', 'key-1', x'01', 'running', 0, 0, 1, 1, 'w', 99);
                INSERT INTO runs (id, job, created_at, available_at) VALUES ('run-2', 'job', 0, 0);
                INSERT INTO executions (run_id, number, worker, started_at) VALUES ('run-1', 1, 'w', 1);
                INSERT INTO attempts (run_id, step, number, execution, worker, started_at) VALUES ('run-1', 'a', 1, 1, 'w', 1);
                UPDATE attempts SET outcome = 'succeeded', ended_at = 2, output = x'02';
                INSERT INTO attempts (run_id, step, number, execution, worker, started_at) VALUES ('run-1', 'b', 1, 1, 'w', 2);
                INSERT INTO sleeps (run_id, step, execution, recorded_at, wake_at) VALUES ('run-1', 'nap', 1, 2, 50);
                """)
        }
        func contents(_ db: Database) throws -> [String] {
            try ["workers", "runs", "executions", "attempts", "sleeps"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map { "\(table) \($0)" }
            }
        }
        let before = try old.read(contents)
        try old.close()

        let store = try SQLiteStore(path: path)
        #expect(try store.queue.read(contents) == before)
        #expect(try store.queue.read { try String.fetchAll($0, sql: "PRAGMA foreign_key_check") }.isEmpty)
        #expect(try store.queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let objects = try store.queue.read { db in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY 1")
        }
        #expect(objects.filter { $0.hasPrefix("trigger") }.count == 14)
        #expect(objects.filter { $0.hasPrefix("index") } == ["index runs_idempotency", "index runs_lease_expiry", "index runs_ready", "index runs_running"])
        #expect(!objects.contains { $0.contains("rebuilt") })
        // The rules still hold on the rebuilt tables.
        #expect(throws: DatabaseError.self) { try store.queue.write { try $0.execute(sql: "UPDATE runs SET status = 'bogus' WHERE id = 'run-2'") } }
        #expect(throws: DatabaseError.self) { try store.queue.write { try $0.execute(sql: "DELETE FROM attempts") } }
        #expect(throws: DatabaseError.self) {
            try store.queue.write { try $0.execute(sql: "INSERT INTO runs (id, job, idempotency_key, created_at, available_at) VALUES ('run-3', 'job', 'key-1', 0, 0)") }
        }
    }

    @Test func noStatementOfAStepBuildsATemporaryTable() throws {
        // A CHECK written `x IN (a, b, c)` makes SQLite build a temporary b-tree (OpenEphemeral)
        // each time the statement runs: it once cost half of every step's commit.
        let statements = [
            "INSERT INTO attempts (run_id, step, number, execution, worker, started_at) VALUES ('r', 's', 1, 1, 'w', 1)",
            "UPDATE attempts SET outcome = 'succeeded', retriable = 1, ended_at = 2, output = NULL, error = NULL WHERE run_id = 'r' AND step = 's' AND number = 1 AND outcome = 'running'",
            "INSERT INTO runs (id, job, created_at, available_at) VALUES ('r', 'job', 0, 0)",
            "UPDATE runs SET status = 'running', execution = execution + 1, lease_owner = 'w', lease_expires_at = 9, started_at = coalesce(started_at, 1) WHERE id = 'r'",
            "UPDATE runs SET status = 'completed', finished_at = 2, lease_owner = NULL, lease_expires_at = NULL WHERE id = 'r'",
            "INSERT INTO executions (run_id, number, worker, started_at) VALUES ('r', 1, 'w', 1)",
            "UPDATE executions SET outcome = 'completed', ended_at = 2 WHERE run_id = 'r' AND number = 1",
        ]
        func buildingTemporaryTables(_ queue: DatabaseQueue) throws -> [String] {
            try queue.read { db in
                try statements.filter { sql in
                    let program = try Row.fetchAll(db, sql: "EXPLAIN " + sql).map { $0["opcode"] as String }
                    #expect(program.contains("Halt"))
                    return program.contains("OpenEphemeral")
                }
            }
        }
        let old = try DatabaseQueue()
        try SQLiteStore.migrator.migrate(old, upTo: "2026-11-29 lease expiry index")
        #expect(try buildingTemporaryTables(old).count == statements.count)
        let h = try Harness()
        #expect(try buildingTemporaryTables(h.store.queue) == [])
    }

    @Test func theSchemaKeepsTheLedgerAppendOnly() throws {
        let h = try Harness()
        try h.store.registerWorker(WorkerIdentity(id: "w", host: "h", pid: 1, processStart: nil), at: h.clock.now())
        _ = try h.store.enqueue(EnqueueRequest(job: "job"), id: "run-1", at: h.clock.now())
        let claimed = try #require(try h.store.claim(ClaimRequest(worker: "w", now: h.clock.now(), leaseSeconds: 30, jobs: ["job": nil], deadWorkers: [])))
        let t = h.clock.now()
        try h.store.commit(RunCommit(lease: claimed.lease, at: t, start: AttemptStart(step: "s", number: 1, startedAt: t)))
        try h.store.commit(RunCommit(lease: claimed.lease, at: t,
                                     finish: AttemptFinish(step: "s", number: 1, outcome: .succeeded, retriable: true, endedAt: t, output: Data("ok".utf8), error: nil)))
        func refused(_ sql: String) -> String {
            do {
                try h.store.queue.write { try $0.execute(sql: sql) }
                return "accepted"
            } catch let error as DatabaseError {
                return error.message ?? "\(error)"
            } catch {
                return "\(error)"
            }
        }
        // While the run is running, under its lease:
        #expect(refused("INSERT INTO attempts (run_id, step, number, execution, worker, started_at) VALUES ('run-1', 's', 2, 1, 'w', 1)")
                == "a committed step never runs again")
        #expect(refused("INSERT INTO attempts (run_id, step, number, execution, worker, started_at) VALUES ('run-1', 't', 1, 1, 'other', 1)")
                == "lease lost: only the worker holding the run's lease records its attempts")
        #expect(refused("UPDATE runs SET status = 'bogus'").contains("CHECK constraint failed"))
        #expect(refused("UPDATE runs SET execution = 0").contains("only grows"))
        try h.store.commit(RunCommit(lease: claimed.lease, at: t, transition: .complete))
        #expect(refused("DELETE FROM attempts") == "the ledger is append-only: attempts are never deleted")
        #expect(refused("UPDATE attempts SET ended_at = ended_at + 1") == "a finished attempt is never changed")
        #expect(refused("DELETE FROM runs") == "the ledger is append-only: runs are never deleted")
        #expect(refused("UPDATE runs SET error = 'x'") == "a finished run is never changed")
        #expect(refused("INSERT INTO attempts (run_id, step, number, execution, worker, started_at) VALUES ('run-1', 't', 1, 1, 'w', 1)")
                == "lease lost: only the worker holding the run's lease records its attempts")
    }

    @Test func aForeignDatabaseIsRefusedAndLeftUntouched() throws {
        let folder = try ScratchFolder()
        let path = folder.path("other.db")
        let other = try DatabaseQueue(path: path)
        try other.write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)") }
        try other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: ExecutorError.foreignDatabase(path: path, detail: "it is a SQLite database of another program (tables: invoices)")) {
            _ = try SQLiteStore(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func aCorruptFileIsRefusedAndLeftUntouched() throws {
        let folder = try ScratchFolder()
        let path = try folder.write("corrupt.db", String(repeating: "this is not a database\n", count: 300))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: ExecutorError.corruptDatabase(path: path, detail: "the file is not a SQLite database")) {
            _ = try SQLiteStore(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aDamagedLedgerIsReported() throws {
        let folder = try ScratchFolder()
        let path = folder.path("ledger.db")
        do {
            let store = try SQLiteStore(path: path, backgroundCheckpoints: false)
            try store.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        // Keep the header, scribble over the schema pages.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in 100..<min(bytes.count, 8192) { bytes[index] = 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: ExecutorError.self) { _ = try SQLiteStore(path: path) }
        do {
            _ = try SQLiteStore(path: path)
        } catch let error as ExecutorError {
            guard case .corruptDatabase = error else { Issue.record("expected corruptDatabase, got \(error)"); return }
        }
    }

    @Test func aLedgerWhoseCreationWasKilledIsFinished() throws {
        let folder = try ScratchFolder()
        let path = folder.path("ledger.db")
        // What a process killed between creating the migrations table and the first migration leaves.
        let partial = try DatabaseQueue(path: path)
        try partial.write { try $0.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)") }
        try partial.close()
        let store = try SQLiteStore(path: path)
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM grdb_migrations") } == SQLiteStore.migrator.migrations.count)
    }

    @Test func aNewerLedgerIsRefused() throws {
        let folder = try ScratchFolder()
        let path = folder.path("ledger.db")
        do {
            let store = try SQLiteStore(path: path)
            try store.queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('2030-01-01 something new')") }
        }
        #expect(throws: ExecutorError.newerDatabase(path: path, unknown: ["2030-01-01 something new"])) { _ = try SQLiteStore(path: path) }
    }

    @Test func aMissingLedgerIsNotCreatedWhenReading() throws {
        let folder = try ScratchFolder()
        let path = folder.path("missing.db")
        #expect(throws: ExecutorError.unreadableDatabase(path: path, detail: "no such file")) { _ = try SQLiteStore(path: path, create: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func storesAreConfiguredForSharing() throws {
        let h = try Harness()
        let (mode, sync, appID) = try h.store.queue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int32.fetchOne(db, sql: "PRAGMA application_id"))
        }
        #expect(mode == "wal" && sync == 1 && appID == SQLiteStore.applicationID)
        let full = try SQLiteStore(path: h.folder.path("full.db"), synchronous: .full)
        #expect(try full.queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
    }
}
