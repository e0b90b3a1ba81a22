import Foundation
import GRDB
import Testing
@testable import Executor

/// Leases, fencing, recovery of a dead worker's run, and the concurrency limit, at the store
/// and executor level (the crash tests with real processes are in CrashTests).
@Suite struct LeaseAndRecoveryTests {
    func claim(_ h: Harness, worker: String, jobs: [String: Int?] = ["job": nil], lease: Double = 30, dead: Set<String> = []) throws -> ClaimedRun? {
        try h.store.claim(ClaimRequest(worker: worker, now: h.clock.now(), leaseSeconds: lease, jobs: jobs, deadWorkers: dead))
    }

    func register(_ h: Harness, _ ids: String...) throws {
        for id in ids { try h.store.registerWorker(WorkerIdentity(id: id, host: "elsewhere", pid: 1, processStart: nil), at: h.clock.now()) }
    }

    @Test func aLateCommitFromAnExpiredLeaseIsRefused() throws {
        let h = try Harness()
        try register(h, "a", "b")
        let run = try h.store.enqueue(EnqueueRequest(job: "job"), id: "run-1", at: h.clock.now())
        let a = try #require(try claim(h, worker: "a"))
        try h.store.commit(RunCommit(lease: a.lease, at: h.clock.now(), start: AttemptStart(step: "s", number: 1, startedAt: h.clock.now())))
        #expect(try claim(h, worker: "b") == nil, "the lease is held")
        h.clock.advance(seconds: 31)
        let b = try #require(try claim(h, worker: "b"))
        #expect(b.lease.execution == a.lease.execution + 1)
        #expect(b.attempts.map(\.outcome) == [.abandoned], "the dead worker's attempt is recorded as abandoned")
        // Worker a wakes up and tries to commit its step: refused, nothing written.
        let late = RunCommit(lease: a.lease, at: h.clock.now(),
                             finish: AttemptFinish(step: "s", number: 1, outcome: .succeeded, retriable: true, endedAt: h.clock.now(), output: nil, error: nil),
                             transition: .complete)
        #expect(throws: ExecutorError.leaseLost(runID: run.runID)) { try h.store.commit(late) }
        #expect(throws: ExecutorError.leaseLost(runID: run.runID)) {
            try h.store.commit(RunCommit(lease: a.lease, at: h.clock.now(), start: AttemptStart(step: "t", number: 1, startedAt: h.clock.now())))
        }
        #expect(try h.store.renew(a.lease, until: h.clock.now() + 30) == false)
        #expect(try h.runStatus(run.runID) == "running")
        // Worker b finishes the run normally.
        try h.store.commit(RunCommit(lease: b.lease, at: h.clock.now(), start: AttemptStart(step: "s", number: 2, startedAt: h.clock.now())))
        try h.store.commit(RunCommit(lease: b.lease, at: h.clock.now(),
                                     finish: AttemptFinish(step: "s", number: 2, outcome: .succeeded, retriable: true, endedAt: h.clock.now(), output: nil, error: nil),
                                     transition: .complete))
        #expect(try h.runStatus(run.runID) == "completed")
        #expect(try h.attempts().map(\.outcome) == ["abandoned", "succeeded"])
    }

    @Test func aDeadWorkersRunIsTakenOverWithoutWaiting() throws {
        let h = try Harness()
        try register(h, "a", "b")
        _ = try h.store.enqueue(EnqueueRequest(job: "job"), id: "run-1", at: h.clock.now())
        _ = try #require(try claim(h, worker: "a"))
        #expect(try claim(h, worker: "b") == nil)
        #expect(try claim(h, worker: "b", dead: ["a"]) != nil)
    }

    @Test func anExecutorRecoversACrashedRunAndRerunsOnlyUnfinishedSteps() throws {
        let h = try Harness()
        try register(h, "crashed")
        let effects = SideEffects()
        let job = JobDefinition(name: "job", retries: RetryPolicy(maxAttempts: 3)) { run in
            for name in ["one", "two", "three"] { try run.step(name) { effects.hit(name) } }
        }
        let executor = h.executor([job], leaseSeconds: 30)
        let run = try executor.enqueue(job: "job")
        // A worker took the run, committed step "one", started "two", then died.
        let dead = try #require(try claim(h, worker: "crashed"))
        let t = h.clock.now()
        try h.store.commit(RunCommit(lease: dead.lease, at: t, start: AttemptStart(step: "one", number: 1, startedAt: t)))
        try h.store.commit(RunCommit(lease: dead.lease, at: t,
                                     finish: AttemptFinish(step: "one", number: 1, outcome: .succeeded, retriable: true, endedAt: t, output: nil, error: nil),
                                     start: AttemptStart(step: "two", number: 1, startedAt: t)))
        let summary = try executor.run()   // waits (virtually) for the lease to expire
        #expect(summary.completed == [run.runID])
        #expect(effects.all == ["two": 1, "three": 1], "step one was committed: it never runs again")
        #expect(try h.attempts().map { "\($0.step)#\($0.number):\($0.outcome)" }
                == ["one#1:succeeded", "three#1:succeeded", "two#1:abandoned", "two#2:succeeded"])
        let usage = try h.usage().total
        #expect(usage.steps == 3 && usage.stepAttempts == 4 && usage.retries == 1 && usage.executions == 2)
    }

    @Test func theConcurrencyLimitHoldsAcrossWorkers() throws {
        let h = try Harness()
        try register(h, "a", "b", "c")
        for index in 1...3 { _ = try h.store.enqueue(EnqueueRequest(job: "job"), id: "run-\(index)", at: h.clock.now()) }
        let limits: [String: Int?] = ["job": 2]
        #expect(try claim(h, worker: "a", jobs: limits) != nil)
        let second = try #require(try claim(h, worker: "b", jobs: limits))
        #expect(try claim(h, worker: "c", jobs: limits) == nil, "two runs of the job already hold leases")
        try h.store.commit(RunCommit(lease: second.lease, at: h.clock.now(), transition: .complete))
        #expect(try claim(h, worker: "c", jobs: limits) != nil)
    }

    @Test func concurrencyLimitWithRealThreads() throws {
        let folder = try ScratchFolder()
        let store = try SQLiteStore(path: folder.path("ledger.db"))
        let effects = SideEffects()
        let job = JobDefinition(name: "limited", concurrency: 1) { run in
            try run.step("work") {
                effects.enter()
                Thread.sleep(forTimeInterval: 0.002)
                effects.leave()
            }
        }
        let executor = Executor(store: store, jobs: [job], configuration: Executor.Configuration(pollSeconds: 0.002))
        for _ in 0..<8 { _ = try executor.enqueue(job: "limited") }
        let summary = try executor.run(workers: 3)
        #expect(summary.completed.count == 8)
        #expect(effects.maxRunning == 1)
    }

    @Test func twoExecutorsOnOneDatabaseNeverRunTheSameAttemptTwice() throws {
        let folder = try ScratchFolder()
        let path = folder.path("shared.db")
        let effects = SideEffects()
        let job = JobDefinition(name: "shared", retries: RetryPolicy(maxAttempts: 30, backoff: .none, jitter: 0)) { run in
            for name in ["a", "b", "c"] {
                try run.step(name) {
                    let attempt = run.currentAttempt!
                    effects.hit("\(run.runID) \(name) \(attempt.attempt)")
                    if RetryPolicy.unit(seed: 1, runID: run.runID, step: name, attempt: attempt.attempt) < 0.2 { throw Flaky() }
                }
            }
        }
        let first = Executor(store: try SQLiteStore(path: path), jobs: [job], configuration: Executor.Configuration(pollSeconds: 0.002))
        let second = Executor(store: try SQLiteStore(path: path), jobs: [job], configuration: Executor.Configuration(pollSeconds: 0.002))
        for index in 0..<40 { _ = try first.enqueue(job: "shared", idempotencyKey: "k\(index)") }
        let results = LockedBox<[Executor.Summary]>([])
        let group = DispatchGroup()
        for executor in [first, second] {
            group.enter()
            Thread {
                if let summary = try? executor.run(workers: 2) { results.mutate { $0.append(summary) } }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(results.value.count == 2)
        #expect(results.value.reduce(0) { $0 + $1.completed.count } == 40)
        #expect(effects.all.values.allSatisfy { $0 == 1 }, "no step attempt ran twice")
        let store = try SQLiteStore(path: path)
        let rows = try store.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM attempts") }
        #expect(rows == effects.total, "attempt rows equal the executions seen")
    }
}

/// A value behind a lock, for collecting results from threads.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

/// A run's end that claims the next run, and enqueueing many runs at once.
extension LeaseAndRecoveryTests {
    @Test func aRunsEndClaimsTheNextRunInTheSameTransaction() throws {
        let h = try Harness()
        try register(h, "a", "b")
        for index in 1...2 { _ = try h.store.enqueue(EnqueueRequest(job: "job"), id: "run-\(index)", at: h.clock.now()) }
        let first = try #require(try claim(h, worker: "a"))
        let request = ClaimRequest(worker: "a", now: h.clock.now(), leaseSeconds: 30, jobs: ["job": nil], deadWorkers: [])
        let next = try h.store.commit(RunCommit(lease: first.lease, at: h.clock.now(), transition: .complete, claimNext: request))
        #expect(next?.lease == Lease(runID: "run-2", execution: 1, worker: "a"))
        #expect(try h.runStatus("run-1") == "completed")
        #expect(try h.runStatus("run-2") == "running")
        #expect(try claim(h, worker: "b") == nil, "the next run is leased to a")
        // Nothing is left: the end still commits, and no run comes back.
        let last = try h.store.commit(RunCommit(lease: next!.lease, at: h.clock.now(), transition: .fail("boom"), claimNext: request))
        #expect(last == nil)
        #expect(try h.runStatus("run-2") == "failed")
        // A step commit (the execution goes on) never claims.
        _ = try h.store.enqueue(EnqueueRequest(job: "job"), id: "run-3", at: h.clock.now())
        let third = try #require(try claim(h, worker: "a"))
        _ = try h.store.enqueue(EnqueueRequest(job: "job"), id: "run-4", at: h.clock.now())
        let kept = try h.store.commit(RunCommit(lease: third.lease, at: h.clock.now(),
                                                start: AttemptStart(step: "s", number: 1, startedAt: h.clock.now()), claimNext: request))
        #expect(kept == nil)
        #expect(try h.runStatus("run-4") == "queued")
    }

    @Test func aRefusedEndClaimsNothing() throws {
        let h = try Harness()
        try register(h, "a", "b")
        for index in 1...2 { _ = try h.store.enqueue(EnqueueRequest(job: "job"), id: "run-\(index)", at: h.clock.now()) }
        let a = try #require(try claim(h, worker: "a"))
        h.clock.advance(seconds: 31)
        _ = try #require(try claim(h, worker: "b"), "b takes run-1 over")
        let request = ClaimRequest(worker: "a", now: h.clock.now(), leaseSeconds: 30, jobs: ["job": nil], deadWorkers: [])
        #expect(throws: ExecutorError.leaseLost(runID: "run-1")) {
            try h.store.commit(RunCommit(lease: a.lease, at: h.clock.now(), transition: .complete, claimNext: request))
        }
        #expect(try h.runStatus("run-2") == "queued", "the refused end's claim rolled back with it")
    }

    @Test func enqueueingManyRunsIsOneTransactionAndHonoursKeys() throws {
        let h = try Harness()
        let executor = h.executor([JobDefinition(name: "job") { _ in }])
        let first = try executor.enqueue([EnqueueRequest(job: "job", idempotencyKey: "k1"), EnqueueRequest(job: "job"),
                                          EnqueueRequest(job: "job", idempotencyKey: "k1")])
        #expect(first.map(\.created) == [true, true, false])
        #expect(first[2].runID == first[0].runID, "a repeated key in one batch finds the earlier run")
        let again = try executor.enqueue([EnqueueRequest(job: "job", idempotencyKey: "k1")])
        #expect(again == [EnqueueResult(runID: first[0].runID, created: false)])
        // An unknown job refuses the whole batch before anything is written.
        #expect(throws: ExecutorError.unknownJob("nope")) {
            try executor.enqueue([EnqueueRequest(job: "job"), EnqueueRequest(job: "nope")])
        }
        // A batch the database refuses (an empty job name breaks a CHECK) adds none of its runs.
        #expect(throws: (any Error).self) {
            try h.store.enqueue([(EnqueueRequest(job: "job"), "run-x"), (EnqueueRequest(job: ""), "run-y")], at: h.clock.now())
        }
        #expect(try h.runStatus("run-x") == nil)
        #expect(try executor.run().completed.count == 2)
    }
}
