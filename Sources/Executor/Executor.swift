import Foundation

/// Runs jobs durably: enqueue runs, then let workers claim them, replay their bodies and record
/// every run, execution, step attempt and sleep in the store in the same transaction as the
/// state change it belongs to.
///
/// ```swift
/// let store = try SQLiteStore(path: "jobs.db")
/// let executor = Executor(store: store, jobs: [sync])
/// _ = try executor.enqueue(job: "nightly-sync", idempotencyKey: "2026-11-29")
/// let summary = try executor.run(workers: 2)   // returns when no run is left unfinished
/// summary.completed.count                      // 1
/// ```
public final class Executor: @unchecked Sendable {
    /// How workers behave.
    public struct Configuration: Sendable {
        /// How long a claimed run stays leased without a renewal.
        public var leaseSeconds: Double = 30
        /// The longest idle wait between looks for work.
        public var pollSeconds: Double = 0.05
        /// Renew leases from a background thread during long steps (off with virtual clocks).
        public var heartbeat: Bool = true
        /// Seeds the retry jitter.
        public var seed: UInt64 = 0
        /// Stop working at this time, even with work left.
        public var deadline: Timestamp?
        /// Called at each fault point; crash tests kill the process there.
        public var faultHook: (@Sendable (FaultPoint) -> Void)?
        /// Folder of per-worker attempt markers (see `AttemptMarker`), shared by the workers of
        /// one ledger on one host; nil counts every interrupted attempt as abandoned.
        public var markerFolder: String?

        public init(leaseSeconds: Double = 30, pollSeconds: Double = 0.05, heartbeat: Bool = true, seed: UInt64 = 0,
                    deadline: Timestamp? = nil, faultHook: (@Sendable (FaultPoint) -> Void)? = nil, markerFolder: String? = nil) {
            self.markerFolder = markerFolder
            precondition(leaseSeconds > 0, "a lease lasts a positive time")
            self.leaseSeconds = leaseSeconds
            self.pollSeconds = pollSeconds
            self.heartbeat = heartbeat
            self.seed = seed
            self.deadline = deadline
            self.faultHook = faultHook
        }
    }

    /// What one `run` call did.
    public struct Summary: Sendable, Equatable {
        /// Runs this call completed, in completion order.
        public var completed: [String] = []
        /// Runs this call failed, with the error.
        public var failed: [(runID: String, job: String, message: String)] = []
        /// Times a body was entered (first executions and replays).
        public var executions = 0
        /// Executions that suspended for a sleep or a retry backoff.
        public var suspensions = 0
        /// Runs whose lease was lost while this call held them (another worker finished them).
        public var leasesLost = 0

        public static func == (lhs: Summary, rhs: Summary) -> Bool {
            lhs.completed == rhs.completed && lhs.failed.map(\.runID) == rhs.failed.map(\.runID)
                && lhs.executions == rhs.executions && lhs.suspensions == rhs.suspensions && lhs.leasesLost == rhs.leasesLost
        }
    }

    let store: any JobStore
    let clock: any ExecutorClock
    let ids: any IDGenerator
    let configuration: Configuration
    let definitions: [String: JobDefinition]

    /// An executor for `jobs` (names must be unique).
    public init(store: any JobStore, jobs: [JobDefinition], clock: any ExecutorClock = SystemClock(),
                ids: any IDGenerator = RandomIDs(), configuration: Configuration = Configuration()) {
        var definitions: [String: JobDefinition] = [:]
        for job in jobs {
            precondition(definitions[job.name] == nil, "two jobs named '\(job.name)'")
            definitions[job.name] = job
        }
        self.store = store
        self.clock = clock
        self.ids = ids
        self.configuration = configuration
        self.definitions = definitions
    }

    /// Adds a run of `job`; with an idempotency key, a second enqueue returns the first run.
    public func enqueue(job: String, input: Data? = nil, idempotencyKey: String? = nil, at time: Timestamp? = nil) throws -> EnqueueResult {
        try enqueue([EnqueueRequest(job: job, input: input, idempotencyKey: idempotencyKey, availableAt: time)])[0]
    }

    /// Adds several runs in one transaction (all or none), in order; a request whose job and
    /// idempotency key match an existing run (or an earlier request) returns that run.
    ///
    /// ```swift
    /// let runs = try executor.enqueue(Array(repeating: EnqueueRequest(job: "noop"), count: 1000))
    /// ```
    public func enqueue(_ requests: [EnqueueRequest]) throws -> [EnqueueResult] {
        for request in requests where definitions[request.job] == nil { throw ExecutorError.unknownJob(request.job) }
        guard !requests.isEmpty else { return [] }
        return try store.enqueue(requests.map { ($0, ids.makeID(prefix: "run")) }, at: clock.now())
    }

    /// Runs workers until no run of `jobs` (default: every defined job with a synchronous
    /// body) is unfinished: queued, waiting (sleeping or backing off) or leased by any worker,
    /// this process's or another's. Jobs with async bodies are left to `run(inFlight:)`.
    ///
    /// - Parameter workers: worker threads in this process.
    /// - Throws: the first operating error (the database), after every worker stopped.
    public func run(workers: Int = 1, jobs: Set<String>? = nil) throws -> Summary {
        precondition(workers >= 1, "at least one worker")
        let jobs = (jobs ?? Set(definitions.keys)).filter { definitions[$0].map { !$0.isAsync } ?? true }
        let shared = SharedState()
        let keeper = makeKeeper()
        defer { keeper?.stop() }
        let loops = try makeWorkers(workers, shared: shared, keeper: keeper)
        if workers == 1 {
            do { try loops[0].run(jobs: jobs) } catch { shared.fail(error) }
        } else {
            let group = DispatchGroup()
            for loop in loops {
                group.enter()
                let thread = Thread {
                    do { try loop.run(jobs: jobs) } catch { shared.fail(error) }
                    group.leave()
                }
                thread.name = "costsim-worker"
                thread.stackSize = 4 << 20
                thread.start()
            }
            group.wait()
        }
        if let error = shared.firstError { throw error }
        return shared.summary
    }

    /// Runs the jobs with async bodies (`JobDefinition.async`) until none of their runs is
    /// unfinished, keeping up to `inFlight` runs going at once as tasks. Each in-flight slot is
    /// a worker of its own in the ledger (leases, attempt markers); the commits the slots await
    /// at the same moment are written in one transaction.
    ///
    /// ```swift
    /// let summary = try await executor.run(inFlight: 64)
    /// ```
    /// - Throws: the first operating error (the database), after every slot stopped.
    public func run(inFlight: Int, jobs: Set<String>? = nil) async throws -> Summary {
        precondition(inFlight >= 1, "at least one run in flight")
        let jobs = (jobs ?? Set(definitions.keys)).filter { definitions[$0]?.isAsync ?? true }
        let shared = SharedState()
        let keeper = makeKeeper()
        defer { keeper?.stop() }
        let loops = try makeWorkers(inFlight, shared: shared, keeper: keeper)
        await withTaskGroup(of: Void.self) { group in
            for loop in loops {
                group.addTask {
                    do { try await loop.runAsync(jobs: jobs) } catch { shared.fail(error) }
                }
            }
        }
        if let error = shared.firstError { throw error }
        return shared.summary
    }

    /// The heartbeat that renews the leases of runs in long steps (`Configuration.heartbeat`).
    private func makeKeeper() -> LeaseKeeper? {
        configuration.heartbeat ? LeaseKeeper(store: store, clock: clock, leaseSeconds: configuration.leaseSeconds) : nil
    }

    private func makeWorkers(_ count: Int, shared: SharedState, keeper: LeaseKeeper?) throws -> [WorkerLoop] {
        let identities = (0..<count).map { _ in WorkerIdentity.current(id: ids.makeID(prefix: "worker")) }
        try store.registerWorkers(identities, at: clock.now())
        return identities.map { identity in
            shared.join(identity.id)
            return WorkerLoop(identity: identity, executor: self, shared: shared, keeper: keeper)
        }
    }

    /// State the workers of one `run` share.
    final class SharedState: @unchecked Sendable {
        enum Event {
            case executionStarted, suspended
            case completed(String, String)
            case failed(String, String, String)
            case leaseLost(String)
        }

        private let lock = NSLock()
        private var stopped = false
        /// The workers of this call.
        private var members: Set<String> = []
        private(set) var firstError: (any Error)?
        private var collected = Summary()

        var isStopped: Bool { lock.withLock { stopped } }

        func isMember(_ worker: String) -> Bool { lock.withLock { members.contains(worker) } }

        func join(_ worker: String) { lock.withLock { _ = members.insert(worker) } }
        var summary: Summary { lock.withLock { collected } }

        func fail(_ error: any Error) {
            lock.withLock {
                if firstError == nil { firstError = error }
                stopped = true
            }
        }

        func record(_ event: Event) {
            lock.withLock {
                switch event {
                case .executionStarted: collected.executions += 1
                case .suspended: collected.suspensions += 1
                case .completed(let id, _): collected.completed.append(id)
                case .failed(let id, let job, let message): collected.failed.append((id, job, message))
                case .leaseLost: collected.leasesLost += 1
                }
            }
        }
    }
}
