import Foundation

/// A job: a name, how its steps are retried, how many of its runs may run at once, and its
/// body, which calls `run.step(…)` and `run.sleep(…)`.
///
/// ```swift
/// let sync = JobDefinition(name: "nightly-sync", retries: RetryPolicy(maxAttempts: 3), concurrency: 2) { run in
///     let rows: Int = try run.step("export") { try exportRows() }
///     try run.sleep("cool-down", for: 60)
///     try run.step("upload") { try upload(rows) }
/// }
/// ```
///
/// The body is replayed from the top after a retry backoff, a durable sleep or a crash: steps
/// that completed return their recorded result without running again, and code outside steps
/// runs again (as with Inngest), so it must be deterministic and free of side effects.
public struct JobDefinition: Sendable {
    public var name: String
    /// Retries of each step (attempts count per step; crashed attempts count too).
    public var retries: RetryPolicy
    /// Runs of this job that may hold a lease at once, across all workers; nil for no limit.
    public var concurrency: Int?
    public var body: @Sendable (RunContext) throws -> Void

    public init(name: String, retries: RetryPolicy = RetryPolicy(), concurrency: Int? = nil,
                body: @escaping @Sendable (RunContext) throws -> Void) {
        precondition(!name.isEmpty, "a job needs a name")
        precondition(concurrency.map { $0 >= 1 } ?? true, "a concurrency limit is at least 1")
        self.name = name
        self.retries = retries
        self.concurrency = concurrency
        self.body = body
    }
}
