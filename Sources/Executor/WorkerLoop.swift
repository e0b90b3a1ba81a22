import Foundation

/// One worker: claims a ready run, replays its body, commits, and repeats until there is no
/// work left (or the executor stops). Several run side by side on their own threads.
final class WorkerLoop: @unchecked Sendable {
    let identity: WorkerIdentity
    let store: any JobStore
    let clock: any ExecutorClock
    let configuration: Executor.Configuration
    let definitions: [String: JobDefinition]
    let seed: UInt64
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
        seed = executor.configuration.seed
        self.shared = shared
    }

    func fault(_ point: FaultPoint) {
        configuration.faultHook?(point)
    }

    func renewDue(from time: Timestamp) -> Timestamp {
        time + configuration.leaseSeconds / 3
    }


    /// Works until nothing is left for this worker's jobs, the stop flag is set, or the deadline
    /// passes.
    func run(jobs: Set<String>) throws {
        defer { finishMarkers() }
        let limits = definitions.filter { jobs.contains($0.key) }.mapValues(\.concurrency)
        var idleRounds = 0
        // Bounded: each round either runs one execution or waits; the loop ends when no
        // unfinished run of these jobs remains, on stop, or at the deadline.
        while !shared.isStopped {
            if let deadline = configuration.deadline, clock.now() >= deadline { return }
            if var claimed = try store.claim(claimRequest(limits)) {
                idleRounds = 0
                // Bounded: each pass runs one execution; a run's end claims the next in the same
                // transaction while there is ready work, and the chain stops on stop or deadline.
                while let next = try execute(claimed, limits: limits) {
                    claimed = next
                }
                continue
            }
            let pending = try store.pending(jobs: jobs)
            if pending.unfinished == 0 { return }
            let dead = pending.leaseHolders.filter { $0.id != identity.id && !deadWorkers.contains($0.id) && $0.isKnownDead }
            if !dead.isEmpty {
                deadWorkers.formUnion(dead.map(\.id))
                if let folder = configuration.markerFolder {
                    for worker in dead {
                        if let started = AttemptMarker.read(folder: folder, worker: worker.id) { startedAttempts[worker.id] = started }
                    }
                }
                continue
            }
            idleRounds += 1
            let now = clock.now()
            let next = [pending.nextReadyAt, pending.nextLeaseExpiry].compactMap { $0 }.min()
            var wait = configuration.pollSeconds
            if let next { wait = min(wait, max(0, next - now)) }
            clock.sleep(seconds: max(wait, idleRounds > 1 ? 0.001 : 0))
        }
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
        if let deadline = configuration.deadline, clock.now() >= deadline { return nil }
        return claimRequest(limits)
    }

    /// Runs one execution; returns the run claimed with its end, if any.
    private func execute(_ claimed: ClaimedRun, limits: [String: Int?]) throws -> ClaimedRun? {
        guard let definition = definitions[claimed.job] else {
            throw ExecutorError.unknownJob(claimed.job)
        }
        shared.record(.executionStarted)
        let context = RunContext(claimed: claimed, definition: definition, worker: self)
        var bodyError: (any Error)?
        do {
            try definition.body(context)
        } catch is RunInterrupted {
        } catch let error as ExecutorError {
            throw error
        } catch {
            bodyError = error
        }
        switch context.interruption {
        case .leaseLost:
            shared.record(.leaseLost(claimed.lease.runID))
            return nil
        case .suspended:
            shared.record(.suspended)
            return nil
        case nil:
            break
        }
        let next: ClaimedRun?
        do {
            next = try context.finish(error: bodyError, claimNext: nextClaim(limits))
        } catch is RunInterrupted {
            shared.record(.leaseLost(claimed.lease.runID))
            return nil
        }
        if let bodyError {
            shared.record(.failed(claimed.lease.runID, claimed.job, RunContext.describe(bodyError)))
        } else {
            shared.record(.completed(claimed.lease.runID, claimed.job))
        }
        return next
    }
}
