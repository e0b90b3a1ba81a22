/// A workload quantity per month from which every meter is built (SPEC §4).
///
/// Meters are linear combinations of these: Inngest's executions are `runs + steps`.
public enum Quantity: String, CaseIterable, Sendable, Comparable {
    /// Runs started (the run fee is charged once per run).
    case runs
    /// Run attempts: runs plus whole-run retries (`execution: runs`).
    case runAttempts = "run_attempts"
    /// Logical steps: step.run, sleep, wait, sendEvent.
    case steps
    /// Step attempts: steps plus retried attempts.
    case stepAttempts = "step_attempts"
    /// Steps that are sleeps or waits (no compute).
    case sleeps
    /// Active seconds of compute, retried attempts included.
    case computeSeconds = "compute_seconds"
    /// compute_seconds × memory_mb / 1024.
    case gbSeconds = "gb_seconds"
    /// Events sent.
    case events
    /// Serverless function invocations.
    case invocations

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The unit a quantity is counted in, for report text: "steps", "seconds".
    public var unit: String {
        switch self {
        case .computeSeconds: return "seconds"
        case .gbSeconds: return "GB-seconds"
        default: return rawValue.replacingOccurrences(of: "_", with: " ")
        }
    }
}
