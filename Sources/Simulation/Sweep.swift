import CostModel
import Foundation
import Workload

/// The cost of every option at evenly (or logarithmically) spaced values of one axis:
/// `costsim sweep`, ready for a spreadsheet. It carries the breakeven analysis of the same
/// range, so a chart can mark where the cheapest option changes.
///
/// ```swift
/// let sweep = try Sweep.run(seed, catalog: seedCatalog, axis: .runs, job: nil, options: [],
///                           from: 0, to: 2000, points: 5)
/// sweep.values            // 0, 500, 1000, 1500, 2000
/// sweep.costs[2][1]       // trigger-dev at 1,000 runs: 40
/// ```
public struct Sweep: Sendable {
    /// The most points one sweep may visit.
    public static let maxPoints = 10_000

    /// The analysis of the same options over the same range.
    public var breakeven: Breakeven
    /// The axis values visited, increasing (whole values on integer axes; log-spaced values
    /// are rounded to 4 significant digits, so every value can be typed back).
    public var values: [Rational]
    /// `costs[i][k]`: option k's exact cost at `values[i]`; nil when infeasible.
    public var costs: [[Rational?]]
    /// The plan giving each cost.
    public var plans: [[String?]]
    /// True when the values are spaced logarithmically (`--log`).
    public var logScale: Bool

    /// Prices every option at each value.
    ///
    /// - Throws: `CostsimError.usage` for fewer than 2 or more than `maxPoints` points, an empty
    ///   range, `--log` from 0, and everything `Breakeven.analyze` rejects.
    /// - Complexity: `Breakeven.analyze`, plus O(points × options × log grid).
    public static func run(_ workload: Workload, catalog: Catalog, axis: WorkloadAxis, job: String?, options: [String],
                           from: Decimal, to: Decimal, points: Int, log: Bool = false,
                           platform: PlatformReference? = nil, withPlatformCosts: Bool = false) throws(CostsimError) -> Sweep {
        guard points >= 2 && points <= maxPoints else {
            throw .usage("--points \(points): a sweep visits between 2 and \(NumberFormat.quantity(Decimal(maxPoints))) points",
                         hint: "e.g. --points 21")
        }
        if log && from <= 0 {
            throw .usage("--log needs --from above 0 (a logarithmic axis never reaches 0), found --from \(from)",
                         hint: "e.g. --from 1")
        }
        let breakeven = try Breakeven.analyze(workload, catalog: catalog, axis: axis, job: job, options: options, from: from, to: to,
                                              platform: platform, withPlatformCosts: withPlatformCosts)
        let values = spacedValues(from: breakeven.lower, to: breakeven.upper, count: points, log: log,
                                  integer: axis.isInteger)
        var costs: [[Rational?]] = []
        var plans: [[String?]] = []
        for value in values {
            costs.append(breakeven.curves.map { $0.cost(at: value) })
            plans.append(breakeven.options.indices.map { breakeven.planName($0, at: value, side: 0) })
        }
        return Sweep(breakeven: breakeven, values: values, costs: costs, plans: plans, logScale: log)
    }

    /// `count` values from `low` to `high`: evenly spaced and rounded to 6 decimals, or
    /// geometrically spaced and rounded to 4 significant digits; whole values on integer axes;
    /// repeats (after rounding) removed. The ends are always `low` and `high` exactly.
    static func spacedValues(from low: Rational, to high: Rational, count: Int, log: Bool, integer: Bool) -> [Rational] {
        var values: [Rational] = []
        for index in 0..<count {
            var value: Rational
            if index == 0 {
                value = low
            } else if index == count - 1 {
                value = high
            } else if log {
                let ratio = high.doubleValue / low.doubleValue
                let raw = low.doubleValue * pow(ratio, Double(index) / Double(count - 1))
                value = Rational(Decimal(exactText: String(format: "%.3e", raw)) ?? 0)
            } else {
                value = low + (high - low) * Rational(index) / Rational(count - 1)
                value = Rational(value.decimal(scale: 6))
            }
            if integer { value = (value + Rational(1) / Rational(2)).floor }
            value = min(max(value, low), high)
            if values.last.map({ $0 < value }) ?? true { values.append(value) }
        }
        return values
    }
}
