import Foundation
import GRDB

/// Copies the write-ahead log into the database from a background thread (SQLite's PASSIVE
/// checkpoint, which never blocks writers), so commits do not pay for checkpoints and their
/// fsyncs in line. The store turns SQLite's automatic checkpoints off while one runs.
final class WALCheckpointer: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var finished = false

    /// Starts checkpointing `path` every `intervalSeconds` on a connection of its own.
    init?(path: String, intervalSeconds: Double, busyTimeoutSeconds: Double) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.label = "costsim-checkpointer"
        guard let connection = try? DatabaseQueue(path: path, configuration: configuration) else { return nil }
        let thread = Thread { [self] in
            // Bounded: ends when `stop()` is called (the store is released).
            while !self.waitOrStop(intervalSeconds) {
                try? connection.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
            }
            try? connection.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
            try? connection.close()
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
        // Bounded wait: the last checkpoint is one PASSIVE pass.
        while !finished { _ = condition.wait(until: Date(timeIntervalSinceNow: 5)) ; if !finished { break } }
        condition.unlock()
    }
}
