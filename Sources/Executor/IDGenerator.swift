import Foundation

/// Makes the identifiers of runs and workers: injected so tests get predictable ids.
///
/// ```swift
/// let ids = SequentialIDs()
/// ids.makeID(prefix: "run")   // "run-000001"
/// ```
public protocol IDGenerator: Sendable {
    /// A new identifier, unique in the database, beginning with `prefix`.
    func makeID(prefix: String) -> String
}

/// Time-ordered random identifiers (`run_0195f3c2a1b4e7_9f2c41d07a3e55b1`): sorted roughly by
/// creation, so new rows land at the end of the ledger's indexes.
public struct RandomIDs: IDGenerator {
    public init() {}

    public func makeID(prefix: String) -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let micros = UInt64(spec.tv_sec) * 1_000_000 + UInt64(spec.tv_nsec) / 1000
        let time = String(micros, radix: 16)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return prefix + "_" + String(repeating: "0", count: max(0, 14 - time.count)) + time
            + "_" + String(repeating: "0", count: 16 - random.count) + random
    }
}

/// `prefix-000001`, `prefix-000002`, … per prefix: deterministic ids for tests.
public final class SequentialIDs: IDGenerator, @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [String: Int] = [:]

    public init() {}

    public func makeID(prefix: String) -> String {
        let number = lock.withLock { () -> Int in
            counters[prefix, default: 0] += 1
            return counters[prefix]!
        }
        let digits = String(number)
        return prefix + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
