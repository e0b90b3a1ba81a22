import Foundation
import GRDB
import Testing
@testable import Executor

/// Steps, retries, sleeps and replays on virtual time (ManualClock): exact and fast.
@Suite struct DurableStepTests {
    @Test func stepsRunOnceAndCountsMatch() throws {
        let h = try Harness()
        let effects = SideEffects()
        let job = JobDefinition(name: "three") { run in
            let rows: Int = try run.step("export") { effects.hit("export"); return 42 }
            try run.step("transform") { effects.hit("transform") }
            let echoed: Int = try run.step("upload") { effects.hit("upload"); return rows + 1 }
            #expect(echoed == 43)
        }
        let executor = h.executor([job])
        let run = try executor.enqueue(job: "three")
        let summary = try executor.run()
        #expect(summary.completed == [run.runID])
        #expect(effects.all == ["export": 1, "transform": 1, "upload": 1])
        #expect(try h.attempts().map(\.outcome) == ["succeeded", "succeeded", "succeeded"])
        let usage = try h.usage().total
        #expect(usage.runs == 1 && usage.runsCompleted == 1)
        #expect(usage.steps == 3 && usage.stepAttempts == 3 && usage.retries == 0)
        #expect(usage.executions == 1 && usage.replays == 0)
    }

    @Test func aRetryReplaysTheBodyButNotCompletedSteps() throws {
        let h = try Harness()
        let effects = SideEffects()
        let outside = SideEffects()
        let job = JobDefinition(name: "flaky", retries: RetryPolicy(maxAttempts: 5, backoff: .exponential, baseSeconds: 2, jitter: 0)) { run in
            outside.hit("body")
            try run.step("first") { effects.hit("first") }
            try run.step("second") {
                effects.hit("second")
                if effects.count("second") < 3 { throw Flaky() }
            }
        }
        let executor = h.executor([job])
        let start = h.clock.now()
        _ = try executor.enqueue(job: "flaky")
        let summary = try executor.run()
        #expect(summary.completed.count == 1)
        #expect(effects.all == ["first": 1, "second": 3])
        #expect(outside.count("body") == 3, "code outside steps re-runs on each replay")
        // Waits of 2 s then 4 s (exponential, no jitter) on virtual time.
        #expect(h.clock.now() - start == 6)
        let attempts = try h.attempts().filter { $0.step == "second" }.map(\.outcome)
        #expect(attempts == ["failed", "failed", "succeeded"])
        let usage = try h.usage().total
        #expect(usage.steps == 2 && usage.stepAttempts == 4 && usage.retries == 2)
        #expect(usage.executions == 3 && usage.replays == 2)
        #expect(usage.runAttempts == 3)
    }

    @Test func nonRetriableErrorsFailTheRunAtOnce() throws {
        let h = try Harness()
        let effects = SideEffects()
        let job = JobDefinition(name: "bad-input", retries: RetryPolicy(maxAttempts: 5)) { run in
            try run.step("validate") {
                effects.hit("validate")
                throw NonRetriableError("amount must be positive")
            }
            try run.step("never") { effects.hit("never") }
        }
        let executor = h.executor([job])
        let run = try executor.enqueue(job: "bad-input")
        let summary = try executor.run()
        #expect(summary.failed.map(\.runID) == [run.runID])
        #expect(summary.failed.first?.message == "step 'validate' failed (not retried): amount must be positive")
        #expect(effects.all == ["validate": 1])
        #expect(try h.runStatus(run.runID) == "failed")
    }

    @Test func attemptsAreCappedPerStep() throws {
        let h = try Harness()
        let effects = SideEffects()
        let job = JobDefinition(name: "always-failing", retries: RetryPolicy(maxAttempts: 3, backoff: .constant, baseSeconds: 1, jitter: 0)) { run in
            try run.step("call") { effects.hit("call"); throw Flaky() }
        }
        let executor = h.executor([job])
        _ = try executor.enqueue(job: "always-failing")
        let summary = try executor.run()
        #expect(summary.failed.first?.message == "step 'call' failed after 3 attempts: flaky")
        #expect(effects.count("call") == 3)
        let usage = try h.usage().total
        #expect(usage.runsFailed == 1 && usage.stepAttempts == 3 && usage.retries == 2)
    }

    @Test func aBodyMayCatchAFailedStepAndGoOn() throws {
        let h = try Harness()
        let job = JobDefinition(name: "fallback", retries: .none) { run in
            do {
                try run.step("primary") { throw Flaky() }
            } catch let error as StepFailedError {
                #expect(error.step == "primary")
                try run.step("fallback") {}
            }
        }
        let executor = h.executor([job])
        _ = try executor.enqueue(job: "fallback")
        #expect(try executor.run().completed.count == 1)
        #expect(try h.attempts().map(\.outcome) == ["succeeded", "failed"])   // ordered by step name
    }

    @Test func durableSleepSuspendsAndResumesAtItsTime() throws {
        let h = try Harness()
        let effects = SideEffects()
        let job = JobDefinition(name: "sleeper") { run in
            try run.step("before") { effects.hit("before") }
            try run.sleep("cool-down", for: 3600)
            try run.step("after") { effects.hit("after") }
        }
        let executor = h.executor([job])
        let start = h.clock.now()
        _ = try executor.enqueue(job: "sleeper")
        let summary = try executor.run()
        #expect(summary.completed.count == 1 && summary.suspensions == 1)
        #expect(effects.all == ["before": 1, "after": 1])
        #expect(h.clock.now() - start >= 3600)
        let usage = try h.usage().total
        #expect(usage.sleeps == 1 && usage.steps == 3 && usage.stepAttempts == 3 && usage.replays == 1)
    }

    @Test func repeatedStepNamesAreToldApart() throws {
        let h = try Harness()
        let effects = SideEffects()
        let job = JobDefinition(name: "loop") { run in
            for _ in 0..<3 { try run.step("send") { effects.hit("send") } }
        }
        let executor = h.executor([job])
        _ = try executor.enqueue(job: "loop")
        _ = try executor.run()
        #expect(effects.count("send") == 3)
        #expect(try h.attempts().map(\.step) == ["send", "send#2", "send#3"])
    }

    @Test func aStepNamedLikeAGeneratedNameIsNotMistakenForIt() throws {
        // The second "send" is recorded as "send#2"; a step the body itself names "send#2" must
        // not replay that record (it once returned the second step's result without running).
        let h = try Harness()
        let effects = SideEffects()
        let job = JobDefinition(name: "names") { run in
            let first = try run.step("send") { effects.hit("first"); return "first" }
            let second = try run.step("send") { effects.hit("second"); return "second" }
            let third = try run.step("send#2") { effects.hit("third"); return "third" }
            #expect([first, second, third] == ["first", "second", "third"])
        }
        let executor = h.executor([job])
        _ = try executor.enqueue(job: "names")
        #expect(try executor.run().completed.count == 1)
        #expect(effects.all == ["first": 1, "second": 1, "third": 1])
        #expect(try h.attempts().map(\.step).sorted() == ["send", "send#2", "send#2#2"])
    }

    @Test func idempotencyKeysEnqueueOnce() throws {
        let h = try Harness()
        let executor = h.executor([JobDefinition(name: "once") { _ in }])
        let first = try executor.enqueue(job: "once", idempotencyKey: "order-17")
        let second = try executor.enqueue(job: "once", idempotencyKey: "order-17")
        let other = try executor.enqueue(job: "once", idempotencyKey: "order-18")
        #expect(first.created && !second.created && other.created)
        #expect(first.runID == second.runID && first.runID != other.runID)
        #expect(try executor.run().completed.count == 2)
    }

    @Test func stepResultsAreMemoisedAcrossReplays() throws {
        let h = try Harness()
        let effects = SideEffects()
        let job = JobDefinition(name: "memo", retries: RetryPolicy(maxAttempts: 3, backoff: .none, jitter: 0)) { run in
            let token: String = try run.step("token") { effects.hit("token"); return "t-\(effects.count("token"))" }
            try run.step("use") {
                effects.hit("use")
                #expect(token == "t-1", "a replay sees the first attempt's recorded result")
                if effects.count("use") == 1 { throw Flaky() }
            }
        }
        let executor = h.executor([job])
        _ = try executor.enqueue(job: "memo")
        #expect(try executor.run().completed.count == 1)
        #expect(effects.all == ["token": 1, "use": 2])
    }

    @Test func retryJitterIsDeterministicAndBounded() {
        let policy = RetryPolicy(maxAttempts: 5, backoff: .exponential, baseSeconds: 1, maxSeconds: 60, jitter: 0.5)
        for attempt in 1...8 {
            let unit = RetryPolicy.unit(seed: 7, runID: "run-1", step: "s", attempt: attempt)
            #expect(unit == RetryPolicy.unit(seed: 7, runID: "run-1", step: "s", attempt: attempt))
            let full = min(60, pow(2, Double(attempt - 1)))
            let delay = policy.delaySeconds(afterAttempt: attempt, unit: unit)
            #expect(delay >= full / 2 && delay <= full, "attempt \(attempt): \(delay) within [\(full / 2), \(full)]")
        }
        #expect(RetryPolicy(backoff: .constant, baseSeconds: 3, jitter: 0).delaySeconds(afterAttempt: 4, unit: 0.9) == 3)
        #expect(RetryPolicy(backoff: .none, jitter: 0).delaySeconds(afterAttempt: 4, unit: 0.9) == 0)
        #expect(RetryPolicy.unit(seed: 7, runID: "run-1", step: "s", attempt: 1) != RetryPolicy.unit(seed: 8, runID: "run-1", step: "s", attempt: 1))
    }

    @Test func faultPointsParseAndMatch() {
        #expect(FaultPoint(parsing: "after-side-effect:step-2") == .afterSideEffect("step-2"))
        #expect(FaultPoint(parsing: "before-step:export") == .beforeStep("export"))
        #expect(FaultPoint(parsing: "after-commit:*")?.matches(.afterCommit("upload")) == true)
        #expect(FaultPoint(parsing: "after-commit:a")?.matches(.afterSideEffect("a")) == false)
        #expect(FaultPoint(parsing: "sometime:a") == nil)
        #expect(FaultPoint(parsing: "before-step:") == nil)
        #expect(FaultPoint.afterSideEffect("x").description == "after-side-effect:x")
    }
}
