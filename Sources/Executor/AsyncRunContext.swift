import Foundation

/// What an async job body (`JobDefinition.async`) sees: the same durable steps and sleeps as
/// `RunContext`, but a step awaits its commit instead of blocking a thread. `Executor.run(inFlight:)`
/// keeps many runs going at once, and the commits they await at the same moment are written in
/// one transaction.
///
/// ```swift
/// let report = JobDefinition.async(name: "report") { run in
///     let rows: Int = try await run.step("count") { try await warehouse.count() }
///     try await run.sleep("settle", for: 60)
///     try await run.step("send") { try await mailer.send(rows) }
/// }
/// ```
///
/// One execution's body runs as one task; the context is not `Sendable`, so steps cannot be
/// started from child tasks (`async let`, task groups) and interleave: a run's steps run one at
/// a time, which is what its ledger records.
public final class AsyncRunContext: ExecutionDetails {

    /// Runs `work` once, durably (see `RunContext.step`): a step that already succeeded returns
    /// its recorded result without running.
    public func step<T: Codable>(_ name: String, _ work: () async throws -> T) async throws -> T {
        try RunState.decode(try await runStep(name) { try RunState.encode(try await work()) }, step: name)
    }

    /// A step without a result.
    public func step(_ name: String, _ work: () async throws -> Void) async throws {
        _ = try await runStep(name) { try await work(); return nil }
    }

    /// A step whose result is raw bytes, stored as given (no encoding).
    public func stepData(_ name: String, _ work: () async throws -> Data?) async throws -> Data? {
        try await runStep(name, work)
    }

    /// Sleeps durably for `seconds` from the first time the body reaches this sleep.
    public func sleep(_ name: String, for seconds: Double) async throws {
        try await sleep(name, until: state.worker.clock.now() + max(0, seconds))
    }

    /// Sleeps durably until `time` (a time recorded the first time the body reaches it).
    public func sleep(_ name: String, until time: Timestamp) async throws {
        switch try state.beginSleep(name, until: time) {
        case .proceed:
            return
        case .commitAndProceed(let commit):
            try await self.commit(commit)
        case .commitAndSuspend(let commit, let wake):
            try await self.commit(commit)
            state.interruption = .suspended(until: wake)
            throw RunInterrupted()
        }
    }

    private func runStep(_ name: String, _ work: () async throws -> Data?) async throws -> Data? {
        switch try state.beginStep(name) {
        case .recorded(let output):
            return output
        case .start(let attempt):
            try await commit(attempt.commit)
            state.workBegins(attempt)
            let result: Result<Data?, any Error>
            do {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            switch try state.workEnded(attempt, result) {
            case .succeeded(let output):
                return output
            case .retry(let commit, let until):
                try await self.commit(commit)
                state.interruption = .suspended(until: until)
                throw RunInterrupted()
            }
        }
    }

    /// Commits the body's end (see `RunContext.finish`).
    func finish(error: (any Error)?, claimNext: ClaimRequest?) async throws -> ClaimedRun? {
        guard let commit = state.endCommit(error: error, claimNext: claimNext) else { return nil }
        return try await self.commit(commit)
    }

    @discardableResult
    private func commit(_ commit: RunCommit) async throws -> ClaimedRun? {
        let next: ClaimedRun?
        do {
            next = try await state.worker.store.commitAsync(commit)
        } catch ExecutorError.leaseLost {
            state.interruption = .leaseLost
            throw RunInterrupted()
        }
        state.committed(commit)
        return next
    }
}
