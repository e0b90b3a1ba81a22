import Foundation

/// Who a worker is: its id, and the host and process it runs in, so another worker on the same
/// host can tell that it died (its process is gone) without waiting for its lease to expire.
public struct WorkerIdentity: Sendable, Hashable {
    public var id: String
    public var host: String
    public var pid: Int32
    /// The process's start time in clock ticks since boot (Linux), to tell a reused pid apart.
    public var processStart: Int64?

    public init(id: String, host: String, pid: Int32, processStart: Int64?) {
        self.id = id
        self.host = host
        self.pid = pid
        self.processStart = processStart
    }

    /// An identity for a worker of the current process.
    public static func current(id: String) -> WorkerIdentity {
        WorkerIdentity(id: id, host: thisHost, pid: getpid(), processStart: thisProcessStart)
    }

    /// This host's name and this process's start, read once.
    static let thisHost = ProcessInfo.processInfo.hostName
    static let thisProcessStart = processStartTicks(getpid())

    /// True only when this worker's process is known to be gone: same host, and no process
    /// with its pid and start time. Workers on other hosts are never declared dead (their
    /// leases expire instead).
    public var isKnownDead: Bool {
        guard host == Self.thisHost else { return false }
        if pid == getpid() { return processStart != Self.thisProcessStart }
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let recorded = processStart, let now = Self.processStartTicks(pid) else { return false }
        return recorded != now
    }

    /// Field 22 of /proc/PID/stat; nil where there is no /proc.
    static func processStartTicks(_ pid: Int32) -> Int64? {
        guard let fields = statFields(pid), fields.count > 19 else { return nil }
        return Int64(fields[19])
    }

    /// The fields of /proc/PID/stat after the command name (which may hold spaces), so from
    /// field 3 on: `[0]` is the state, `[1]` the parent's pid. Nil where there is no such file.
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }
}
