import Foundation

/// Throw this from a step to fail it at once, without retries (a bad input will not get better).
///
/// ```swift
/// try run.step("charge") {
///     guard amount > 0 else { throw NonRetriableError("amount must be positive") }
///     …
/// }
/// ```
public struct NonRetriableError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Thrown to a job's body by `step` when the step has failed for good: its attempts are used
/// up, or it threw `NonRetriableError`. Left uncaught, it fails the run.
public struct StepFailedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step's name.
    public var step: String
    /// Attempts made.
    public var attempts: Int
    /// The last attempt's error.
    public var message: String
    /// True when the step gave up because its error was non-retriable.
    public var nonRetriable: Bool

    public var description: String {
        nonRetriable
            ? "step '\(step)' failed (not retried): \(message)"
            : "step '\(step)' failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(message)"
    }
}

/// Operating errors of the executor and its store, each with a message for people.
public enum ExecutorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not a SQLite database, or is damaged.
    case corruptDatabase(path: String, detail: String)
    /// The file is a SQLite database of some other program.
    case foreignDatabase(path: String, detail: String)
    /// The database was written by a newer costsim (it has migrations this one does not know).
    case newerDatabase(path: String, unknown: [String])
    /// The database cannot be opened or written.
    case unreadableDatabase(path: String, detail: String)
    /// Another worker took the run over (this worker's lease expired): its commit was refused.
    case leaseLost(runID: String)
    /// A SQLite error not covered above.
    case database(String)
    /// A job name that no definition handles.
    case unknownJob(String)

    public var description: String {
        switch self {
        case let .corruptDatabase(path, _), let .foreignDatabase(path, _), let .newerDatabase(path, _),
             let .unreadableDatabase(path, _):
            return "\(path): \(message)"
        case let .leaseLost(runID):
            return "run \(runID): lease lost to another worker; this worker's late commit was refused"
        case let .database(detail):
            return "database error: \(detail)"
        case let .unknownJob(name):
            return "unknown job '\(name)'"
        }
    }

    /// What is wrong with a database file, without its path (which `description` puts first).
    public var message: String {
        switch self {
        case let .corruptDatabase(_, detail): return "not a usable costsim database: \(detail)"
        case let .foreignDatabase(_, detail): return "not a costsim database: \(detail)"
        case let .newerDatabase(_, unknown): return "written by a newer costsim (unknown migrations: \(unknown.joined(separator: ", ")))"
        case let .unreadableDatabase(_, detail): return "cannot open the database: \(detail)"
        default: return description
        }
    }

    /// A hint for the person at the terminal, when one is known.
    public var hint: String? {
        switch self {
        case .corruptDatabase, .foreignDatabase:
            return "pass --db with a new file name (costsim creates it), or the database an earlier `costsim exec` wrote"
        case .newerDatabase:
            return "use the costsim version that wrote this database"
        case .unreadableDatabase:
            return "check the path exists and is writable"
        default:
            return nil
        }
    }
}

/// Internal control flow: the run suspended (a durable sleep or a retry backoff) or its lease
/// was lost. Bodies must let it pass; the executor notices even if a body swallows it.
struct RunInterrupted: Error {}
