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
    /// The body: synchronous (run by `Executor.run(workers:)` on worker threads) or async (run
    /// by `Executor.run(inFlight:)`, many runs at once on Swift's cooperative threads).
    let body: Body

    enum Body: Sendable {
        case blocking(@Sendable (RunContext) throws -> Void)
        case suspending(@Sendable (AsyncRunContext) async throws -> Void)
    }

    /// True for a job made with `JobDefinition.async`.
    public var isAsync: Bool {
        if case .suspending = body { return true }
        return false
    }

    public init(name: String, retries: RetryPolicy = RetryPolicy(), concurrency: Int? = nil,
                body: @escaping @Sendable (RunContext) throws -> Void) {
        self.init(name: name, retries: retries, concurrency: concurrency, body: .blocking(body))
    }

    /// A job whose body is async: its steps await their commits, so one process runs many runs
    /// at once and their commits share transactions (see `Executor.run(inFlight:)`).
    ///
    /// ```swift
    /// let fetch = JobDefinition.async(name: "fetch") { run in
    ///     let page: String = try await run.step("download") { try await client.get(url) }
    ///     try await run.step("store") { try await database.save(page) }
    /// }
    /// ```
    public static func async(name: String, retries: RetryPolicy = RetryPolicy(), concurrency: Int? = nil,
                             body: @escaping @Sendable (AsyncRunContext) async throws -> Void) -> JobDefinition {
        JobDefinition(name: name, retries: retries, concurrency: concurrency, body: .suspending(body))
    }

    private init(name: String, retries: RetryPolicy, concurrency: Int?, body: Body) {
        precondition(!name.isEmpty, "a job needs a name")
        precondition(concurrency.map { $0 >= 1 } ?? true, "a concurrency limit is at least 1")
        self.name = name
        self.retries = retries
        self.concurrency = concurrency
        self.body = body
    }
}
