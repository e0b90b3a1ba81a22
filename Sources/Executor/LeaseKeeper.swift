import Foundation

/// Renews the leases of steps that run long, from one background thread per `Executor.run`, so a
/// step longer than the lease does not lose its run to another worker. Steps register while
/// their work runs; registering is a lock and a dictionary insert, so short steps cost nothing
/// more.
final class LeaseKeeper: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var active: [Lease: Int] = [:]
    private let store: any JobStore
    private let clock: any ExecutorClock
    private let leaseSeconds: Double

    init(store: any JobStore, clock: any ExecutorClock, leaseSeconds: Double) {
        self.store = store
        self.clock = clock
        self.leaseSeconds = leaseSeconds
        let interval = max(0.05, leaseSeconds / 3)
        let thread = Thread { [self] in
            // Bounded: ends when `stop()` is called at the end of the run.
            while let leases = self.nextRound(interval) {
                for lease in leases {
                    _ = try? self.store.renew(lease, until: self.clock.now() + self.leaseSeconds)
                }
            }
        }
        thread.name = "costsim-lease-keeper"
        thread.start()
    }

    /// Waits one interval; the leases to renew, or nil once stopped.
    private func nextRound(_ interval: Double) -> [Lease]? {
        condition.lock()
        defer { condition.unlock() }
        if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
        return stopped ? nil : Array(active.keys)
    }

    /// Keeps `lease` renewed until `release(lease)`.
    func hold(_ lease: Lease) {
        condition.lock()
        active[lease, default: 0] += 1
        condition.unlock()
    }

    func release(_ lease: Lease) {
        condition.lock()
        if let count = active[lease] { active[lease] = count > 1 ? count - 1 : nil }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
