import Foundation

/// One worker: claims a ready run, replays its body, commits, and repeats until there is no
/// work left (or the executor stops). Several run side by side on their own threads.
final class WorkerLoop: @unchecked Sendable {
    let identity: WorkerIdentity
    let store: any JobStore
    let clock: any ExecutorClock
    let configuration: Executor.Configuration
    let definitions: [String: JobDefinition]
    private let shared: Executor.SharedState
    let keeper: LeaseKeeper?
    let marker: AttemptMarker?
    private var deadWorkers: Set<String> = []
    private var startedAttempts: [String: AttemptKey?] = [:]

    init(identity: WorkerIdentity, executor: Executor, shared: Executor.SharedState, keeper: LeaseKeeper?) {
        self.keeper = keeper
        marker = executor.configuration.markerFolder.flatMap { AttemptMarker(folder: $0, worker: identity.id) }
        self.identity = identity
        store = executor.store
        clock = executor.clock
        configuration = executor.configuration
        definitions = executor.definitions
        self.shared = shared
    }

    /// True once `Configuration.deadline` has passed.
    private var pastDeadline: Bool {
        guard let deadline = configuration.deadline else { return false }
        return clock.now() >= deadline
    }

    func fault(_ point: FaultPoint) {
        configuration.faultHook?(point)
    }

    func renewDue(from time: Timestamp) -> Timestamp {
        time + configuration.leaseSeconds / 3
    }


    /// Works until nothing is left for this worker's jobs, the stop flag is set, or the deadline
    /// passes. Runs synchronous bodies on the calling thread.
    func run(jobs: Set<String>) throws {
        defer { finishMarkers() }
        let limits = claimLimits(jobs)
        var idleRounds = 0
        // Bounded: each round either runs executions or waits; the loop ends when no
        // unfinished run of these jobs remains, on stop, or at the deadline.
        while !shared.isStopped {
            if pastDeadline { return }
            if var claimed = try store.claim(claimRequest(limits)) {
                idleRounds = 0
                // Bounded: each pass runs one execution; a run's end claims the next in the same
                // transaction while there is ready work, and the chain stops on stop or deadline.
                while let next = try execute(claimed, limits: limits) {
                    claimed = next
                }
                continue
            }
            guard let wait = try idle(jobs: jobs, rounds: &idleRounds) else { return }
            clock.sleep(seconds: wait)
        }
    }

    /// `run(jobs:)` for async bodies: the same loop, awaiting commits and waits.
    func runAsync(jobs: Set<String>) async throws {
        defer { finishMarkers() }
        let limits = claimLimits(jobs)
        var idleRounds = 0
        // Bounded as `run(jobs:)`; a cancelled task stops like the stop flag.
        while !shared.isStopped && !Task.isCancelled {
            if pastDeadline { return }
            if var claimed = try store.claim(claimRequest(limits)) {
                idleRounds = 0
                while let next = try await executeAsync(claimed, limits: limits) {
                    claimed = next
                }
                continue
            }
            guard let wait = try idle(jobs: jobs, rounds: &idleRounds) else { return }
            try? await clock.pause(seconds: wait)   // a cancellation ends the loop above
        }
    }

    private func claimLimits(_ jobs: Set<String>) -> [String: Int?] {
        definitions.filter { jobs.contains($0.key) }.mapValues(\.concurrency)
    }

    /// Nothing was ready to claim: nil when no unfinished run of `jobs` is left, else how long
    /// to wait before looking again (0 after learning of a dead worker whose runs can be taken).
    private func idle(jobs: Set<String>, rounds idleRounds: inout Int) throws -> Double? {
        let pending = try store.pending(jobs: jobs)
        if pending.unfinished == 0 { return nil }
        let dead = pending.leaseHolders.filter { $0.id != identity.id && !deadWorkers.contains($0.id) && $0.isKnownDead }
        if !dead.isEmpty {
            deadWorkers.formUnion(dead.map(\.id))
            if let folder = configuration.markerFolder {
                for worker in dead {
                    if let started = AttemptMarker.read(folder: folder, worker: worker.id) { startedAttempts[worker.id] = started }
                }
            }
            return 0
        }
        // Nothing is queued or waiting, and every running run is held by a worker of this same
        // call: those workers finish (or re-claim, after a sleep or backoff) their own runs, so
        // this one is done, rather than polling until the last of them ends.
        // (Never when this worker itself still holds a run: that lease must expire and be taken.)
        if pending.nextReadyAt == nil, !pending.leaseHolders.contains(where: { $0.id == identity.id }),
           pending.leaseHolders.allSatisfy({ shared.isMember($0.id) }) { return nil }
        idleRounds += 1
        let now = clock.now()
        let next = [pending.nextReadyAt, pending.nextLeaseExpiry].compactMap { $0 }.min()
        var wait = configuration.pollSeconds
        if let next { wait = min(wait, max(0, next - now)) }
        return max(wait, idleRounds > 1 ? 0.001 : 0)
    }

    /// Removes this worker's marker, and the markers of dead workers whose runs were taken over.
    private func finishMarkers() {
        marker?.remove()
        guard let folder = configuration.markerFolder else { return }
        for worker in startedAttempts.keys { AttemptMarker.discard(folder: folder, worker: worker) }
        rmdir(folder)   // only when empty: other workers' markers stay

    }

    private func claimRequest(_ limits: [String: Int?]) -> ClaimRequest {
        ClaimRequest(worker: identity.id, now: clock.now(), leaseSeconds: configuration.leaseSeconds,
                     jobs: limits, deadWorkers: deadWorkers, startedAttempts: startedAttempts)
    }

    /// The claim to make together with a run's end, unless the worker is to stop.
    private func nextClaim(_ limits: [String: Int?]) -> ClaimRequest? {
        if shared.isStopped { return nil }
        if pastDeadline { return nil }
        return claimRequest(limits)
    }

    /// Runs one execution of a synchronous body; returns the run claimed with its end, if any.
    private func execute(_ claimed: ClaimedRun, limits: [String: Int?]) throws -> ClaimedRun? {
        let definition = try definition(of: claimed)
        guard case .blocking(let body) = definition.body else { throw ExecutorError.database("job '\(claimed.job)' has an async body") }
        shared.record(.executionStarted)
        let context = RunContext(claimed: claimed, definition: definition, worker: self)
        var bodyError: (any Error)?
        do {
            try body(context)
        } catch is RunInterrupted {
        } catch let error as ExecutorError {
            throw error
        } catch {
            bodyError = error
        }
        guard bodyEnded(context.state, claimed) else { return nil }
        let next: ClaimedRun?
        do {
            next = try context.finish(error: bodyError, claimNext: nextClaim(limits))
        } catch is RunInterrupted {
            shared.record(.leaseLost(claimed.lease.runID))
            return nil
        }
        recordEnd(claimed, bodyError)
        return next
    }

    /// `execute` for an async body.
    private func executeAsync(_ claimed: ClaimedRun, limits: [String: Int?]) async throws -> ClaimedRun? {
        let definition = try definition(of: claimed)
        guard case .suspending(let body) = definition.body else { throw ExecutorError.database("job '\(claimed.job)' has a synchronous body") }
        shared.record(.executionStarted)
        let context = AsyncRunContext(claimed: claimed, definition: definition, worker: self)
        var bodyError: (any Error)?
        do {
            try await body(context)
        } catch is RunInterrupted {
        } catch let error as ExecutorError {
            throw error
        } catch {
            bodyError = error
        }
        guard bodyEnded(context.state, claimed) else { return nil }
        let next: ClaimedRun?
        do {
            next = try await context.finish(error: bodyError, claimNext: nextClaim(limits))
        } catch is RunInterrupted {
            shared.record(.leaseLost(claimed.lease.runID))
            return nil
        }
        recordEnd(claimed, bodyError)
        return next
    }

    private func definition(of claimed: ClaimedRun) throws -> JobDefinition {
        guard let definition = definitions[claimed.job] else { throw ExecutorError.unknownJob(claimed.job) }
        return definition
    }

    /// After the body returned: false (recorded) when it suspended or lost its lease, true when
    /// its end is to be committed.
    private func bodyEnded(_ state: RunState, _ claimed: ClaimedRun) -> Bool {
        switch state.interruption {
        case .leaseLost:
            shared.record(.leaseLost(claimed.lease.runID))
            return false
        case .suspended:
            shared.record(.suspended)
            return false
        case nil:
            return true
        }
    }

    private func recordEnd(_ claimed: ClaimedRun, _ bodyError: (any Error)?) {
        if let bodyError {
            shared.record(.failed(claimed.lease.runID, claimed.job, RunState.describe(bodyError)))
        } else {
            shared.record(.completed(claimed.lease.runID, claimed.job))
        }
    }
}
