import Foundation
import Workload

/// A numeric workload field's distribution compiled for sampling: its parameters in binary
/// floating point (quantities, never money), the moments of one draw, and its quantile function.
///
/// Draws below the field's minimum are raised to it (`floor`: a Poisson 0 for `steps_per_run`
/// becomes 1), and the moments are those of the raised draw, so sums stay unbiased.
///
/// ```swift
/// let steps = FieldSampler(spec: .distribution(.poisson(mean: 3)), floor: 1)
/// var generator = Xoshiro256StarStar(seed: 1)
/// steps.draw(&generator)                        // 1, 2, 3, … (never 0)
/// steps.sum(count: 1_000_000, using: &generator) // about 3,049,787 (= 10⁶ × (3 + e⁻³))
/// ```
final class FieldSampler: Sendable {
    /// The distribution families of `Distribution`, with a band as a triangle.
    enum Shape: Sendable, Hashable {
        case constant(Double)
        case uniform(low: Double, high: Double)
        case triangular(low: Double, mode: Double, high: Double)
        /// Normal truncated at 0; `lowerMass` = Φ(−mean/sd), the mass cut away.
        case normal(mean: Double, sd: Double, lowerMass: Double)
        case lognormal(mu: Double, sigma: Double)
        case poisson(mean: Double)
        /// Equally likely observed values, sorted.
        case empirical(sorted: [Double])
        /// Buckets uniform inside; `cumulative[i]` is the share of weight up to bucket i's end.
        case histogram(from: [Double], to: [Double], cumulative: [Double])
    }

    let shape: Shape
    /// Draws below this are raised to it.
    let floor: Double
    /// Mean of one (raised) draw.
    let mean: Double
    /// Variance of one draw.
    let variance: Double
    /// E|X − mean|³ of one draw: with the variance, it bounds the normal approximation's error.
    let absoluteThirdMoment: Double
    /// The lowest and highest values a draw can take (+∞ for unbounded shapes).
    let lowest: Double
    let highest: Double
    /// Poisson only: P(X ≤ k) and P(X > k) for k = 0…, each summed from its small end.
    private let poissonLower: [Double]
    private let poissonUpper: [Double]

    /// Sums of at most this many draws are always drawn one by one.
    static let exactDrawLimit = 64
    /// Between `exactDrawLimit` and this, sums are still drawn one by one when the normal
    /// approximation's Berry–Esseen bound exceeds `weakBound`.
    static let exactDrawCeiling = 1024
    static let weakBound = 0.05
    /// Poisson means up to this get exact probability tables (for quantiles, maxima and the
    /// moments of a raised draw); above it quantiles use the normal approximation (the Poisson is
    /// within 0.1 % of it there) and the moments are λ and λ. Draws are exact at any mean.
    static let poissonTableLimit = 100_000.0

    convenience init(spec: NumericSpec, floor: Double = 0) {
        self.init(shape: Self.shape(of: spec), floor: floor)
    }

    /// What a compiled sampler depends on: many jobs share a distribution.
    struct Key: Hashable {
        var shape: Shape
        var floor: Double
        var moments: Bool
    }

    /// The sampler for `spec`, compiled once per distinct (shape, floor, moments) in `cache`.
    static func cached(_ spec: NumericSpec, floor: Double, moments: Bool = true, in cache: inout [Key: FieldSampler]) -> FieldSampler {
        let key = Key(shape: shape(of: spec), floor: floor, moments: moments)
        if let known = cache[key] { return known }
        let compiled = FieldSampler(shape: key.shape, floor: floor, moments: moments)
        cache[key] = compiled
        return compiled
    }

    /// - Parameter moments: false for fields drawn once a month (never summed): their variance
    ///   and third moment are then not integrated (the mean stays exact where a formula gives it).
    init(shape rawShape: Shape, floor: Double, moments: Bool = true) {
        let shape = Self.simplified(rawShape)
        self.shape = shape
        self.floor = floor
        var lower: [Double] = []
        var upper: [Double] = []
        switch shape {
        case .constant(let value):
            let raised = Swift.max(floor, value)
            (mean, variance, absoluteThirdMoment, lowest, highest) = (raised, 0, 0, raised, raised)
        case .uniform(let low, let high):
            let width = high - low
            if floor <= low {
                (mean, variance, absoluteThirdMoment) = ((low + high) / 2, width * width / 12, width * width * width / 32)
            } else {
                (mean, variance, absoluteThirdMoment) = Self.quantileMoments(floor: floor) { low + width * $0 }
            }
            (lowest, highest) = (Swift.max(floor, low), Swift.max(floor, high))
        case .triangular(let low, let mode, let high):
            if floor <= low {
                let m = (low + mode + high) / 3
                let v = (low * low + mode * mode + high * high - low * mode - low * high - mode * high) / 18
                let peak = 2 / (high - low)
                let density: (Double) -> Double = { x in
                    x < mode ? (mode > low ? peak * (x - low) / (mode - low) : peak) : (high > mode ? peak * (high - x) / (high - mode) : peak)
                }
                let cubed: (Double) -> Double = { x in pow(abs(x - m), 3) * density(x) }
                let points = [low, Swift.min(mode, m), Swift.max(mode, m), high]
                var rho = 0.0
                for index in 0..<3 { rho += Special.simpson(points[index], points[index + 1], intervals: 400, cubed) }
                (mean, variance, absoluteThirdMoment) = (m, v, rho)
            } else {
                let sampler = shape
                (mean, variance, absoluteThirdMoment) = Self.quantileMoments(floor: floor) { Self.continuousQuantile(sampler, $0) }
            }
            (lowest, highest) = (Swift.max(floor, low), Swift.max(floor, high))
        case .empirical(let sorted):
            let raised = sorted.map { Swift.max(floor, $0) }
            let n = Double(raised.count)
            let m = raised.reduce(0, +) / n
            mean = m
            variance = raised.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
            absoluteThirdMoment = raised.reduce(0) { $0 + pow(abs($1 - m), 3) } / n
            (lowest, highest) = (raised.first ?? floor, raised.last ?? floor)
        case .histogram(let from, let to, let cumulative):
            if floor <= (from.min() ?? 0) {
                var m1 = 0.0, m2 = 0.0
                var previous = 0.0
                for index in from.indices {
                    let weight = cumulative[index] - previous
                    previous = cumulative[index]
                    let (f, t) = (from[index], to[index])
                    m1 += weight * (f + t) / 2
                    m2 += weight * (f * f + f * t + t * t) / 3
                }
                var rho = 0.0
                previous = 0
                for index in from.indices {
                    let weight = cumulative[index] - previous
                    previous = cumulative[index]
                    let (f, t) = (from[index], to[index])
                    if t > f {
                        let antiderivative: (Double) -> Double = { x in (x - m1) * pow(abs(x - m1), 3) / 4 }
                        rho += weight * (antiderivative(t) - antiderivative(f)) / (t - f)
                    } else {
                        rho += weight * pow(abs(f - m1), 3)
                    }
                }
                (mean, variance, absoluteThirdMoment) = (m1, Swift.max(0, m2 - m1 * m1), rho)
            } else {
                let sampler = shape
                (mean, variance, absoluteThirdMoment) = Self.quantileMoments(floor: floor) { Self.continuousQuantile(sampler, $0) }
            }
            (lowest, highest) = (Swift.max(floor, from.min() ?? 0), Swift.max(floor, to.max() ?? 0))
        case .normal(let m, let sd, let lowerMass) where !moments && floor <= 0:
            let alpha = -m / sd
            let ratio = Special.normalDensity(alpha) / (1 - lowerMass)
            (mean, variance, absoluteThirdMoment) = (m + sd * ratio, sd * sd * Swift.max(0, 1 + alpha * ratio - ratio * ratio), 0)
            (lowest, highest) = (0, .infinity)
        case .lognormal(let mu, let sigma) where !moments && floor <= 0:
            (mean, variance, absoluteThirdMoment) = (exp(mu + sigma * sigma / 2), expm1(sigma * sigma) * exp(2 * mu + sigma * sigma), 0)
            (lowest, highest) = (0, .infinity)
        case .normal(let m, let sd, let lowerMass):
            let alpha = -m / sd
            let top = Swift.max(alpha, 0) + 14
            let transform: (Double) -> Double = { z in Swift.max(floor, m + sd * z) }
            let weight: (Double) -> Double = { z in Special.normalDensity(z) / (1 - lowerMass) }
            let breaks = [(floor - m) / sd]
            (mean, variance, absoluteThirdMoment) = Self.zMoments(from: alpha, to: top, breaks: breaks, transform: transform, weight: weight)
            (lowest, highest) = (Swift.max(floor, 0), .infinity)
        case .lognormal(let mu, let sigma):
            let top = 3 * sigma + 14
            let transform: (Double) -> Double = { z in Swift.max(floor, exp(mu + sigma * z)) }
            let breaks = floor > 0 ? [(log(floor) - mu) / sigma] : []
            (mean, variance, absoluteThirdMoment) = Self.zMoments(from: -14, to: top, breaks: breaks, transform: transform,
                                                                  weight: Special.normalDensity)
            (lowest, highest) = (floor, .infinity)
        case .poisson(let lambda):
            // A monthly field is only ever drawn (exactly, without tables): skip them.
            if moments && lambda <= Self.poissonTableLimit {
                let last = Int((lambda + 13 * lambda.squareRoot() + 40).rounded(.up))
                var pmf = [Double](repeating: 0, count: last + 1)
                for k in 0...last {
                    pmf[k] = exp(Double(k) * log(lambda) - lambda - Special.logFactorial(Double(k)))
                }
                lower = pmf
                for k in 1...last { lower[k] = lower[k - 1] + pmf[k] }
                upper = [Double](repeating: 0, count: last + 1)
                for k in stride(from: last - 1, through: 0, by: -1) { upper[k] = upper[k + 1] + pmf[k + 1] }
                var m1 = 0.0, m2 = 0.0
                for k in 0...last {
                    let x = Swift.max(floor, Double(k))
                    m1 += pmf[k] * x
                    m2 += pmf[k] * x * x
                }
                var rho = 0.0
                for k in 0...last { rho += pmf[k] * pow(abs(Swift.max(floor, Double(k)) - m1), 3) }
                (mean, variance, absoluteThirdMoment) = (m1, Swift.max(0, m2 - m1 * m1), rho)
            } else {
                // Far above any floor: the Poisson is normal to within 1 % here.
                (mean, variance, absoluteThirdMoment) = (lambda, lambda, 1.5958 * pow(lambda, 1.5))
            }
            (lowest, highest) = (Swift.max(floor, 0), .infinity)
        }
        poissonLower = lower
        poissonUpper = upper
        if case .constant = shape { isConstant = true } else { isConstant = false }
        if case .poisson = shape, floor <= 0 { sumsArePoisson = true } else { sumsArePoisson = false }
        // The smallest whole count above `exactDrawLimit` from which sums use the normal
        // approximation: where its bound drops to `weakBound`, and at most `exactDrawCeiling`.
        var threshold = Double(Self.exactDrawLimit)
        let ratio = variance > 0 ? absoluteThirdMoment / pow(variance, 1.5) : 0
        if ratio.isFinite {
            let needed = pow(Special.berryEsseen * ratio / Self.weakBound, 2)
            threshold = Swift.min(Double(Self.exactDrawCeiling), Swift.max(threshold, needed.rounded(.up) - 1))
        } else {
            threshold = Double(Self.exactDrawCeiling)
        }
        normalAbove = threshold
        switch shape {
        case .constant: (drawKind, first, second) = (.constant, 0, 0)
        case .uniform(let low, let high): (drawKind, first, second) = (.uniform, low, high - low)
        case .normal(let m, let sd, let lowerMass): (drawKind, first, second) = (lowerMass <= 0.5 ? .normal : .inverse, m, sd)
        case .lognormal(let mu, let sigma): (drawKind, first, second) = (.lognormal, mu, sigma)
        case .poisson(let lambda): (drawKind, first, second) = (.poisson, lambda, 0)
        default: (drawKind, first, second) = (.inverse, 0, 0)
        }
    }

    let drawKind: DrawKind
    let first: Double
    let second: Double

    /// True for degenerate distributions (every draw the same).
    let isConstant: Bool
    /// True when sums are one exact Poisson draw.
    let sumsArePoisson: Bool
    /// Whole counts above this are summed by the normal approximation (`sumMethod`).
    let normalAbove: Double

    /// The value every draw takes, when the distribution is degenerate.
    var constantValue: Double? {
        isConstant ? mean : nil
    }

    /// Poisson tables' length (0 above `poissonTableLimit`).
    var poissonTableCount: Int { poissonUpper.count }
    var poissonUpperIsEmpty: Bool { poissonUpper.isEmpty }

    /// True when the moments are finite, so sums can be approximated.
    var hasFiniteMoments: Bool { mean.isFinite && variance.isFinite }

    // MARK: Draws and quantiles

    /// One draw, raised to the floor.
    ///
    /// Normal and lognormal draws come from the ziggurat (a normal truncated at 0 by rejection:
    /// its mean is at least 0, so at least half the draws are kept); the other shapes invert
    /// their distribution function; Poisson draws are exact.
    @inline(__always)
    func draw(_ generator: inout Xoshiro256StarStar) -> Double {
        switch drawKind {
        case .constant: return mean
        case .uniform: return Swift.max(floor, first + second * generator.nextUnit())
        case .normal:
            for _ in 0..<1000 {
                let x = first + second * generator.nextNormal()
                if x >= 0 { return Swift.max(floor, x) }
            }
            return Swift.max(floor, Self.continuousQuantile(shape, generator.nextUnit()))
        case .lognormal: return Swift.max(floor, exp(first + second * generator.nextNormal()))
        case .poisson: return Swift.max(floor, Self.poisson(first, &generator))
        case .inverse: return Swift.max(floor, Self.continuousQuantile(shape, generator.nextUnit()))
        }
    }

    /// How `draw` samples, with its parameters in `first` and `second` (no pattern matching on
    /// the hot path).
    enum DrawKind: UInt8, Sendable {
        /// `mean`.
        case constant
        /// first + second × U.
        case uniform
        /// first + second × Z, kept when not negative.
        case normal
        /// exp(first + second × Z).
        case lognormal
        /// Poisson(first).
        case poisson
        /// The quantile function at U.
        case inverse
    }

    /// The `u`-quantile of a draw (0 < u < 1): the smallest x with P(X ≤ x) ≥ u.
    func quantile(_ u: Double) -> Double {
        switch shape {
        case .constant: return mean
        case .poisson(let lambda): return Swift.max(floor, poissonQuantile(lambda, upperTail: 1 - u, lowerTail: u))
        default: return Swift.max(floor, Self.continuousQuantile(shape, u))
        }
    }

    /// The value a draw exceeds with probability `p` (0 < p < 1), accurate for tiny `p`: the
    /// `1 − p` quantile without the rounding of `1 − p`.
    func upperQuantile(_ p: Double) -> Double {
        let value: Double
        switch shape {
        case .constant: return mean
        case .uniform(let low, let high): value = high - (high - low) * p
        case .triangular(let low, let mode, let high):
            let upperShare = (high - mode) / (high - low)
            value = p <= upperShare ? high - (p * (high - low) * (high - mode)).squareRoot()
                : low + ((1 - p) * (high - low) * (mode - low)).squareRoot()
        case .normal(let m, let sd, let lowerMass): value = m - sd * Special.normalQuantile(p * (1 - lowerMass))
        case .lognormal(let mu, let sigma): value = exp(mu - sigma * Special.normalQuantile(p))
        case .poisson(let lambda): value = poissonQuantile(lambda, upperTail: p, lowerTail: 1 - p)
        case .empirical(let sorted):
            let n = Double(sorted.count)
            value = sorted[Swift.max(0, sorted.count - 1 - Int(Swift.min(n - 1, (p * n).rounded(.down))))]
        case .histogram(let from, let to, let cumulative):
            value = Self.histogramQuantile(from: from, to: to, cumulative: cumulative, u: 1 - p, upper: p)
        }
        return Swift.max(floor, value)
    }

    /// P(X > x) for a (raised) draw, accurate in the upper tail.
    func survival(_ x: Double) -> Double {
        if x < floor { return 1 }
        switch shape {
        case .lognormal(let mu, let sigma): return x <= 0 ? 1 : Special.normalSurvival((log(x) - mu) / sigma)
        case .normal(let m, let sd, let lowerMass): return x <= 0 ? 1 : Special.normalSurvival((x - m) / sd) / (1 - lowerMass)
        case .uniform(let low, let high): return x < low ? 1 : x >= high ? 0 : (high - x) / (high - low)
        case .triangular(let low, let mode, let high):
            if x <= low { return 1 }
            if x >= high { return 0 }
            if x > mode { return (high - x) * (high - x) / ((high - low) * (high - mode)) }
            return 1 - cdf(x)
        case .poisson:
            let k = Int(x.rounded(.down))
            if k < 0 { return 1 }
            if k < poissonUpper.count { return poissonUpper[k] }
            return poissonUpper.isEmpty ? 1 - cdf(x) : 0
        default: return Swift.max(0, 1 - cdf(x))
        }
    }

    /// P(X ≤ x) for a (raised) draw: the analytic distribution function, for tests and checks.
    func cdf(_ x: Double) -> Double {
        if x < floor { return 0 }
        switch shape {
        case .constant: return x >= mean ? 1 : 0
        case .uniform(let low, let high):
            return x < low ? 0 : x >= high ? 1 : (x - low) / (high - low)
        case .triangular(let low, let mode, let high):
            if x <= low { return 0 }
            if x >= high { return 1 }
            if x <= mode { return (x - low) * (x - low) / ((high - low) * (mode - low)) }
            return 1 - (high - x) * (high - x) / ((high - low) * (high - mode))
        case .normal(let m, let sd, let lowerMass):
            return x <= 0 ? 0 : (Special.normalCDF((x - m) / sd) - lowerMass) / (1 - lowerMass)
        case .lognormal(let mu, let sigma):
            return x <= 0 ? 0 : Special.normalCDF((log(x) - mu) / sigma)
        case .poisson(let lambda):
            let k = Int(x.rounded(.down))
            if k < 0 { return 0 }
            if k < poissonLower.count { return poissonLower[k] }
            return poissonLower.isEmpty ? Special.normalCDF((x + 0.5 - lambda) / lambda.squareRoot()) : 1
        case .empirical(let sorted):
            return Double(sorted.filter { $0 <= x }.count) / Double(sorted.count)
        case .histogram(let from, let to, let cumulative):
            var previous = 0.0
            var total = 0.0
            for index in from.indices {
                let weight = cumulative[index] - previous
                previous = cumulative[index]
                if x >= to[index] { total += weight } else if x > from[index] { total += weight * (x - from[index]) / (to[index] - from[index]) }
            }
            return Swift.min(1, total)
        }
    }

    /// Quantile of the continuous shapes (all but constant and Poisson), before the floor.
    @inline(__always)
    static func continuousQuantile(_ shape: Shape, _ u: Double) -> Double {
        switch shape {
        case .uniform(let low, let high): return low + (high - low) * u
        case .triangular(let low, let mode, let high):
            let split = (mode - low) / (high - low)
            return u < split ? low + (u * (high - low) * (mode - low)).squareRoot()
                : high - ((1 - u) * (high - low) * (high - mode)).squareRoot()
        case .normal(let m, let sd, let lowerMass):
            // The upper half through its own tail keeps precision where 1 − u is tiny.
            if u > 0.5 { return m - sd * Special.normalQuantile((1 - u) * (1 - lowerMass)) }
            return m + sd * Special.normalQuantile(lowerMass + u * (1 - lowerMass))
        case .lognormal(let mu, let sigma): return exp(mu + sigma * Special.normalQuantile(u))
        case .empirical(let sorted): return sorted[Swift.min(sorted.count - 1, Int(u * Double(sorted.count)))]
        case .histogram(let from, let to, let cumulative):
            return histogramQuantile(from: from, to: to, cumulative: cumulative, u: u, upper: 1 - u)
        case .constant(let value): return value
        case .poisson(let lambda): return lambda
        }
    }

    static func histogramQuantile(from: [Double], to: [Double], cumulative: [Double], u: Double, upper: Double) -> Double {
        // Binary search for the first bucket whose cumulative share reaches u.
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] >= u { high = middle } else { low = middle + 1 }
        }
        let start = low == 0 ? 0 : cumulative[low - 1]
        let share = cumulative[low] - start
        let position = share > 0 ? Swift.min(1, Swift.max(0, (u - start) / share)) : 0
        // In the last bucket, measure from the top so that tiny upper tails keep their precision.
        if low == cumulative.count - 1 && share > 0 && upper < share {
            return to[low] - (to[low] - from[low]) * upper / share
        }
        return from[low] + (to[low] - from[low]) * position
    }

    /// The Poisson quantile from the tables: the smallest k with P(X ≤ k) ≥ 1 − upperTail.
    func poissonQuantile(_ lambda: Double, upperTail: Double, lowerTail: Double) -> Double {
        guard !poissonUpper.isEmpty else {
            // Normal approximation above `poissonTableLimit`.
            let z = upperTail < 0.5 ? -Special.normalQuantile(upperTail) : Special.normalQuantile(lowerTail)
            return Swift.max(0, (lambda + lambda.squareRoot() * z + 0.5).rounded(.down))
        }
        if upperTail < 0.5 {
            // First k whose upper tail P(X > k) is at most upperTail (the table decreases).
            var low = 0, high = poissonUpper.count - 1
            while low < high {
                let middle = (low + high) / 2
                if poissonUpper[middle] <= upperTail { high = middle } else { low = middle + 1 }
            }
            return Double(low)
        }
        var low = 0, high = poissonLower.count - 1
        while low < high {
            let middle = (low + high) / 2
            if poissonLower[middle] >= lowerTail { high = middle } else { low = middle + 1 }
        }
        return Double(low)
    }

    // MARK: Exact samplers

    /// One Poisson(λ) draw, exactly: inversion below 12, Hörmann's transformed rejection
    /// (PTRS, 1993) above; beyond 10¹⁵ (past any count a workload may state) the normal
    /// approximation.
    /// - Complexity: O(λ) for λ < 12, O(1) expected above (acceptance above 0.9).
    static func poisson(_ lambda: Double, _ generator: inout Xoshiro256StarStar) -> Double {
        guard lambda > 0 else { return 0 }
        if lambda < 12 {
            let u = generator.nextUnit()
            var probability = exp(-lambda)
            var cumulative = probability
            var k = 0.0
            while u > cumulative && k < 200 {
                k += 1
                probability *= lambda / k
                cumulative += probability
            }
            return k
        }
        if lambda > 1e15 {
            return Swift.max(0, (lambda + lambda.squareRoot() * Special.normalQuantile(generator.nextUnit())).rounded())
        }
        let root = lambda.squareRoot()
        let logLambda = log(lambda)
        let b = 0.931 + 2.53 * root
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        for _ in 0..<1000 {
            let u = generator.nextUnit() - 0.5
            let v = generator.nextUnit()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return k }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(inverseAlpha) - log(a / (us * us) + b) <= -lambda + k * logLambda - Special.logFactorial(k) {
                return k
            }
        }
        // Unreachable in practice (each round accepts with probability above 0.9).
        return (lambda + 0.5).rounded(.down)
    }

    // MARK: Moments by quadrature

    /// Mean, variance and E|X − mean|³ of `max(floor, Q(U))` by the midpoint rule on the quantile
    /// function (bounded shapes only).
    static func quantileMoments(floor: Double, _ quantile: (Double) -> Double) -> (Double, Double, Double) {
        let n = 16_384
        var values = [Double](repeating: 0, count: n)
        for index in 0..<n { values[index] = Swift.max(floor, quantile((Double(index) + 0.5) / Double(n))) }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        let rho = values.reduce(0) { $0 + pow(abs($1 - mean), 3) } / Double(n)
        return (mean, variance, rho)
    }

    /// Mean, variance and E|X − mean|³ of `transform(Z)` for Z with density `weight` on
    /// [from, to], by Simpson's rule split at `breaks` (kinks of the transform) and at the mean.
    static func zMoments(from: Double, to: Double, breaks: [Double], transform: (Double) -> Double,
                         weight: (Double) -> Double) -> (Double, Double, Double) {
        func integrate(_ extra: [Double], _ f: (Double) -> Double) -> Double {
            let points = ([from, to] + (breaks + extra).filter { $0 > from && $0 < to }).sorted()
            var total = 0.0
            for index in 0..<(points.count - 1) {
                let length = points[index + 1] - points[index]
                total += Special.simpson(points[index], points[index + 1], intervals: Swift.max(16, Int(length * 200)), f)
            }
            return total
        }
        let mean = integrate([]) { transform($0) * weight($0) }
        let second = integrate([]) { z in
            let d = transform(z) - mean
            return d * d * weight(z)
        }
        // Where the transform crosses the mean, |x − mean|³ has a kink: split there too.
        var crossing: [Double] = []
        var low = from, high = to
        if transform(low) < mean && transform(high) > mean {
            for _ in 0..<100 {
                let middle = (low + high) / 2
                if transform(middle) < mean { low = middle } else { high = middle }
            }
            crossing = [low]
        }
        let third = integrate(crossing) { z in pow(abs(transform(z) - mean), 3) * weight(z) }
        return (mean, Swift.max(0, second), third)
    }

    // MARK: From workload specs

    static func shape(of spec: NumericSpec) -> Shape {
        switch spec {
        case .fixed(let value): return .constant(double(value))
        case .band(let low, let typical, let high): return .triangular(low: double(low), mode: double(typical), high: double(high))
        case .distribution(let distribution):
            switch distribution {
            case .uniform(let min, let max): return .uniform(low: double(min), high: double(max))
            case .normal(let mean, let sd):
                let m = double(mean), s = double(sd)
                return .normal(mean: m, sd: s, lowerMass: Special.normalCDF(-m / s))
            case .lognormal(let mu, let sigma): return .lognormal(mu: double(mu), sigma: double(sigma))
            case .poisson(let mean): return .poisson(mean: double(mean))
            case .empirical(let values): return .empirical(sorted: values.map(double).sorted())
            case .histogram(let buckets):
                let total = buckets.reduce(0.0) { $0 + double($1.weight) }
                var running = 0.0
                var cumulative: [Double] = []
                for bucket in buckets {
                    running += double(bucket.weight)
                    cumulative.append(running / total)
                }
                if !cumulative.isEmpty { cumulative[cumulative.count - 1] = 1 }
                return .histogram(from: buckets.map { double($0.from) }, to: buckets.map { double($0.to) }, cumulative: cumulative)
            case .triangular(let low, let mode, let high):
                return .triangular(low: double(low), mode: double(mode), high: double(high))
            }
        }
    }

    /// Degenerate shapes (min = max, one observed value, a zero Poisson mean) become constants.
    static func simplified(_ shape: Shape) -> Shape {
        switch shape {
        case .uniform(let low, let high) where low == high: return .constant(low)
        case .triangular(let low, _, let high) where low == high: return .constant(low)
        case .poisson(let mean) where mean == 0: return .constant(0)
        case .empirical(let sorted) where sorted.first == sorted.last: return .constant(sorted.first ?? 0)
        case .histogram(let from, let to, _) where Set(from + to).count == 1: return .constant(from[0])
        default: return shape
        }
    }

    /// A decimal quantity as binary floating point (quantities only; never money).
    static func double(_ value: Decimal) -> Double {
        Distribution.double(value)
    }
}
