import Foundation

/// One execution of a run as the executor tracks it: what its steps and sleeps recorded so far,
/// and which commit each step, sleep, retry or end makes. `RunContext` (synchronous bodies) and
/// `AsyncRunContext` (async bodies) drive it and differ only in how they wait for a commit.
///
/// A step's result is committed in the same transaction that records the next step's start (or
/// the run's sleep, retry or end): one transaction per step. A crash between a step's return
/// and that commit runs the step again, as a crash during it would; a committed step never runs
/// again.
final class RunState {
    var runID: String { lease.runID }
    let job: String
    let input: Data?
    let worker: WorkerLoop
    let definition: JobDefinition
    let lease: Lease
    private var leaseRenewDue: Timestamp
    /// Attempts so far by step, oldest first.
    private var attempts: [String: [StepAttemptRecord]] = [:]
    private var sleeps: [String: Timestamp]
    /// Occurrences of each step name in this execution, to tell repeated names apart, and every
    /// name given out so far (so a generated `send#2` never collides with a step named so).
    private var seen: [String: Int] = [:]
    private var given: Set<String> = []
    /// A step that ended and whose end is not yet committed.
    private var pendingFinish: AttemptFinish?
    /// Set once the run suspended, ended or lost its lease: nothing more may be recorded.
    var interruption: Interruption?
    /// The attempt now running, while a step's work runs.
    private(set) var currentAttempt: StepAttemptInfo?

    enum Interruption: Equatable {
        case suspended(until: Timestamp)
        case leaseLost
    }

    init(claimed: ClaimedRun, definition: JobDefinition, worker: WorkerLoop) {
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

    /// An attempt about to start: its commit (the previous step's end and this start) must be
    /// written before its work begins.
    struct StartingAttempt {
        var step: String
        var number: Int
        var startedAt: Timestamp
        var commit: RunCommit
    }

    enum StepBegin {
        /// The step succeeded in an earlier execution: its recorded result.
        case recorded(Data?)
        case start(StartingAttempt)
    }

    /// Decides what `step(name)` does: return a recorded result, fail for good, or start an attempt.
    func beginStep(_ name: String) throws -> StepBegin {
        try checkUsable()
        let name = uniqueName(name)
        let history = (attempts[name] ?? []).filter { $0.outcome != .unstarted }
        if let done = history.first(where: { $0.outcome == .succeeded }) {
            return .recorded(done.output)
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
        let commit = makeCommit(start: AttemptStart(step: name, number: number, startedAt: started), transition: renewal(started), at: started)
        return .start(StartingAttempt(step: name, number: number, startedAt: started, commit: commit))
    }

    /// The attempt's start is committed: its work begins now.
    func workBegins(_ attempt: StartingAttempt) {
        attempts[attempt.step, default: []].append(StepAttemptRecord(
            step: attempt.step, number: attempt.number, outcome: .running, retriable: true, output: nil, error: nil,
            startedAt: attempt.startedAt, endedAt: nil))
        currentAttempt = StepAttemptInfo(runID: runID, job: job, step: attempt.step, attempt: attempt.number,
                                         maxAttempts: definition.retries.maxAttempts)
        worker.keeper?.hold(lease)
        worker.marker?.mark(AttemptKey(runID: runID, step: attempt.step, number: attempt.number))
    }

    enum StepEnd {
        case succeeded(Data?)
        /// The attempt failed and will be retried: commit this (the run waits for its backoff),
        /// then suspend until `until`.
        case retry(RunCommit, until: Timestamp)
    }

    /// Records how the attempt's work ended. Throws `StepFailedError` when the step failed for
    /// good, and rethrows `RunInterrupted`.
    func workEnded(_ attempt: StartingAttempt, _ result: Result<Data?, any Error>) throws -> StepEnd {
        worker.keeper?.release(lease)
        currentAttempt = nil
        let ended = max(worker.clock.now(), attempt.startedAt)
        worker.fault(.afterSideEffect(attempt.step))
        let index = attempts[attempt.step]!.count - 1
        var record = attempts[attempt.step]![index]
        switch result {
        case .success(let output):
            record.outcome = .succeeded
            record.output = output
            record.endedAt = ended
            attempts[attempt.step]![index] = record
            pendingFinish = AttemptFinish(step: attempt.step, number: attempt.number, outcome: .succeeded, retriable: true,
                                          endedAt: ended, output: output, error: nil)
            return .succeeded(output)
        case .failure(let error):
            if error is RunInterrupted { throw error }
            let nonRetriable = error is NonRetriableError
            let message = Self.describe(error)
            record.outcome = .failed
            record.retriable = !nonRetriable
            record.error = message
            record.endedAt = ended
            attempts[attempt.step]![index] = record
            pendingFinish = AttemptFinish(step: attempt.step, number: attempt.number, outcome: .failed, retriable: !nonRetriable,
                                          endedAt: ended, output: nil, error: message)
            if !nonRetriable && attempt.number < definition.retries.maxAttempts {
                let unit = RetryPolicy.unit(seed: worker.configuration.seed, runID: runID, step: attempt.step, attempt: attempt.number)
                let retryAt = ended + definition.retries.delaySeconds(afterAttempt: attempt.number, unit: unit)
                return .retry(makeCommit(transition: .wait(until: retryAt), at: ended), until: retryAt)
            }
            throw StepFailedError(step: attempt.step, attempts: attempt.number, message: message, nonRetriable: nonRetriable)
        }
    }

    // MARK: Sleeps

    enum SleepPlan {
        /// The sleep is over (or took no time): go on.
        case proceed
        /// Commit, then go on.
        case commitAndProceed(RunCommit)
        /// Commit, then suspend until the wake time.
        case commitAndSuspend(RunCommit, until: Timestamp)
    }

    /// Decides what `sleep(name, until: time)` does; `time` counts only the first time the body
    /// reaches this sleep.
    func beginSleep(_ name: String, until time: Timestamp) throws -> SleepPlan {
        try checkUsable()
        let name = uniqueName(name)
        let now = worker.clock.now()
        if let wake = sleeps[name] {
            if now >= wake { return .proceed }
            return .commitAndSuspend(makeCommit(transition: .wait(until: wake), at: now), until: wake)
        }
        sleeps[name] = time
        let record = SleepRecord(step: name, wakeAt: time)
        if now >= time {
            return .commitAndProceed(makeCommit(sleep: record, transition: renewal(now), at: now))
        }
        return .commitAndSuspend(makeCommit(sleep: record, transition: .wait(until: time), at: now), until: time)
    }

    // MARK: The end

    /// The body's end as a commit: completed, or failed with `error`; nil when the execution
    /// was already interrupted.
    func endCommit(error: (any Error)?, claimNext: ClaimRequest?) -> RunCommit? {
        guard interruption == nil else { return nil }
        let now = worker.clock.now()
        return makeCommit(transition: error.map { .fail(Self.describe($0)) } ?? .complete, at: now, claimNext: claimNext)
    }

    // MARK: Commits

    /// One transaction: the pending step end plus whatever is given.
    private func makeCommit(start: AttemptStart? = nil, sleep: SleepRecord? = nil, transition: RunTransition, at time: Timestamp,
                            claimNext: ClaimRequest? = nil) -> RunCommit {
        RunCommit(lease: lease, at: time, finish: pendingFinish, start: start, sleep: sleep, transition: transition, claimNext: claimNext)
    }

    /// `commit` was written: clears the pending step end and fires `after-commit` for the step
    /// whose end it made durable.
    func committed(_ commit: RunCommit) {
        pendingFinish = nil
        if case .keep(renewUntil: _?) = commit.transition {
            // Renewed from the commit's time (`renewal`).
            leaseRenewDue = worker.renewDue(from: commit.at)
        }
        if let finish = commit.finish { worker.fault(.afterCommit(finish.step)) }
    }

    // MARK: Helpers

    func checkUsable() throws {
        if interruption != nil { throw RunInterrupted() }
    }

    /// `name` the first time, then `name#2`, `name#3`…, skipping any name already given out in
    /// this execution. The same calls in the same order get the same names on every replay.
    private func uniqueName(_ name: String) -> String {
        precondition(!name.isEmpty, "a step needs a name")
        var count = seen[name, default: 0]
        var candidate: String
        // Bounded: each pass takes a higher count, and `given` is finite.
        repeat {
            count += 1
            candidate = count == 1 ? name : "\(name)#\(count)"
        } while given.contains(candidate)
        seen[name] = count
        given.insert(candidate)
        return candidate
    }

    private func renewal(_ now: Timestamp) -> RunTransition {
        guard now >= leaseRenewDue else { return .keep(renewUntil: nil) }
        return .keep(renewUntil: now + worker.configuration.leaseSeconds)
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }

    /// A step result stored as JSON (`{"value": …}`), so that any `Codable` value round-trips.
    struct Box<T: Codable>: Codable {
        var value: T
    }

    static func encode<T: Codable>(_ value: T) throws -> Data {
        try JSONEncoder().encode(Box(value: value))
    }

    static func decode<T: Codable>(_ data: Data?, step name: String) throws -> T {
        guard let data else { throw NonRetriableError("step '\(name)' recorded no result") }
        do {
            return try JSONDecoder().decode(Box<T>.self, from: data).value
        } catch {
            throw NonRetriableError("step '\(name)': its recorded result no longer decodes as \(T.self): \(error)")
        }
    }
}
