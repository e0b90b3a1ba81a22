import Foundation

/// A worker's note of the step attempt whose work it last started, in a small file beside the
/// ledger. A killed process's page cache survives it, so after a crash another worker on the
/// same host can tell an attempt whose work began (it may have had its side effect: recorded
/// as `abandoned`) from one recorded as started whose work never began (recorded as
/// `unstarted`, and not counted). Without a marker file (another host, or no marker folder)
/// every interrupted attempt counts as `abandoned`: the ledger over-counts by at most one
/// attempt per crash and never under-counts.
final class AttemptMarker: @unchecked Sendable {
    private let descriptor: Int32
    private let path: String
    static let recordSize = 1024

    /// Opens (creating) `folder/WORKER.attempt`; nil when the folder cannot be used.
    init?(folder: String, worker: String) {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = Self.path(folder: folder, worker: worker)
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { return nil }
    }

    static func path(folder: String, worker: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(worker + ".attempt").path
    }

    /// Records that the work of `attempt` is about to begin: one write of one block.
    func mark(_ attempt: AttemptKey) {
        var record = Array("\(attempt.runID)\t\(attempt.step)\t\(attempt.number)\n".utf8.prefix(Self.recordSize))
        record += [UInt8](repeating: 0, count: Self.recordSize - record.count)
        _ = record.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, Self.recordSize, 0) }
    }

    /// Closes and removes the file (the worker ended normally).
    func remove() {
        close(descriptor)
        unlink(path)
    }

    /// The attempt a (dead) worker last started: nil when it left no marker file, `.some(nil)`
    /// when it never started one.
    static func read(folder: String, worker: String) -> AttemptKey?? {
        guard let data = FileManager.default.contents(atPath: path(folder: folder, worker: worker)) else { return nil }
        let text = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
        let fields = text.trimmingCharacters(in: .newlines).split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 3, let number = Int(fields[2]) else { return .some(nil) }
        return .some(AttemptKey(runID: String(fields[0]), step: String(fields[1]), number: number))
    }

    /// Deletes a dead worker's marker file once its run has been taken over.
    static func discard(folder: String, worker: String) {
        unlink(path(folder: folder, worker: worker))
    }
}

/// One step attempt's identity.
public struct AttemptKey: Sendable, Hashable {
    public var runID: String
    public var step: String
    public var number: Int

    public init(runID: String, step: String, number: Int) {
        self.runID = runID
        self.step = step
        self.number = number
    }
}
