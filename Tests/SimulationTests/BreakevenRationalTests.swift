import Foundation
import Testing
@testable import CostModel
@testable import Simulation

private typealias S = SimFixture

/// The exact arithmetic under breakeven: big integers, fractions, polynomials and their roots.
@Suite("Breakeven arithmetic: BigInt, Rational, Polynomial")
struct BreakevenRationalTests {
    func big(_ text: String) -> BigInt { BigInt(digits: Substring(text))! }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (u, v) = (abs(a), abs(b))
        while v != 0 { (u, v) = (v, u % v) }
        return u
    }

    @Test("BigInt parses, prints and round-trips numbers far beyond Int64")
    func bigIntText() {
        for text in ["0", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                     "123456789012345678901234567890123456789", "-100000000000000000000000000000000000000000000001"] {
            #expect(big(text).description == text)
        }
        #expect(BigInt(digits: "12a") == nil)
        #expect(BigInt(digits: "") == nil)
        #expect(big("000123").description == "123")
    }

    @Test("BigInt arithmetic agrees with Int64 on random values and with known large results")
    func bigIntArithmetic() {
        var rng = SimSplitMix64(seed: 0xB161_2024)
        for _ in 0..<2000 {
            // 31-bit values: products fit in Int64, the reference; scaling by 2^64 forces the
            // multi-limb paths.
            let a = Int64(Int32(truncatingIfNeeded: rng.next()) >> Int32(rng.int(0...30)))
            let b = Int64(Int32(truncatingIfNeeded: rng.next()) >> Int32(rng.int(0...30)))
            let (x, y) = (BigInt(a), BigInt(b))
            let shift = BigInt(2).power(64)
            #expect(((x * shift + y * shift) / shift) == BigInt(a + b), "a=\(a) b=\(b)")
            #expect(((x * shift) * (y * shift)) / (shift * shift) == BigInt(a * b), "a=\(a) b=\(b)")
            #expect(((x * shift) - (y * shift)) / shift == BigInt(a - b), "a=\(a) b=\(b)")
            #expect((x * y).description == String(a * b))
            if b != 0 {
                let (q, r) = (x * shift).quotientAndRemainder(dividingBy: y * shift)
                #expect(q == BigInt(a / b) && r == BigInt(a % b) * shift, "a=\(a) b=\(b)")
                #expect(BigInt.gcd(x * shift, y * shift) == BigInt(Self.gcd(a, b)) * shift, "a=\(a) b=\(b)")
            }
            #expect((x * shift < y * shift) == (a < b))
        }
        #expect((big("123456789012345678901234567890") * big("987654321098765432109876543210")).description
                == "121932631137021795226185032733622923332237463801111263526900")
        let (q, r) = big("121932631137021795226185032733622923332237463801111263526901")
            .quotientAndRemainder(dividingBy: big("987654321098765432109876543210"))
        #expect(q.description == "123456789012345678901234567890" && r.description == "1")
        #expect(BigInt.gcd(big("1000000000000000000000000"), big("250000000000000000000")).description == "250000000000000000000")
        #expect(big("152415787532388367504942236884722755800955129").squareRootFloor().description == "12345678901234567890123")
        #expect(big("152415787532388367504942236884722755800955128").squareRootFloor().description == "12345678901234567890122")
    }

    @Test("Rational keeps lowest terms, converts decimals exactly and rounds half away from zero")
    func rationalBasics() {
        let third = Rational(1) / Rational(3)
        #expect(third * Rational(3) == .one)
        #expect(third.description == "1/3")
        #expect(Rational(S.d("0.00004")).description == "1/25000")
        #expect(Rational(S.d("-12.50")).description == "-25/2")
        #expect(Rational(S.d("1000000")) == Rational(1_000_000))
        #expect((Rational(2) / Rational(3)).decimal(scale: 4) == S.d("0.6667"))
        #expect(Rational(S.d("-2.345")).decimal(scale: 2) == S.d("-2.35"))
        #expect(Rational(S.d("2.345")).decimal(scale: 2) == S.d("2.35"))
        #expect(Rational(S.d("12.5")).exactDecimal == S.d("12.5"))
        #expect(third.exactDecimal == nil)
        #expect((Rational(-7) / Rational(2)).floor == Rational(-4))
        #expect((Rational(-7) / Rational(2)).ceiling == Rational(-3))
        #expect(Rational(S.d("3.0")).isInteger)
        #expect(Rational.simplestDecimal(between: third, and: Rational(1) / Rational(2)) == Rational(S.d("0.4")))
        #expect(Rational.simplestDecimal(between: Rational(10), and: Rational(S.d("10.0001"))) == Rational(S.d("10.00001")))
        #expect(Rational.simplestDecimal(between: Rational(999), and: Rational(5000)) == Rational(1000))
    }

    @Test("Decimal → Rational: the fast storage read is verified on this platform and equals the text path")
    func decimalConversion() {
        #expect(Rational.decimalLayoutVerified, "the fast Decimal read is off: every conversion takes the slow text path")
        var rng = SimSplitMix64(seed: 0xDEC1_4A11)
        for _ in 0..<3000 {
            var value = rng.decimal(-1_000_000_000...1_000_000_000, scale: rng.int(0...12))
            if rng.chance(30) { value = value * 730 / 24 }                  // 38-digit repeating decimals
            if rng.chance(10) { value = value * Decimal(sign: .plus, exponent: rng.int(1...40), significand: 1) }
            #expect(Rational.fromStorage(value) == Rational.fromText(value), "\(value)")
        }
    }

    @Test("Rational arithmetic is exact on random decimals (checked against Decimal where Decimal is exact)")
    func rationalAgainstDecimal() {
        var rng = SimSplitMix64(seed: 0x5A71_0A11)
        for _ in 0..<2000 {
            let a = rng.decimal(-1_000_000...1_000_000, scale: rng.int(0...6))
            let b = rng.decimal(-1_000_000...1_000_000, scale: rng.int(0...6))
            #expect(Rational(a) + Rational(b) == Rational(a + b), "\(a) + \(b)")
            #expect(Rational(a) - Rational(b) == Rational(a - b), "\(a) - \(b)")
            #expect(Rational(a) * Rational(b) == Rational(a * b), "\(a) × \(b)")
            #expect((Rational(a) < Rational(b)) == (a < b))
            if !b.isZero {
                #expect((Rational(a) / Rational(b)) * Rational(b) == Rational(a), "(\(a) / \(b)) × \(b)")
            }
        }
    }

    @Test("polynomial roots: exact for lines and rational quadratics, placed between whole numbers otherwise")
    func roots() {
        let x = Polynomial.x
        // 3x − 1000 = 0 at 1000/3.
        #expect((x * Rational(3) - Rational(1000)).roots(integerAxis: true) == [Rational(1000) / Rational(3)])
        // (x − 2)(x − 5) = x² − 7x + 10.
        #expect((x * x - x * Rational(7) + Rational(10)).roots(integerAxis: false) == [Rational(2), Rational(5)])
        // x² − 2: irrational roots ±1.414… → −1.5 and 1.5 on an integer axis.
        #expect((x * x - Rational(2)).roots(integerAxis: true) == [Rational(-3) / Rational(2), Rational(3) / Rational(2)])
        // x² + 1: none.
        #expect((x * x + Rational(1)).roots(integerAxis: true).isEmpty)
        // Off an integer axis, irrational roots are approximated to 10⁻¹².
        let approximate = (x * x - Rational(2)).roots(integerAxis: false)
        #expect(approximate.count == 2 && abs(approximate[1].doubleValue - 2.0.squareRoot()) < 1e-11)
    }

    @Test("irrational quadratic roots land in the right unit interval (sign at every whole value exact)", arguments: 0..<40)
    func quadraticPlacement(seed: Int) {
        var rng = SimSplitMix64(seed: 0x900D_0000 + UInt64(seed))
        let a = Rational(rng.decimal(1...5000, scale: 3)), b = Rational(rng.decimal(-100_000...100_000, scale: 2))
        let c = Rational(rng.decimal(-1_000_000...1_000_000, scale: 1))
        let p = Polynomial([c, b, a])
        let roots = p.roots(integerAxis: true)
        // Between consecutive roots (and beyond them) p keeps one sign at every whole value.
        let bounds = [Rational(-100_000)] + roots + [Rational(100_000)]
        for (low, high) in zip(bounds, bounds.dropFirst()) {
            var signs: Set<Int> = []
            let step = max(1, Int(((high - low).doubleValue / 200).rounded(.down)))
            var n = low.floor + .one
            for _ in 0..<400 where n < high {
                signs.insert(p(n).signum)
                n += Rational(step)
            }
            signs.remove(0)
            #expect(signs.count <= 1, "seed \(seed): \(p) changes sign between \(low) and \(high) at whole values")
        }
        // Next to each root, the sign differs on either side (a simple root).
        for root in roots where !root.isInteger {
            let left = root.floor, right = root.ceiling
            #expect(p(left).signum != p(right).signum || p(left).isZero || p(right).isZero
                    || roots.filter({ $0 > left && $0 < right }).count == 2, "seed \(seed): root \(root) of \(p) does not separate signs")
        }
    }
}
