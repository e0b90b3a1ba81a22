import Foundation

/// What a job's body sees while one execution of a run is in progress: durable steps and
/// sleeps. Used on the worker's thread only. (Async bodies get `AsyncRunContext`.)
///
/// A step's result is committed in the same transaction that records the next step's start (or
/// the run's sleep, retry or end): one transaction per step. A crash between a step's return
/// and that commit runs the step again, as a crash during it would; a committed step never runs
/// again.
public final class RunContext: ExecutionDetails {

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
        try RunState.decode(try runStep(name) { try RunState.encode(try work()) }, step: name)
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
        try sleep(name, until: state.worker.clock.now() + max(0, seconds))
    }

    /// Sleeps durably until `time` (a time recorded the first time the body reaches it).
    public func sleep(_ name: String, until time: Timestamp) throws {
        switch try state.beginSleep(name, until: time) {
        case .proceed:
            return
        case .commitAndProceed(let commit):
            try self.commit(commit)
        case .commitAndSuspend(let commit, let wake):
            try self.commit(commit)
            state.interruption = .suspended(until: wake)
            throw RunInterrupted()
        }
    }

    private func runStep(_ name: String, _ work: () throws -> Data?) throws -> Data? {
        switch try state.beginStep(name) {
        case .recorded(let output):
            return output
        case .start(let attempt):
            try commit(attempt.commit)
            state.workBegins(attempt)
            let result: Result<Data?, any Error>
            do {
                result = .success(try work())
            } catch {
                result = .failure(error)
            }
            switch try state.workEnded(attempt, result) {
            case .succeeded(let output):
                return output
            case .retry(let commit, let until):
                try self.commit(commit)
                state.interruption = .suspended(until: until)
                throw RunInterrupted()
            }
        }
    }

    // MARK: Run end (called by the worker)

    /// Commits the body's end: completed, or failed with `error`; with `claimNext`, claims the
    /// worker's next run in the same transaction and returns it.
    func finish(error: (any Error)?, claimNext: ClaimRequest?) throws -> ClaimedRun? {
        guard let commit = state.endCommit(error: error, claimNext: claimNext) else { return nil }
        return try self.commit(commit)
    }

    /// Writes `commit`; a refused commit (the lease is lost) interrupts the run.
    @discardableResult
    private func commit(_ commit: RunCommit) throws -> ClaimedRun? {
        let next: ClaimedRun?
        do {
            next = try state.worker.store.commit(commit)
        } catch ExecutorError.leaseLost {
            state.interruption = .leaseLost
            throw RunInterrupted()
        }
        state.committed(commit)
        return next
    }
}

/// What both kinds of body see about the execution in progress: `RunContext` (synchronous
/// bodies) and `AsyncRunContext` (async bodies). Not `Sendable`: one execution's steps run one
/// at a time, in the body's own task or thread.
public class ExecutionDetails {
    let state: RunState

    /// The run's id.
    public var runID: String { state.runID }
    /// The job's name.
    public var job: String { state.job }
    /// The input given at enqueue.
    public var input: Data? { state.input }
    /// The attempt now running, while a step's work runs (nil outside steps).
    public var currentAttempt: StepAttemptInfo? { state.currentAttempt }

    init(claimed: ClaimedRun, definition: JobDefinition, worker: WorkerLoop) {
        state = RunState(claimed: claimed, definition: definition, worker: worker)
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
