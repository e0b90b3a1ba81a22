import Foundation
import GRDB

/// Copies the write-ahead log into the database from a background thread (SQLite's PASSIVE
/// checkpoint, which never blocks writers), so commits do not pay for checkpoints and their
/// fsyncs in line. The store turns SQLite's automatic checkpoints off while one runs.
///
/// A PASSIVE checkpoint never lets the log start over while writers keep committing (a writer
/// restarts the log only when it begins exactly as a checkpoint has caught up), so under
/// steady load the log would grow without end: 64,000 frames (260 MB) after 3 s of
/// executor-bench. Once the log holds `restartFrames` frames, all of them copied, a RESTART
/// checkpoint (on a connection that waits at most 10 ms) makes the next writer start the log
/// over; when readers or writers are in the way it gives up until the next round.
final class WALCheckpointer: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var finished = false

    /// Log frames (4 KiB pages) after which a checkpoint restarts the log.
    static let restartFrames = 4096

    /// Starts checkpointing `path` every `intervalSeconds` on a connection of its own.
    init?(path: String, intervalSeconds: Double, busyTimeoutSeconds: Double) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.label = "costsim-checkpointer"
        guard let connection = try? DatabaseQueue(path: path, configuration: configuration) else { return nil }
        // RESTART takes the write lock and waits for readers through the busy handler: on a
        // connection of its own that gives up after 10 ms, so writers never wait long behind it.
        var brief = configuration
        brief.busyMode = .timeout(0.01)
        guard let restarter = try? DatabaseQueue(path: path, configuration: brief) else { return nil }
        let thread = Thread { [self] in
            // Bounded: ends when `stop()` is called (the store is released).
            while !self.waitOrStop(intervalSeconds) {
                try? connection.writeWithoutTransaction { db in
                    guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") else { return }
                    let (frames, copied) = (row[1] as Int, row[2] as Int)
                    // Only when everything is copied (no reader holds an old snapshot), and
                    // briefly: a busy database just waits for the next round.
                    if frames >= Self.restartFrames && copied == frames {
                        try? restarter.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(RESTART)") }
                    }
                }
            }
            try? connection.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
            try? connection.close()
            try? restarter.close()
            self.condition.lock()
            self.finished = true
            self.condition.broadcast()
            self.condition.unlock()
        }
        thread.name = "costsim-checkpointer"
        thread.start()
    }

    private func waitOrStop(_ interval: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
        return stopped
    }

    /// Stops after one last checkpoint, and waits for it.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        // Bounded: at most 5 s (the last checkpoint is one PASSIVE pass); `wait` is false at the deadline.
        let deadline = Date(timeIntervalSinceNow: 5)
        while !finished && condition.wait(until: deadline) {}
        condition.unlock()
    }
}
