import Foundation

/// Where runs, their leases and the ledger live. The executor talks to its store only through
/// this protocol, so a PostgreSQL store (workers on several machines sharing one ledger) can
/// follow the SQLite one.
///
/// Every method is one transaction. `commit` applies all of a `RunCommit` or none of it, and
/// refuses it (`ExecutorError.leaseLost`) unless the caller still holds the run's lease: its
/// fencing token (the run's execution number) must be current.
public protocol JobStore: AnyObject, Sendable {
    /// Records workers (in one transaction) so that others can tell when they have died.
    func registerWorkers(_ workers: [WorkerIdentity], at time: Timestamp) throws
    /// Adds runs in one transaction, each `(request, id)` in order: a run is created, or the
    /// existing one with the same job and idempotency key (also one earlier in `requests`) is
    /// found. All or none are added.
    func enqueue(_ requests: [(request: EnqueueRequest, id: String)], at time: Timestamp) throws -> [EnqueueResult]
    /// Takes the lease of one ready run (or of one whose lease expired or whose worker died),
    /// marking the previous execution's unfinished attempts as abandoned; nil when none is ready.
    func claim(_ request: ClaimRequest) throws -> ClaimedRun?
    /// Applies one state change of a leased run, with its ledger rows, atomically. When the
    /// change ends the execution and `commit.claimNext` is set, the same transaction also
    /// claims the next run (as `claim` would) and returns it; a failed claim does not undo the
    /// change (it returns nil, and the worker claims as usual).
    @discardableResult
    func commit(_ commit: RunCommit) throws -> ClaimedRun?
    /// `commit`, awaited (async bodies); see the default in the extension below.
    func commitAsync(_ commit: RunCommit) async throws -> ClaimedRun?
    /// Extends a lease; false when it was lost.
    func renew(_ lease: Lease, until expiry: Timestamp) throws -> Bool
    /// What is left to do for these jobs.
    func pending(jobs: Set<String>) throws -> PendingWork
    /// One ledger row per run created at or after `since` (all runs when nil).
    func ledger(since: Timestamp?, runIDs: Set<String>?) throws -> [RunLedger]
}

extension JobStore {
    /// Records one worker.
    public func registerWorker(_ worker: WorkerIdentity, at time: Timestamp) throws {
        try registerWorkers([worker], at: time)
    }

    /// `commit` for async bodies: suspends instead of blocking, so that a store can write the
    /// commits of many runs together. This default blocks the calling thread.
    public func commitAsync(_ commit: RunCommit) async throws -> ClaimedRun? {
        try self.commit(commit)
    }

    /// Adds one run, or finds the existing one with the same job and idempotency key.
    public func enqueue(_ request: EnqueueRequest, id: String, at time: Timestamp) throws -> EnqueueResult {
        try enqueue([(request, id)], at: time)[0]
    }
}

/// A request to run a job once.
public struct EnqueueRequest: Sendable, Equatable {
    public var job: String
    public var input: Data?
    /// Runs of one job with the same key are one run: enqueueing again returns it.
    public var idempotencyKey: String?
    /// Not before this time (default: at once).
    public var availableAt: Timestamp?

    public init(job: String, input: Data? = nil, idempotencyKey: String? = nil, availableAt: Timestamp? = nil) {
        self.job = job
        self.input = input
        self.idempotencyKey = idempotencyKey
        self.availableAt = availableAt
    }
}

/// The run an enqueue created or found.
public struct EnqueueResult: Sendable, Equatable {
    public var runID: String
    /// False when an earlier run with the same idempotency key was returned.
    public var created: Bool

    public init(runID: String, created: Bool) {
        self.runID = runID
        self.created = created
    }
}

/// What a worker asks for when it looks for work.
public struct ClaimRequest: Sendable, Equatable {
    public var worker: String
    public var now: Timestamp
    public var leaseSeconds: Double
    /// The jobs this worker can run, with their concurrency limits (nil: unlimited).
    public var jobs: [String: Int?]
    /// Workers known to be dead: their leases are taken over without waiting for expiry.
    public var deadWorkers: Set<String>
    /// For dead workers that left an attempt marker: the attempt whose work each last began
    /// (nil: none). Their other interrupted attempts never began and are recorded `unstarted`.
    public var startedAttempts: [String: AttemptKey?] = [:]

    public init(worker: String, now: Timestamp, leaseSeconds: Double, jobs: [String: Int?], deadWorkers: Set<String>,
                startedAttempts: [String: AttemptKey?] = [:]) {
        self.worker = worker
        self.now = now
        self.leaseSeconds = leaseSeconds
        self.jobs = jobs
        self.deadWorkers = deadWorkers
        self.startedAttempts = startedAttempts
    }
}

/// How a step attempt ended.
public enum AttemptOutcome: String, Sendable, CaseIterable {
    /// Started and not yet ended.
    case running
    case succeeded
    case failed
    /// Its worker died or lost the lease before it ended: its end is unknown.
    case abandoned
    /// Recorded as started, but its worker died before the work began (known from the
    /// worker's attempt marker): not counted.
    case unstarted
}

/// One step attempt as recorded in the ledger.
public struct StepAttemptRecord: Sendable, Equatable {
    public var step: String
    public var number: Int
    public var outcome: AttemptOutcome
    public var retriable: Bool
    public var output: Data?
    public var error: String?
    public var startedAt: Timestamp
    public var endedAt: Timestamp?

    public init(step: String, number: Int, outcome: AttemptOutcome, retriable: Bool, output: Data?, error: String?, startedAt: Timestamp, endedAt: Timestamp?) {
        self.step = step
        self.number = number
        self.outcome = outcome
        self.retriable = retriable
        self.output = output
        self.error = error
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// A run whose lease a worker now holds, with everything needed to replay it.
public struct ClaimedRun: Sendable {
    public var lease: Lease
    public var job: String
    public var input: Data?
    public var createdAt: Timestamp
    public var leaseExpiresAt: Timestamp
    /// Every attempt of every step so far, oldest first.
    public var attempts: [StepAttemptRecord]
    /// Durable sleeps recorded so far: step name → wake time.
    public var sleeps: [String: Timestamp]

    public init(lease: Lease, job: String, input: Data?, createdAt: Timestamp, leaseExpiresAt: Timestamp, attempts: [StepAttemptRecord], sleeps: [String: Timestamp]) {
        self.lease = lease
        self.job = job
        self.input = input
        self.createdAt = createdAt
        self.leaseExpiresAt = leaseExpiresAt
        self.attempts = attempts
        self.sleeps = sleeps
    }
}

/// The right to change a run: its id, the execution that holds it (the fencing token) and the
/// worker.
public struct Lease: Sendable, Hashable {
    public var runID: String
    public var execution: Int64
    public var worker: String

    public init(runID: String, execution: Int64, worker: String) {
        self.runID = runID
        self.execution = execution
        self.worker = worker
    }
}

/// The end of a step attempt.
public struct AttemptFinish: Sendable, Equatable {
    public var step: String
    public var number: Int
    public var outcome: AttemptOutcome
    public var retriable: Bool
    public var endedAt: Timestamp
    public var output: Data?
    public var error: String?

    public init(step: String, number: Int, outcome: AttemptOutcome, retriable: Bool, endedAt: Timestamp, output: Data?, error: String?) {
        self.step = step
        self.number = number
        self.outcome = outcome
        self.retriable = retriable
        self.endedAt = endedAt
        self.output = output
        self.error = error
    }
}

/// The start of a step attempt.
public struct AttemptStart: Sendable, Equatable {
    public var step: String
    public var number: Int
    public var startedAt: Timestamp

    public init(step: String, number: Int, startedAt: Timestamp) {
        self.step = step
        self.number = number
        self.startedAt = startedAt
    }
}

/// A durable sleep, recorded once when the body first reaches it.
public struct SleepRecord: Sendable, Equatable {
    public var step: String
    public var wakeAt: Timestamp

    public init(step: String, wakeAt: Timestamp) {
        self.step = step
        self.wakeAt = wakeAt
    }
}

/// What happens to the run in a commit.
public enum RunTransition: Sendable, Equatable {
    /// Keeps running; extends the lease when given.
    case keep(renewUntil: Timestamp?)
    /// Releases the lease until `until` (a durable sleep or a retry backoff).
    case wait(until: Timestamp)
    case complete
    case fail(String)
}

/// One transaction of a leased run: a step's end, the next step's start, a sleep, and the
/// run's transition, applied together or not at all.
public struct RunCommit: Sendable, Equatable {
    public var lease: Lease
    public var at: Timestamp
    public var finish: AttemptFinish?
    public var start: AttemptStart?
    public var sleep: SleepRecord?
    public var transition: RunTransition
    /// With `.complete` or `.fail`: claim the worker's next run in the same transaction.
    public var claimNext: ClaimRequest?

    public init(lease: Lease, at: Timestamp, finish: AttemptFinish? = nil, start: AttemptStart? = nil,
                sleep: SleepRecord? = nil, transition: RunTransition = .keep(renewUntil: nil), claimNext: ClaimRequest? = nil) {
        self.claimNext = claimNext
        self.lease = lease
        self.at = at
        self.finish = finish
        self.start = start
        self.sleep = sleep
        self.transition = transition
    }
}

/// Work left for a set of jobs.
public struct PendingWork: Sendable, Equatable {
    /// Runs not yet completed or failed.
    public var unfinished: Int
    /// The earliest time a queued or waiting run becomes ready.
    public var nextReadyAt: Timestamp?
    /// The earliest lease expiry among running runs.
    public var nextLeaseExpiry: Timestamp?
    /// Workers holding leases on running runs.
    public var leaseHolders: [WorkerIdentity]

    public init(unfinished: Int, nextReadyAt: Timestamp?, nextLeaseExpiry: Timestamp?, leaseHolders: [WorkerIdentity]) {
        self.unfinished = unfinished
        self.nextReadyAt = nextReadyAt
        self.nextLeaseExpiry = nextLeaseExpiry
        self.leaseHolders = leaseHolders
    }
}

/// Run status in the store.
public enum RunStatus: String, Sendable, CaseIterable {
    case queued, running, waiting, completed, failed
}

/// One run's totals from the ledger: the raw material of `UsageReport`.
public struct RunLedger: Sendable, Equatable {
    public var runID: String
    public var job: String
    public var status: RunStatus
    public var createdAt: Timestamp
    /// The latest moment recorded for the run (finish, attempt end, or creation).
    public var lastActivityAt: Timestamp
    /// Times the body was entered (the first execution and every replay).
    public var executions: Int
    /// Microseconds the run's executions held a worker (ended executions only).
    public var activeMicroseconds: Int64
    /// Distinct steps attempted (sleeps excluded).
    public var computeSteps: Int
    /// Step attempts of every outcome.
    public var attempts: Int
    /// Attempts that failed or were abandoned.
    public var failedAttempts: Int
    /// Microseconds of every ended attempt.
    public var computeMicroseconds: Int64
    /// Microseconds of the succeeded attempts.
    public var succeededMicroseconds: Int64
    /// Steps that succeeded.
    public var succeededSteps: Int
    public var sleeps: Int

    public init(runID: String, job: String, status: RunStatus, createdAt: Timestamp, lastActivityAt: Timestamp,
                executions: Int = 0, activeMicroseconds: Int64 = 0, computeSteps: Int = 0, attempts: Int = 0,
                failedAttempts: Int = 0, computeMicroseconds: Int64 = 0, succeededMicroseconds: Int64 = 0,
                succeededSteps: Int = 0, sleeps: Int = 0) {
        self.runID = runID
        self.job = job
        self.status = status
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.executions = executions
        self.activeMicroseconds = activeMicroseconds
        self.computeSteps = computeSteps
        self.attempts = attempts
        self.failedAttempts = failedAttempts
        self.computeMicroseconds = computeMicroseconds
        self.succeededMicroseconds = succeededMicroseconds
        self.succeededSteps = succeededSteps
        self.sleeps = sleeps
    }
}
