import GRDB

extension SQLiteStore {
    /// `PRAGMA application_id` of a costsim ledger ("Cost" in ASCII): tells our databases from
    /// other programs' before anything is written.
    static let applicationID: Int32 = 0x436F_7374

    /// The schema as named, append-only migrations: a shipped migration is never edited; a
    /// change is a new migration at the end. Rules live in the schema: NOT NULL, CHECK,
    /// foreign keys, a unique index for "one success per step", triggers that keep the ledger
    /// append-only.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29 ledger tables") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE workers (
                  id TEXT PRIMARY KEY NOT NULL,
                  host TEXT NOT NULL,
                  pid INTEGER NOT NULL,
                  process_start INTEGER,
                  started_at INTEGER NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE runs (
                  id TEXT PRIMARY KEY NOT NULL,
                  job TEXT NOT NULL CHECK (length(job) > 0),
                  idempotency_key TEXT,
                  input BLOB,
                  status TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'waiting', 'completed', 'failed')),
                  created_at INTEGER NOT NULL,
                  available_at INTEGER NOT NULL,
                  started_at INTEGER,
                  finished_at INTEGER,
                  execution INTEGER NOT NULL DEFAULT 0 CHECK (execution >= 0),
                  lease_owner TEXT REFERENCES workers(id),
                  lease_expires_at INTEGER,
                  error TEXT,
                  CHECK ((status = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
                  CHECK ((status IN ('completed', 'failed')) = (finished_at IS NOT NULL)),
                  CHECK ((status = 'failed') = (error IS NOT NULL)),
                  CHECK (status = 'queued' OR execution > 0)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX runs_idempotency ON runs(job, idempotency_key) WHERE idempotency_key IS NOT NULL;

                CREATE TABLE executions (
                  run_id TEXT NOT NULL REFERENCES runs(id),
                  number INTEGER NOT NULL CHECK (number >= 1),
                  worker TEXT NOT NULL REFERENCES workers(id),
                  started_at INTEGER NOT NULL,
                  ended_at INTEGER,
                  outcome TEXT NOT NULL DEFAULT 'running'
                    CHECK (outcome IN ('running', 'completed', 'failed', 'suspended', 'abandoned')),
                  PRIMARY KEY (run_id, number),
                  CHECK ((outcome IN ('running', 'abandoned')) = (ended_at IS NULL)),
                  CHECK (ended_at IS NULL OR ended_at >= started_at)
                ) WITHOUT ROWID;

                CREATE TABLE attempts (
                  run_id TEXT NOT NULL REFERENCES runs(id),
                  step TEXT NOT NULL CHECK (length(step) > 0),
                  number INTEGER NOT NULL CHECK (number >= 1),
                  execution INTEGER NOT NULL CHECK (execution >= 1),
                  worker TEXT NOT NULL REFERENCES workers(id),
                  outcome TEXT NOT NULL DEFAULT 'running'
                    CHECK (outcome IN ('running', 'succeeded', 'failed', 'abandoned', 'unstarted')),
                  retriable INTEGER NOT NULL DEFAULT 1 CHECK (retriable IN (0, 1)),
                  started_at INTEGER NOT NULL,
                  ended_at INTEGER,
                  output BLOB,
                  error TEXT,
                  PRIMARY KEY (run_id, step, number),
                  CHECK ((outcome IN ('succeeded', 'failed')) = (ended_at IS NOT NULL)),
                  CHECK (ended_at IS NULL OR ended_at >= started_at),
                  CHECK (outcome = 'succeeded' OR output IS NULL),
                  CHECK ((outcome = 'failed') = (error IS NOT NULL))
                ) WITHOUT ROWID;

                CREATE TABLE sleeps (
                  run_id TEXT NOT NULL REFERENCES runs(id),
                  step TEXT NOT NULL CHECK (length(step) > 0),
                  execution INTEGER NOT NULL CHECK (execution >= 1),
                  recorded_at INTEGER NOT NULL,
                  wake_at INTEGER NOT NULL,
                  PRIMARY KEY (run_id, step)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-29 ledger rules") { db in
            try db.execute(sql: Self.ledgerRules)
        }
        migrator.registerMigration("2026-11-29 claim indexes") { db in
            try db.execute(sql: """
                CREATE INDEX runs_ready ON runs(available_at) WHERE status IN ('queued', 'waiting');
                CREATE INDEX runs_running ON runs(job) WHERE status = 'running';
                """)
        }
        migrator.registerMigration("2026-11-29 lease expiry index") { db in
            // Claims look for expired leases without reading every running run.
            try db.execute(sql: "CREATE INDEX runs_lease_expiry ON runs(lease_expires_at) WHERE status = 'running'")
        }
        migrator.registerMigration("2026-11-29 membership checks without lists") { db in
            // SQLite checks `x IN (a, b, c, …)` with three or more constants by building a
            // temporary b-tree each time a statement runs: the status and outcome checks cost
            // more than half of a step's commit (88,000 of 170,000 instructions, callgrind).
            // The same rules as chains of `=`; tables are rebuilt (a CHECK cannot be altered),
            // their indexes and the rules' triggers made again, and every row kept.
            // Every trigger goes first: a table cannot be renamed while a trigger names a
            // table that is gone.
            for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'trigger'") {
                try db.execute(sql: "DROP TRIGGER \(trigger.quotedDatabaseIdentifier)")
            }
            try db.execute(sql: """
                CREATE TABLE runs_rebuilt (
                  id TEXT PRIMARY KEY NOT NULL,
                  job TEXT NOT NULL CHECK (length(job) > 0),
                  idempotency_key TEXT,
                  input BLOB,
                  status TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status = 'queued' OR status = 'running' OR status = 'waiting' OR status = 'completed' OR status = 'failed'),
                  created_at INTEGER NOT NULL,
                  available_at INTEGER NOT NULL,
                  started_at INTEGER,
                  finished_at INTEGER,
                  execution INTEGER NOT NULL DEFAULT 0 CHECK (execution >= 0),
                  lease_owner TEXT REFERENCES workers(id),
                  lease_expires_at INTEGER,
                  error TEXT,
                  CHECK ((status = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
                  CHECK ((status = 'completed' OR status = 'failed') = (finished_at IS NOT NULL)),
                  CHECK ((status = 'failed') = (error IS NOT NULL)),
                  CHECK (status = 'queued' OR execution > 0)
                ) WITHOUT ROWID;
                INSERT INTO runs_rebuilt SELECT * FROM runs;
                DROP TABLE runs;
                ALTER TABLE runs_rebuilt RENAME TO runs;
                CREATE UNIQUE INDEX runs_idempotency ON runs(job, idempotency_key) WHERE idempotency_key IS NOT NULL;
                CREATE INDEX runs_ready ON runs(available_at) WHERE status IN ('queued', 'waiting');
                CREATE INDEX runs_running ON runs(job) WHERE status = 'running';
                CREATE INDEX runs_lease_expiry ON runs(lease_expires_at) WHERE status = 'running';

                CREATE TABLE executions_rebuilt (
                  run_id TEXT NOT NULL REFERENCES runs(id),
                  number INTEGER NOT NULL CHECK (number >= 1),
                  worker TEXT NOT NULL REFERENCES workers(id),
                  started_at INTEGER NOT NULL,
                  ended_at INTEGER,
                  outcome TEXT NOT NULL DEFAULT 'running'
                    CHECK (outcome = 'running' OR outcome = 'completed' OR outcome = 'failed' OR outcome = 'suspended'
                           OR outcome = 'abandoned'),
                  PRIMARY KEY (run_id, number),
                  CHECK ((outcome = 'running' OR outcome = 'abandoned') = (ended_at IS NULL)),
                  CHECK (ended_at IS NULL OR ended_at >= started_at)
                ) WITHOUT ROWID;
                INSERT INTO executions_rebuilt SELECT * FROM executions;
                DROP TABLE executions;
                ALTER TABLE executions_rebuilt RENAME TO executions;

                CREATE TABLE attempts_rebuilt (
                  run_id TEXT NOT NULL REFERENCES runs(id),
                  step TEXT NOT NULL CHECK (length(step) > 0),
                  number INTEGER NOT NULL CHECK (number >= 1),
                  execution INTEGER NOT NULL CHECK (execution >= 1),
                  worker TEXT NOT NULL REFERENCES workers(id),
                  outcome TEXT NOT NULL DEFAULT 'running'
                    CHECK (outcome = 'running' OR outcome = 'succeeded' OR outcome = 'failed' OR outcome = 'abandoned'
                           OR outcome = 'unstarted'),
                  retriable INTEGER NOT NULL DEFAULT 1 CHECK (retriable = 0 OR retriable = 1),
                  started_at INTEGER NOT NULL,
                  ended_at INTEGER,
                  output BLOB,
                  error TEXT,
                  PRIMARY KEY (run_id, step, number),
                  CHECK ((outcome = 'succeeded' OR outcome = 'failed') = (ended_at IS NOT NULL)),
                  CHECK (ended_at IS NULL OR ended_at >= started_at),
                  CHECK (outcome = 'succeeded' OR output IS NULL),
                  CHECK ((outcome = 'failed') = (error IS NOT NULL))
                ) WITHOUT ROWID;
                INSERT INTO attempts_rebuilt SELECT * FROM attempts;
                DROP TABLE attempts;
                ALTER TABLE attempts_rebuilt RENAME TO attempts;
                """)
            try db.execute(sql: Self.ledgerRules)
        }
        return migrator
    }

    /// The ledger's rules as triggers: made by the migration "2026-11-29 ledger rules" and made
    /// again after "2026-11-29 membership checks without lists" rebuilds the tables. Part of
    /// shipped migrations, so never edited: a change to the rules is a new migration with its
    /// own SQL.
    static let ledgerRules = """
        CREATE TRIGGER attempts_one_success BEFORE UPDATE OF outcome ON attempts
        WHEN NEW.outcome = 'succeeded' AND EXISTS (
          SELECT 1 FROM attempts WHERE run_id = NEW.run_id AND step = NEW.step AND outcome = 'succeeded')
        BEGIN SELECT RAISE(ABORT, 'a step succeeds once: its result is already committed'); END;
        CREATE TRIGGER attempts_start_after_success BEFORE INSERT ON attempts
        WHEN EXISTS (SELECT 1 FROM attempts WHERE run_id = NEW.run_id AND step = NEW.step AND outcome = 'succeeded')
        BEGIN SELECT RAISE(ABORT, 'a committed step never runs again'); END;

        CREATE TRIGGER attempts_need_the_lease BEFORE INSERT ON attempts
        WHEN NOT EXISTS (SELECT 1 FROM runs WHERE id = NEW.run_id AND status = 'running'
                         AND execution = NEW.execution AND lease_owner = NEW.worker)
        BEGIN SELECT RAISE(ABORT, 'lease lost: only the worker holding the run''s lease records its attempts'); END;
        CREATE TRIGGER attempts_end_needs_the_lease BEFORE UPDATE OF outcome ON attempts
        WHEN NEW.outcome IN ('succeeded', 'failed') AND NOT EXISTS (
          SELECT 1 FROM runs WHERE id = OLD.run_id AND status = 'running'
          AND execution = OLD.execution AND lease_owner = OLD.worker)
        BEGIN SELECT RAISE(ABORT, 'lease lost: only the worker holding the run''s lease ends its attempts'); END;
        CREATE TRIGGER attempts_never_deleted BEFORE DELETE ON attempts
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: attempts are never deleted'); END;
        CREATE TRIGGER attempts_finished_are_final BEFORE UPDATE ON attempts WHEN OLD.outcome <> 'running'
        BEGIN SELECT RAISE(ABORT, 'a finished attempt is never changed'); END;
        CREATE TRIGGER attempts_identity_fixed BEFORE UPDATE OF run_id, step, number, execution, worker, started_at ON attempts
        BEGIN SELECT RAISE(ABORT, 'an attempt''s identity and start are never changed'); END;

        CREATE TRIGGER sleeps_never_changed BEFORE UPDATE ON sleeps
        BEGIN SELECT RAISE(ABORT, 'a recorded sleep is never changed'); END;
        CREATE TRIGGER sleeps_never_deleted BEFORE DELETE ON sleeps
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: sleeps are never deleted'); END;

        CREATE TRIGGER executions_never_deleted BEFORE DELETE ON executions
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: executions are never deleted'); END;
        CREATE TRIGGER executions_finished_are_final BEFORE UPDATE ON executions WHEN OLD.outcome <> 'running'
        BEGIN SELECT RAISE(ABORT, 'a finished execution is never changed'); END;

        CREATE TRIGGER runs_never_deleted BEFORE DELETE ON runs
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: runs are never deleted'); END;
        CREATE TRIGGER runs_finished_are_final BEFORE UPDATE ON runs WHEN OLD.status IN ('completed', 'failed')
        BEGIN SELECT RAISE(ABORT, 'a finished run is never changed'); END;
        CREATE TRIGGER runs_execution_only_grows BEFORE UPDATE OF execution ON runs WHEN NEW.execution < OLD.execution
        BEGIN SELECT RAISE(ABORT, 'a run''s execution number (its fencing token) only grows'); END;
        """
}
