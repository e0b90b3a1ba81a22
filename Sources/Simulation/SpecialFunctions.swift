import Foundation

/// The few special functions simulation needs, in binary floating point (they shape random
/// quantities, never money).
enum Special {
    /// Φ⁻¹(p), the standard normal quantile, by Wichura's algorithm AS 241 (PPND16): relative
    /// error about 1e-16 over (0, 1), including the far tails.
    ///
    /// `Special.normalQuantile(0.975)` is 1.959963984540054.
    /// For an upper-tail probability q, `-normalQuantile(q)` keeps full precision where
    /// `normalQuantile(1 - q)` would not.
    static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normalQuantile needs 0 < p < 1, got \(p)")
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let numerator = ((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608
            let denominator = ((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1
            return q * numerator / denominator
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            let numerator = ((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734
            let denominator = ((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1
            value = numerator / denominator
        } else {
            r -= 5
            let numerator = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772
            let denominator = ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1
            value = numerator / denominator
        }
        return q < 0 ? -value : value
    }

    /// Φ(x), the standard normal distribution function (accurate in the lower tail).
    static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// 1 − Φ(x), accurate in the upper tail.
    static func normalSurvival(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// φ(x), the standard normal density.
    static func normalDensity(_ x: Double) -> Double {
        exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    }

    /// log(k!) for k ≥ 0.
    static func logFactorial(_ k: Double) -> Double {
        lgamma(k + 1)
    }

    /// The Berry–Esseen constant for i.i.d. sums (Shevtsova 2011): for n draws with variance σ²
    /// and third absolute central moment ρ, the standardised sum's distribution function is
    /// within `berryEsseen × ρ / (σ³ √n)` of Φ everywhere.
    static let berryEsseen = 0.4748

    /// ∫ₐᵇ f by composite Simpson's rule on `intervals` (made even) equal steps.
    /// - Complexity: O(intervals) evaluations of `f`.
    static func simpson(_ a: Double, _ b: Double, intervals: Int, _ f: (Double) -> Double) -> Double {
        guard b > a else { return 0 }
        let n = max(2, intervals + intervals % 2)
        let h = (b - a) / Double(n)
        var sum = f(a) + f(b)
        for index in 1..<n {
            sum += f(a + Double(index) * h) * (index % 2 == 1 ? 4 : 2)
        }
        return sum * h / 3
    }
}
