import Foundation

/// Monthly totals straight from their distribution: the sum of a month's per-run draws, and the
/// largest of them, without one draw per run.
extension FieldSampler {
    /// How the sum of `n` draws is sampled.
    enum SumMethod: String, Sendable {
        /// Every draw is the same: n × value.
        case constant
        /// n draws, one by one.
        case exact
        /// A sum of Poisson draws is Poisson: one exact draw of Poisson(n·λ).
        case poisson
        /// Normal with the sum's exact mean and variance, clamped to the possible range; the
        /// distribution-function error is at most `normalBound(count:)` (Berry–Esseen).
        case normal
    }

    /// The method used for a sum of `n` whole draws:
    /// - constant shapes: n × value;
    /// - a Poisson not raised by a floor: one Poisson(n·λ) draw (exact);
    /// - n ≤ 64, or n ≤ 1,024 while the normal bound is above 0.05: n exact draws;
    /// - otherwise the normal approximation.
    func sumMethod(whole n: Double) -> SumMethod {
        if isConstant { return .constant }
        if sumsArePoisson { return .poisson }
        return n > normalAbove ? .normal : .exact
    }

    /// Berry–Esseen bound on the normal approximation of a sum of `n` draws:
    /// sup over x of |P(sum ≤ x) − Φ((x − n·mean)/(σ·√n))| ≤ 0.4748 · ρ / (σ³ · √n), capped at 1.
    ///
    /// For a uniform field (ρ/σ³ = 1.3) and n = 1,000,000 it is 0.0006.
    func normalBound(count n: Double) -> Double {
        guard variance > 0, n > 0 else { return 0 }
        let ratio = absoluteThirdMoment / pow(variance, 1.5)
        guard ratio.isFinite else { return 1 }
        return Swift.min(1, Special.berryEsseen * ratio / n.squareRoot())
    }

    /// The sum of `count` draws. Drawn one by one, a fractional count adds that fraction of one
    /// more draw; the normal approximation uses the count as it is. Either way the expected sum is
    /// `count × mean` (a month of 30.4 nightly runs).
    ///
    /// - Complexity: O(min(count, 1,024)) draws; O(1) for large counts.
    func sum(count: Double, using generator: inout Xoshiro256StarStar) -> Double {
        if isConstant { return count * mean }
        guard count > 0 else { return 0 }
        let whole = count.rounded(.down)
        switch sumMethod(whole: whole) {
        case .constant:
            return count * mean
        case .poisson:
            guard case .poisson(let lambda) = shape else { return count * mean }
            return Self.poisson(lambda * count, &generator)
        case .normal:
            let z = generator.nextNormal()
            let total = count * mean + (count * variance).squareRoot() * z
            return Swift.min(count * highest, Swift.max(count * lowest, total))
        case .exact:
            var total = 0.0
            var index = 0.0
            while index < whole {
                total += draw(&generator)
                index += 1
            }
            let fraction = count - whole
            if fraction > 0 { total += fraction * draw(&generator) }
            return total
        }
    }

    /// The largest of `count` draws, exactly: the draw whose distribution function is U^(1/count)
    /// for one uniform U (so 1,000,000 runs cost one draw). No draws (count 0) give 0, except
    /// for a constant field, whose value is its largest (as the deterministic engine takes it).
    ///
    /// For a month's longest step: `stepSeconds.maximum(count: computeSteps, uniform: u)`.
    /// - Complexity: O(log table size) for Poisson, O(1) otherwise.
    func maximum(count: Double, uniform u: Double) -> Double {
        if let value = constantValue { return value }
        guard count > 0 else { return 0 }
        // P(max > x) = 1 − F(x)^count; setting F(x)^count = u gives the upper tail below.
        let upperTail = -expm1(log(u) / count)
        guard upperTail > 0 else { return highest.isFinite ? highest : upperQuantile(Double.leastNormalMagnitude) }
        return upperQuantile(Swift.min(upperTail, 1 - 0x1p-52))
    }

    /// `maximum(count:uniform:)` with the uniform from `generator`.
    func maximum(count: Double, using generator: inout Xoshiro256StarStar) -> Double {
        maximum(count: count, uniform: generator.nextUnit())
    }

    /// The largest value a draw can take in practice: the support's top for bounded shapes, the
    /// end of the Poisson table (beyond which the probability is below 10⁻³⁰), +∞ otherwise.
    var largestPossible: Double {
        if case .poisson = shape, !poissonUpperIsEmpty { return Swift.max(floor, Double(poissonTableCount - 1)) }
        return highest
    }
}

/// The scalars a draw or a large sum needs, copied out of a `FieldSampler`: no references are
/// counted on the hot path (its owner is held strongly by the `JobSampler` that holds this copy,
/// so the unowned reference, used only for rare cases, is always valid).
struct FastField: Sendable {
    let kind: FieldSampler.DrawKind
    let first: Double
    let second: Double
    let floor: Double
    let mean: Double
    let variance: Double
    let lowest: Double
    let highest: Double
    let normalAbove: Double
    let isConstant: Bool
    let sumsArePoisson: Bool
    unowned(unsafe) let owner: FieldSampler

    init(_ owner: FieldSampler) {
        kind = owner.drawKind
        first = owner.first
        second = owner.second
        floor = owner.floor
        mean = owner.mean
        variance = owner.variance
        lowest = owner.lowest
        highest = owner.highest
        normalAbove = owner.normalAbove
        isConstant = owner.isConstant
        sumsArePoisson = owner.sumsArePoisson
        self.owner = owner
    }

    /// `FieldSampler.draw`, the same values from the same generator.
    @inline(__always)
    func draw(_ generator: inout Xoshiro256StarStar) -> Double {
        switch kind {
        case .constant: return mean
        case .uniform: return Swift.max(floor, first + second * generator.nextUnit())
        case .lognormal: return Swift.max(floor, exp(first + second * generator.nextNormal()))
        case .normal:
            for _ in 0..<1000 {
                let x = first + second * generator.nextNormal()
                if x >= 0 { return Swift.max(floor, x) }
            }
            return Swift.max(floor, FieldSampler.continuousQuantile(owner.shape, generator.nextUnit()))
        default: return owner.draw(&generator)
        }
    }

    /// `FieldSampler.sum`, the same values from the same generator.
    @inline(__always)
    func sum(count: Double, using generator: inout Xoshiro256StarStar) -> Double {
        if isConstant { return count * mean }
        guard count > 0, !sumsArePoisson, count.rounded(.down) > normalAbove else { return owner.sum(count: count, using: &generator) }
        let total = count * mean + (count * variance).squareRoot() * generator.nextNormal()
        return Swift.min(count * highest, Swift.max(count * lowest, total))
    }
}
