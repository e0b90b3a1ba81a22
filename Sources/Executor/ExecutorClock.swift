import Foundation

/// Where the executor reads the time and how it waits: injected so tests run on virtual time.
///
/// ```swift
/// let clock = ManualClock(start: Timestamp(seconds: 0))
/// clock.sleep(seconds: 30)   // returns at once; clock.now() is now 30 s later
/// ```
public protocol ExecutorClock: Sendable {
    /// The current time.
    func now() -> Timestamp
    /// Waits `seconds` (a real clock blocks the calling thread; a virtual one advances).
    func sleep(seconds: Double)
    /// Waits `seconds` without blocking a thread (async workers); throws `CancellationError`
    /// when the task is cancelled meanwhile.
    func pause(seconds: Double) async throws
}

/// The system's wall clock, and real waiting.
public struct SystemClock: ExecutorClock {
    public init() {}

    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }

    public func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        Thread.sleep(forTimeInterval: seconds)
    }

    public func pause(seconds: Double) async throws {
        guard seconds > 0 else { await Task.yield(); try Task.checkCancellation(); return }
        var left = seconds
        // Bounded: an hour at a time until the whole wait has passed.
        while left > 0 {
            let slice = min(left, 3600)
            try await Task.sleep(nanoseconds: UInt64(slice * 1e9))
            left -= slice
        }
    }
}

/// Virtual time for tests and simulations: `sleep` advances the clock instead of waiting, so
/// backoffs, durable sleeps and step durations cost no real time and are exact. With several
/// workers (or async slots) each idle one's wait moves the shared clock on, so the others'
/// leases can expire under them: use one worker for exact virtual timings.
public final class ManualClock: ExecutorClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Timestamp

    /// A clock that starts at `start` (default 2026-01-01T00:00:00Z).
    public init(start: Timestamp = Timestamp(seconds: 1_767_225_600)) {
        current = start
    }

    public func now() -> Timestamp {
        lock.withLock { current }
    }

    public func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        advance(seconds: seconds)
    }

    public func pause(seconds: Double) async throws {
        sleep(seconds: seconds)
        await Task.yield()
    }

    /// Moves the clock forward.
    public func advance(seconds: Double) {
        lock.withLock { current = current + seconds }
    }
}
