import CostModel
import Foundation

/// How a failed step is retried: how many attempts in all, and how long to wait between them.
///
/// The wait after attempt *n* is `base × 2^(n−1)` (exponential), `base` (constant) or 0 (none),
/// capped at `maxSeconds`, then jittered: with jitter *j* it is drawn uniformly from
/// `[wait × (1 − j), wait]` (j = 0.5 is "equal jitter", 1 is "full jitter"). The draw comes
/// from a hash of the run, the step and the attempt number, so it is the same on every replay.
///
/// ```swift
/// let policy = RetryPolicy(maxAttempts: 3, backoff: .exponential, baseSeconds: 1, jitter: 0)
/// policy.delaySeconds(afterAttempt: 2, unit: 0.5)   // 2.0
/// ```
public struct RetryPolicy: Sendable, Equatable {
    /// How waits grow from one attempt to the next.
    public enum Backoff: String, Sendable, CaseIterable {
        case exponential, constant, none
    }

    /// Attempts in all, the first included (1 = never retry).
    public var maxAttempts: Int
    public var backoff: Backoff
    /// The first wait.
    public var baseSeconds: Double
    /// The longest wait.
    public var maxSeconds: Double
    /// Fraction of each wait that is randomised, 0…1.
    public var jitter: Double

    public init(maxAttempts: Int = 3, backoff: Backoff = .exponential, baseSeconds: Double = 1,
                maxSeconds: Double = 3600, jitter: Double = 0.5) {
        precondition(maxAttempts >= 1, "maxAttempts counts the first attempt: at least 1")
        precondition((0...1).contains(jitter), "jitter is a fraction between 0 and 1")
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.baseSeconds = max(0, baseSeconds)
        self.maxSeconds = max(0, maxSeconds)
        self.jitter = jitter
    }

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1, backoff: .none, baseSeconds: 0, jitter: 0)

    /// The wait before attempt `attempt + 1`, given a uniform draw `unit` in [0, 1).
    /// - Complexity: O(1).
    public func delaySeconds(afterAttempt attempt: Int, unit: Double) -> Double {
        let raw: Double
        switch backoff {
        case .none: raw = 0
        case .constant: raw = baseSeconds
        case .exponential: raw = baseSeconds * pow(2, Double(max(0, min(attempt - 1, 62))))
        }
        let capped = min(raw, maxSeconds)
        return capped * (1 - jitter) + capped * jitter * min(max(unit, 0), 1)
    }

    /// A uniform draw in [0, 1) from the seed, run, step and attempt (SplitMix64 over FNV-1a).
    static func unit(seed: UInt64, runID: String, step: String, attempt: Int) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in runID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
        for byte in step.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let z = SplitMix64.mix(hash &+ UInt64(attempt) &* 0x9e37_79b9_7f4a_7c15)
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }
}
