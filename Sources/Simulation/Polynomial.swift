import Foundation

/// A polynomial in the axis value x with exact coefficients: c₀ + c₁x + c₂x².
///
/// Along every axis a workload quantity is a polynomial in x: linear for runs, scale,
/// duration and memory; on the steps axis, quadratic where a retried run re-runs every step
/// (`step_attempts = R × S × (1 + (S − W)·r)` under `execution: runs`).
///
/// `(Polynomial.x * 3 + 1)(Rational(2))` is 7.
struct Polynomial: Sendable, Equatable, CustomStringConvertible {
    /// Lowest degree first, without trailing zeros (the zero polynomial has none).
    private(set) var coefficients: [Rational]

    init(_ coefficients: [Rational]) {
        var trimmed = coefficients
        while trimmed.last?.isZero == true { trimmed.removeLast() }
        self.coefficients = trimmed
    }

    static let zero = Polynomial([])
    /// The axis value itself.
    static let x = Polynomial([.zero, .one])

    static func constant(_ value: Rational) -> Polynomial { Polynomial([value]) }

    /// -1 for the zero polynomial.
    var degree: Int { coefficients.count - 1 }
    var isZero: Bool { coefficients.isEmpty }
    /// The constant term.
    var constantTerm: Rational { coefficients.first ?? .zero }

    /// The value at x (Horner's rule).
    func callAsFunction(_ x: Rational) -> Rational {
        var value = Rational.zero
        for coefficient in coefficients.reversed() { value = value * x + coefficient }
        return value
    }

    var description: String {
        coefficients.enumerated().map { "\($1)" + ($0 == 0 ? "" : $0 == 1 ? "·x" : "·x^\($0)") }.joined(separator: " + ")
    }

    static func + (lhs: Polynomial, rhs: Polynomial) -> Polynomial {
        let count = max(lhs.coefficients.count, rhs.coefficients.count)
        return Polynomial((0..<count).map {
            ($0 < lhs.coefficients.count ? lhs.coefficients[$0] : .zero) + ($0 < rhs.coefficients.count ? rhs.coefficients[$0] : .zero)
        })
    }

    static func + (lhs: Polynomial, rhs: Rational) -> Polynomial { lhs + .constant(rhs) }

    static prefix func - (value: Polynomial) -> Polynomial { Polynomial(value.coefficients.map { -$0 }) }

    static func - (lhs: Polynomial, rhs: Polynomial) -> Polynomial { lhs + (-rhs) }

    static func - (lhs: Polynomial, rhs: Rational) -> Polynomial { lhs + .constant(-rhs) }

    static func * (lhs: Polynomial, rhs: Polynomial) -> Polynomial {
        if lhs.isZero || rhs.isZero { return .zero }
        var result = [Rational](repeating: .zero, count: lhs.coefficients.count + rhs.coefficients.count - 1)
        for (i, a) in lhs.coefficients.enumerated() where !a.isZero {
            for (j, b) in rhs.coefficients.enumerated() where !b.isZero {
                result[i + j] += a * b
            }
        }
        return Polynomial(result)
    }

    static func * (lhs: Polynomial, rhs: Rational) -> Polynomial {
        rhs.isZero ? .zero : Polynomial(lhs.coefficients.map { $0 * rhs })
    }

    static func += (lhs: inout Polynomial, rhs: Polynomial) { lhs = lhs + rhs }

    /// The lowest and highest values on the closed interval [low, high].
    /// - Complexity: O(1) (degree at most 2).
    func extremes(from low: Rational, to high: Rational) -> (min: Rational, max: Rational) {
        var values = [self(low), self(high)]
        if degree == 2 {
            let vertex = -coefficients[1] / (coefficients[2] * Rational(2))
            if low < vertex && vertex < high { values.append(self(vertex)) }
        }
        return (values.min()!, values.max()!)
    }

    /// Where the polynomial changes sign, sorted, without repeats: its real roots of odd
    /// multiplicity, plus a double root (where it touches zero).
    ///
    /// Linear roots and rational quadratic roots are exact. An irrational root r of a quadratic
    /// (the steps axis only, which is an integer axis) is returned as n + ½ where n < r < n + 1:
    /// at every integer the sign is then exactly right, which is all an integer axis needs. Off
    /// an integer axis an irrational root is approximated to 10⁻¹², never reached by the
    /// shipped axes.
    /// - Complexity: O(1) big-integer operations (degree at most 2).
    func roots(integerAxis: Bool) -> [Rational] {
        switch degree {
        case ..<1:
            return []
        case 1:
            return [-coefficients[0] / coefficients[1]]
        case 2:
            return quadraticRoots(integerAxis: integerAxis)
        default:
            preconditionFailure("polynomials along an axis have degree at most 2, found \(degree)")
        }
    }

    private func quadraticRoots(integerAxis: Bool) -> [Rational] {
        // Clear denominators: A x² + B x + C with integers.
        let common = coefficients.reduce(BigInt.one) { lcm, coefficient in
            lcm / BigInt.gcd(lcm, coefficient.denominator) * coefficient.denominator
        }
        let scaled = coefficients.map { $0.numerator * (common / $0.denominator) }
        let c = scaled[0], b = scaled[1], a = scaled[2]
        let discriminant = b * b - BigInt(4) * a * c
        if discriminant.isNegative { return [] }
        let twoA = Rational(BigInt(2) * a)
        if discriminant.isZero { return [Rational(-b) / twoA] }
        let root = discriminant.squareRootFloor()
        if root * root == discriminant {
            return [Rational(-b - root) / twoA, Rational(-b + root) / twoA].sorted()
        }
        var results: [Rational] = []
        for sign in [-1, 1] {
            if integerAxis {
                // The root lies between (−B ± s)/2A and (−B ± (s+1))/2A, an interval at most ½
                // wide: at most one integer k inside, and the sign of p(k) places the root.
                let ends = [Rational(-b + (sign < 0 ? -root : root)) / twoA,
                            Rational(-b + (sign < 0 ? -(root + .one) : root + .one)) / twoA].sorted()
                var n = ends[0].floor
                let k = ends[1].floor
                if k != n && rootSign(sign, a: a, b: b, discriminant: discriminant, relativeTo: k) > 0 { n = k }
                results.append(n + Rational(1) / Rational(2))
            } else {
                let precision = BigInt(10).power(12)
                let approximate = (discriminant * precision * precision).squareRootFloor()
                let numerator = Rational(-b * precision + (sign < 0 ? -approximate : approximate))
                results.append(numerator / (Rational(precision) * twoA))
            }
        }
        return Array(Set(results)).sorted()
    }

    /// The sign of r − k, where r = (−B + sign·√D) / 2A, exactly.
    private func rootSign(_ sign: Int, a: BigInt, b: BigInt, discriminant: BigInt, relativeTo k: Rational) -> Int {
        // r − k = (sign·√D − t) / 2A with t = B + 2A·k; compare sign·√D with t exactly.
        let t = Rational(b) + Rational(BigInt(2) * a) * k
        let tSquared = t * t
        let rootD = Rational(discriminant)
        let numeratorSign: Int
        if sign > 0 {
            numeratorSign = t.isNegative ? 1 : (rootD > tSquared ? 1 : (rootD == tSquared ? 0 : -1))
        } else {
            // −√D − t is positive only when t < 0 and √D < −t.
            numeratorSign = t.isNegative ? (rootD < tSquared ? 1 : (rootD == tSquared ? 0 : -1)) : -1
        }
        return numeratorSign * a.signum
    }

    /// The points strictly inside (low, high) where the polynomial crosses `level`.
    func crossings(of level: Rational, inside low: Rational, _ high: Rational, integerAxis: Bool) -> [Rational] {
        (self - level).roots(integerAxis: integerAxis).filter { low < $0 && $0 < high }
    }
}
