import Foundation
import GRDB
import Testing
@testable import Executor

/// A fresh folder, removed when released.
final class ScratchFolder: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("costsim-executor-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path) }
        return file.path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Thread-safe counters keyed by text, standing in for external side effects.
final class SideEffects: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var running = 0
    private(set) var maxRunning = 0

    func hit(_ key: String) { lock.withLock { counts[key, default: 0] += 1 } }
    func count(_ key: String) -> Int { lock.withLock { counts[key, default: 0] } }
    var all: [String: Int] { lock.withLock { counts } }
    var total: Int { lock.withLock { counts.values.reduce(0, +) } }

    func enter() { lock.withLock { running += 1; maxRunning = max(maxRunning, running) } }
    func leave() { lock.withLock { running -= 1 } }
}

/// An error a test step throws.
struct Flaky: Error, CustomStringConvertible {
    var description: String { "flaky" }
}

/// A store in a scratch folder plus a virtual clock and sequential ids.
struct Harness {
    let folder: ScratchFolder
    let store: SQLiteStore
    let clock: ManualClock
    let ids: SequentialIDs

    init() throws {
        folder = try ScratchFolder()
        store = try SQLiteStore(path: folder.path("ledger.db"))
        clock = ManualClock()
        ids = SequentialIDs()
    }

    func executor(_ jobs: [JobDefinition], leaseSeconds: Double = 30, seed: UInt64 = 0) -> Executor {
        Executor(store: store, jobs: jobs, clock: clock, ids: ids,
                 configuration: Executor.Configuration(leaseSeconds: leaseSeconds, pollSeconds: 1e9, heartbeat: false, seed: seed))
    }

    /// Every attempt row: (run, step, number, outcome).
    func attempts() throws -> [(run: String, step: String, number: Int, outcome: String)] {
        try store.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT run_id, step, number, outcome FROM attempts ORDER BY run_id, step, number").map {
                ($0[0], $0[1], $0[2], $0[3])
            }
        }
    }

    func runStatus(_ id: String) throws -> String? {
        try store.queue.read { try String.fetchOne($0, sql: "SELECT status FROM runs WHERE id = ?", arguments: [id]) }
    }

    func usage() throws -> UsageReport {
        UsageReport.make(ledger: try store.ledger(since: nil, runIDs: nil), database: "ledger.db")
    }
}
