import Foundation

/// What a job's body sees while one execution of a run is in progress: durable steps and
/// sleeps. Used on the worker's thread only.
///
/// A step's result is committed in the same transaction that records the next step's start (or
/// the run's sleep, retry or end): one transaction per step. A crash between a step's return
/// and that commit runs the step again, as a crash during it would; a committed step never runs
/// again.
public final class RunContext {
    /// The run's id.
    public let runID: String
    /// The job's name.
    public let job: String
    /// The input given at enqueue.
    public let input: Data?
    /// The attempt now running, while a step's work runs (nil outside steps).
    public private(set) var currentAttempt: StepAttemptInfo?

    let worker: WorkerLoop
    let definition: JobDefinition
    private(set) var lease: Lease
    private var leaseRenewDue: Timestamp
    /// Attempts so far by step, oldest first.
    private var attempts: [String: [StepAttemptRecord]] = [:]
    private var sleeps: [String: Timestamp]
    /// Occurrences of each step name in this execution, to tell repeated names apart.
    private var seen: [String: Int] = [:]
    /// A step that ended and whose end is not yet committed.
    private var pendingFinish: AttemptFinish?
    /// Set once the run suspended, ended or lost its lease: nothing more may be recorded.
    private(set) var interruption: Interruption?

    enum Interruption: Equatable {
        case suspended(until: Timestamp)
        case leaseLost
    }

    init(claimed: ClaimedRun, definition: JobDefinition, worker: WorkerLoop) {
        runID = claimed.lease.runID
        job = claimed.job
        input = claimed.input
        lease = claimed.lease
        sleeps = claimed.sleeps
        self.definition = definition
        self.worker = worker
        leaseRenewDue = worker.renewDue(from: worker.clock.now())
        for attempt in claimed.attempts {
            attempts[attempt.step, default: []].append(attempt)
        }
    }

    // MARK: Steps

    /// Runs `work` once, durably: when this step already succeeded (in an earlier execution of
    /// this run) its recorded result is returned and `work` does not run.
    ///
    /// ```swift
    /// let count: Int = try run.step("count-rows") { try database.count() }
    /// ```
    /// A thrown error is retried per the job's policy (the run suspends for the backoff and the
    /// body replays); `NonRetriableError` or spent attempts throw `StepFailedError`.
    public func step<T: Codable>(_ name: String, _ work: () throws -> T) throws -> T {
        guard let data = try runStep(name, { try JSONEncoder().encode(Box(value: try work())) }) else {
            throw NonRetriableError("step '\(name)' recorded no result")
        }
        do {
            return try JSONDecoder().decode(Box<T>.self, from: data).value
        } catch {
            throw NonRetriableError("step '\(name)': its recorded result no longer decodes as \(T.self): \(error)")
        }
    }

    /// A step without a result.
    public func step(_ name: String, _ work: () throws -> Void) throws {
        _ = try runStep(name) { try work(); return nil }
    }

    /// A step whose result is raw bytes, stored as given (no encoding).
    public func stepData(_ name: String, _ work: () throws -> Data?) throws -> Data? {
        try runStep(name, work)
    }

    /// Sleeps durably for `seconds` from the first time the body reaches this sleep: the run
    /// releases its worker and resumes (replaying the body) once the time has come.
    public func sleep(_ name: String, for seconds: Double) throws {
        try sleep(name, until: worker.clock.now() + max(0, seconds))
    }

    /// Sleeps durably until `time` (a time recorded the first time the body reaches it).
    public func sleep(_ name: String, until time: Timestamp) throws {
        try checkUsable()
        let name = uniqueName(name)
        let now = worker.clock.now()
        if let wake = sleeps[name] {
            if now >= wake { return }
            try commit(transition: .wait(until: wake), at: now)
            interruption = .suspended(until: wake)
            throw RunInterrupted()
        }
        sleeps[name] = time
        let record = SleepRecord(step: name, wakeAt: time)
        if now >= time {
            try commit(sleep: record, transition: renewal(now), at: now)
            return
        }
        try commit(sleep: record, transition: .wait(until: time), at: now)
        interruption = .suspended(until: time)
        throw RunInterrupted()
    }

    private struct Box<T: Codable>: Codable {
        var value: T
    }

    private func runStep(_ name: String, _ work: () throws -> Data?) throws -> Data? {
        try checkUsable()
        let name = uniqueName(name)
        let history = (attempts[name] ?? []).filter { $0.outcome != .unstarted }
        if let done = history.first(where: { $0.outcome == .succeeded }) {
            return done.output
        }
        let spent = history.count
        if let last = history.last, last.outcome == .failed, !last.retriable || spent >= definition.retries.maxAttempts {
            throw StepFailedError(step: name, attempts: spent, message: last.error ?? "failed", nonRetriable: !last.retriable)
        }
        if spent >= definition.retries.maxAttempts {
            throw StepFailedError(step: name, attempts: spent, message: "its attempts were abandoned (the worker crashed or lost its lease)",
                                  nonRetriable: false)
        }
        let number = ((attempts[name] ?? []).map(\.number).max() ?? 0) + 1
        worker.fault(.beforeStep(name))
        let started = worker.clock.now()
        try commit(start: AttemptStart(step: name, number: number, startedAt: started), transition: renewal(started), at: started)
        var record = StepAttemptRecord(step: name, number: number, outcome: .running, retriable: true, output: nil, error: nil,
                                       startedAt: started, endedAt: nil)
        attempts[name, default: []].append(record)
        currentAttempt = StepAttemptInfo(runID: runID, job: job, step: name, attempt: number, maxAttempts: definition.retries.maxAttempts)
        let result: Result<Data?, any Error>
        worker.keeper?.hold(lease)
        worker.marker?.mark(AttemptKey(runID: runID, step: name, number: number))
        do {
            result = .success(try work())
        } catch {
            result = .failure(error)
        }
        worker.keeper?.release(lease)
        currentAttempt = nil
        let ended = max(worker.clock.now(), started)
        worker.fault(.afterSideEffect(name))
        switch result {
        case .success(let output):
            record.outcome = .succeeded
            record.output = output
            record.endedAt = ended
            attempts[name]![attempts[name]!.count - 1] = record
            pendingFinish = AttemptFinish(step: name, number: number, outcome: .succeeded, retriable: true,
                                          endedAt: ended, output: output, error: nil)
            return output
        case .failure(let error):
            if error is RunInterrupted { throw error }
            let nonRetriable = error is NonRetriableError
            let message = Self.describe(error)
            record.outcome = .failed
            record.retriable = !nonRetriable
            record.error = message
            record.endedAt = ended
            attempts[name]![attempts[name]!.count - 1] = record
            let finish = AttemptFinish(step: name, number: number, outcome: .failed, retriable: !nonRetriable,
                                       endedAt: ended, output: nil, error: message)
            if !nonRetriable && number < definition.retries.maxAttempts {
                let unit = RetryPolicy.unit(seed: worker.seed, runID: runID, step: name, attempt: number)
                let retryAt = ended + definition.retries.delaySeconds(afterAttempt: number, unit: unit)
                pendingFinish = finish
                try commit(transition: .wait(until: retryAt), at: ended)
                interruption = .suspended(until: retryAt)
                throw RunInterrupted()
            }
            pendingFinish = finish
            throw StepFailedError(step: name, attempts: number, message: message, nonRetriable: nonRetriable)
        }
    }

    // MARK: Run end (called by the worker)

    /// Commits the body's end: completed, or failed with `error`; with `claimNext`, claims the
    /// worker's next run in the same transaction and returns it.
    func finish(error: (any Error)?, claimNext: ClaimRequest?) throws -> ClaimedRun? {
        guard interruption == nil else { return nil }
        let now = worker.clock.now()
        if let error {
            return try commit(transition: .fail(Self.describe(error)), at: now, claimNext: claimNext)
        } else {
            return try commit(transition: .complete, at: now, claimNext: claimNext)
        }
    }

    // MARK: Helpers

    private func checkUsable() throws {
        if interruption != nil { throw RunInterrupted() }
    }

    private func uniqueName(_ name: String) -> String {
        precondition(!name.isEmpty, "a step needs a name")
        seen[name, default: 0] += 1
        let count = seen[name]!
        return count == 1 ? name : "\(name)#\(count)"
    }

    private func renewal(_ now: Timestamp) -> RunTransition {
        guard now >= leaseRenewDue else { return .keep(renewUntil: nil) }
        return .keep(renewUntil: now + worker.configuration.leaseSeconds)
    }

    /// One transaction: the pending step end plus whatever is given. Fires `after-commit` for
    /// the step whose end it made durable.
    @discardableResult
    private func commit(start: AttemptStart? = nil, sleep: SleepRecord? = nil, transition: RunTransition, at time: Timestamp,
                        claimNext: ClaimRequest? = nil) throws -> ClaimedRun? {
        let finish = pendingFinish
        let commit = RunCommit(lease: lease, at: time, finish: finish, start: start, sleep: sleep, transition: transition,
                               claimNext: claimNext)
        let next: ClaimedRun?
        do {
            next = try worker.store.commit(commit)
        } catch ExecutorError.leaseLost {
            interruption = .leaseLost
            throw RunInterrupted()
        }
        pendingFinish = nil
        if case .keep(let renewed?) = transition {
            leaseRenewDue = worker.renewDue(from: renewed + (-worker.configuration.leaseSeconds))
        }
        if let finish { worker.fault(.afterCommit(finish.step)) }
        return next
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }
}

/// The attempt a step's work is running as: for logs, idempotency keys and child processes.
public struct StepAttemptInfo: Sendable, Equatable {
    public var runID: String
    public var job: String
    public var step: String
    /// 1 for the first attempt.
    public var attempt: Int
    public var maxAttempts: Int
}
