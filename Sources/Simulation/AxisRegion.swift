import Foundation

/// A union of open intervals of the axis (either end may be unbounded): the values of x at
/// which a limit is exceeded. Limits are strict (`45 s exceeds 10 s`) and quantities are
/// continuous in x, so the set where one is exceeded is open: at the boundary the plan is
/// still feasible.
///
/// `AxisRegion.where(.x, exceeds: Rational(10), integerAxis: false)` is (10, ∞).
struct AxisRegion: Sendable, Equatable {
    struct Interval: Sendable, Equatable {
        /// nil: unbounded below.
        var lower: Rational?
        /// nil: unbounded above.
        var upper: Rational?

        func contains(_ x: Rational) -> Bool {
            (lower.map { $0 < x } ?? true) && (upper.map { x < $0 } ?? true)
        }
    }

    /// Sorted by lower end.
    private(set) var intervals: [Interval]

    init(intervals: [Interval]) {
        self.intervals = intervals
    }

    static let empty = AxisRegion(intervals: [])
    static let everywhere = AxisRegion(intervals: [Interval(lower: nil, upper: nil)])

    var isEmpty: Bool { intervals.isEmpty }

    /// - Complexity: O(intervals).
    func contains(_ x: Rational) -> Bool { intervals.contains { $0.contains(x) } }

    /// The finite ends of the intervals: where feasibility can change.
    var boundaries: [Rational] { intervals.flatMap { [$0.lower, $0.upper].compactMap { $0 } } }

    /// The union of regions. Open intervals that merely touch stay apart (the shared end
    /// belongs to neither).
    /// - Complexity: O(n log n) in the number of intervals.
    static func union(_ regions: [AxisRegion]) -> AxisRegion {
        let all = regions.flatMap(\.intervals).sorted { a, b in
            switch (a.lower, b.lower) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): return x < y
            }
        }
        var merged: [Interval] = []
        for interval in all {
            if var last = merged.last {
                let overlaps: Bool
                if let upper = last.upper, let lower = interval.lower { overlaps = lower < upper } else { overlaps = true }
                if overlaps {
                    if let upper = last.upper {
                        last.upper = interval.upper.map { max($0, upper) }
                    }
                    merged[merged.count - 1] = last
                    continue
                }
            }
            merged.append(interval)
        }
        return AxisRegion(intervals: merged)
    }

    /// Where `polynomial(x) > level`: between consecutive sign changes, the sign is read at one
    /// point (a whole number on integer axes, where irrational roots are placed between
    /// integers).
    /// - Complexity: O(1) (degree at most 2).
    static func `where`(_ polynomial: Polynomial, exceeds level: Rational, integerAxis: Bool) -> AxisRegion {
        let difference = polynomial - level
        if difference.degree < 1 {
            return difference.constantTerm > .zero ? .everywhere : .empty
        }
        let roots = difference.roots(integerAxis: integerAxis)
        var ends: [Rational?] = [nil]
        ends += roots.map { Optional($0) }
        ends.append(nil)
        var intervals: [Interval] = []
        for index in 0..<(ends.count - 1) {
            let low = ends[index], high = ends[index + 1]
            let probe: Rational
            switch (low, high) {
            case (nil, nil): probe = .zero
            case (nil, let high?): probe = high.floor - .one
            case (let low?, nil): probe = low.floor + .one
            case (let low?, let high?): probe = CostCurve.sample(low, high, integerAxis: integerAxis)
            }
            if difference(probe) > .zero { intervals.append(Interval(lower: low, upper: high)) }
        }
        return AxisRegion(intervals: intervals)
    }
}
