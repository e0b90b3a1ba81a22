import Foundation

/// A moment as whole microseconds since 1970-01-01 UTC: how the ledger stores time, so sums of
/// durations are exact integers.
///
/// ```swift
/// let t = Timestamp(seconds: 1.5)   // 1_500_000 µs
/// (t + 2).microseconds              // 3_500_000
/// ```
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since the Unix epoch.
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// From seconds since the epoch, rounded to the microsecond.
    public init(seconds: Double) {
        self.microseconds = Int64((seconds * 1_000_000).rounded())
    }

    /// From a Foundation date.
    public init(_ date: Date) {
        self.init(seconds: date.timeIntervalSince1970)
    }

    /// `2026-11-29T04:02:00.123456Z`.
    public var description: String {
        let whole = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - whole * 1_000_000
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var text = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(whole)))
        if fraction != 0 {
            text.removeLast()   // "Z"
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
        }
        return text
    }

    /// This moment plus a number of seconds.
    public static func + (lhs: Timestamp, seconds: Double) -> Timestamp {
        Timestamp(microseconds: lhs.microseconds + Int64((seconds * 1_000_000).rounded()))
    }

    /// Seconds from `rhs` to `lhs`.
    public static func - (lhs: Timestamp, rhs: Timestamp) -> Double {
        Double(lhs.microseconds - rhs.microseconds) / 1_000_000
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }
}
