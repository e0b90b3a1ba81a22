import Foundation

/// A named moment in a step's life where crash tests kill the process (SQLite-style anomaly
/// testing): before the step starts, after its side effect but before its result is committed,
/// and after the commit.
///
/// Written `before-step:NAME`, `after-side-effect:NAME` or `after-commit:NAME` (NAME `*` for
/// any step):
///
/// ```swift
/// FaultPoint(parsing: "after-side-effect:step-2")   // .afterSideEffect("step-2")
/// ```
public enum FaultPoint: Sendable, Equatable, CustomStringConvertible {
    /// The body reached the step; nothing about it is recorded yet.
    case beforeStep(String)
    /// The step's work returned (its side effect happened); its result is not committed.
    case afterSideEffect(String)
    /// The transaction holding the step's result has committed.
    case afterCommit(String)

    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        switch parts[0] {
        case "before-step": self = .beforeStep(parts[1])
        case "after-side-effect": self = .afterSideEffect(parts[1])
        case "after-commit": self = .afterCommit(parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .beforeStep(let step): return "before-step:\(step)"
        case .afterSideEffect(let step): return "after-side-effect:\(step)"
        case .afterCommit(let step): return "after-commit:\(step)"
        }
    }

    /// True when `self`, possibly written with step `*`, names the moment `point`.
    public func matches(_ point: FaultPoint) -> Bool {
        switch (self, point) {
        case let (.beforeStep(a), .beforeStep(b)), let (.afterSideEffect(a), .afterSideEffect(b)),
             let (.afterCommit(a), .afterCommit(b)):
            return a == "*" || a == b
        default:
            return false
        }
    }
}
