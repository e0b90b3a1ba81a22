import Foundation

/// One problem found in an input file, with everything a person needs to fix it.
///
/// Rendered as `file:line:column: key.path: message` followed by `  hint: …` when a fix is known:
/// `jobs.yaml:7:20: jobs[1].runs_per_month: expected a number, found "lots"`.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    /// 1-based line, or nil when the problem has no single place (a missing file-level key).
    public var line: Int?
    /// 1-based column.
    public var column: Int?
    /// Key path from the document root, e.g. `plans[2].price.steps`; empty for the document.
    public var keyPath: String
    /// What is wrong, in words.
    public var message: String
    /// How to fix it, when known.
    public var hint: String?

    public init(file: String, line: Int?, column: Int?, keyPath: String, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    /// The one place where a diagnostic becomes text.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        var text = location + ": "
        if !keyPath.isEmpty { text += keyPath + ": " }
        text += message
        if let hint { text += "\n  hint: " + hint }
        return text
    }
}

/// An input file could not be used. Carries every problem found, not just the first.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is syntactically or semantically invalid (exit code 65).
    case invalid([Diagnostic])
    /// The file is missing or unreadable (exit code 66).
    case unreadable(file: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        case .unreadable(let file, let reason):
            return "\(file): \(reason)"
        }
    }

    /// The process exit code the contract assigns to this error (SPEC §6).
    public var exitCode: Int32 {
        switch self {
        case .invalid: return 65
        case .unreadable: return 66
        }
    }
}

extension InputError {
    /// The UTF-8 text of the file at `path`, or `.unreadable` saying whether it is missing or
    /// could not be read: the one way workload and job files are read from disk.
    public static func readText(_ path: String) throws(InputError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw .unreadable(file: path, reason: exists ? "cannot read the file (is it UTF-8 text?)" : "no such file")
        }
    }
}
