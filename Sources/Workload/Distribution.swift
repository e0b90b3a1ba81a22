import Foundation

/// A random quantity for simulation. Deterministic commands use its `mean`.
///
/// `Distribution.uniform(min: 1, max: 5).mean` is 3.
public enum Distribution: Sendable, Equatable {
    case uniform(min: Decimal, max: Decimal)
    /// Normal, truncated at 0.
    case normal(mean: Decimal, sd: Decimal)
    /// Lognormal by the parameters of the underlying normal.
    case lognormal(mu: Decimal, sigma: Decimal)
    case poisson(mean: Decimal)
    /// Equally likely observed values.
    case empirical(values: [Decimal])
    /// Histogram buckets, uniform within each bucket.
    case histogram(buckets: [Bucket])
    /// Triangular on low/typical/high (a band).
    case triangular(low: Decimal, mode: Decimal, high: Decimal)

    public struct Bucket: Sendable, Equatable {
        public var from: Decimal
        public var to: Decimal
        public var weight: Decimal
    }

    /// The expected value. Exact for uniform, Poisson, empirical, histogram and triangular; for
    /// normal (truncated at 0) and lognormal it is computed in binary floating point and
    /// rounded to 6 decimal places, so it is deterministic but not exact.
    public var mean: Decimal {
        switch self {
        case .uniform(let min, let max): return (min + max) / 2
        case .poisson(let mean): return mean
        case .empirical(let values): return values.reduce(0, +) / Decimal(values.count)
        case .histogram(let buckets):
            let weight = buckets.reduce(Decimal(0)) { $0 + $1.weight }
            return buckets.reduce(Decimal(0)) { $0 + $1.weight * ($1.from + $1.to) / 2 } / weight
        case .triangular(let low, let mode, let high): return (low + mode + high) / 3
        case .normal(let mean, let sd):
            let mu = Self.double(mean), sigma = Self.double(sd)
            let alpha = -mu / sigma
            let pdf = exp(-alpha * alpha / 2) / (2 * Double.pi).squareRoot()
            let survival = 0.5 * erfc(alpha / 2.0.squareRoot())
            return Self.decimal(mu + sigma * pdf / survival)
        case .lognormal(let mu, let sigma):
            let m = Self.double(mu), s = Self.double(sigma)
            return Self.decimal(exp(m + s * s / 2))
        }
    }

    /// The lowest value the distribution can take (for validation against field minimums).
    public var minimum: Decimal {
        switch self {
        case .uniform(let min, _): return min
        case .normal, .lognormal, .poisson: return 0
        case .empirical(let values): return values.min() ?? 0
        case .histogram(let buckets): return buckets.map(\.from).min() ?? 0
        case .triangular(let low, _, _): return low
        }
    }

    /// The z-score of the 95th percentile of a standard normal.
    package static let z95 = 1.6448536269514722

    package static func double(_ value: Decimal) -> Double {
        NSDecimalNumber(decimal: value).doubleValue
    }

    /// A binary value as an exact decimal of its 6-decimal rounding, via text (deterministic).
    static func decimal(_ value: Double) -> Decimal {
        guard value.isFinite else { return 0 }
        // At most 17 significant digits: 6 decimals below 10^11, whole numbers above.
        let text = abs(value) < 1e11 ? String(format: "%.6f", value) : String(format: "%.0f", value)
        return Decimal(exactText: text) ?? Decimal(string: text) ?? 0
    }
}

/// A numeric workload field: a fixed value, a distribution, or a low/typical/high band.
public enum NumericSpec: Sendable, Equatable {
    case fixed(Decimal)
    case distribution(Distribution)
    /// A planning band; deterministic commands use `typical`, simulation a triangular distribution.
    case band(low: Decimal, typical: Decimal, high: Decimal)

    /// The value deterministic commands use: the fixed value, the mean, or the band's typical.
    public var expected: Decimal {
        switch self {
        case .fixed(let value): return value
        case .distribution(let distribution): return distribution.mean
        case .band(_, let typical, _): return typical
        }
    }

    /// True when the field is uncertain.
    public var isUncertain: Bool {
        if case .fixed = self { return false }
        return true
    }
}
