import CostModel
import Foundation

/// An exact fraction of two integers of any size: the arithmetic of breakeven analysis.
///
/// Why not `Decimal`: a crossing point is a quotient, (a₂ − a₁) / (b₁ − b₂), of differences of
/// prices and quantities, and is rarely a terminating decimal (4,000 / 3 runs); `Decimal` rounds
/// it silently at 38 digits, and then "both options cost the same here" is no longer true.
/// `Int64` fractions overflow as soon as a price of 10⁻⁸ meets a quantity of 10¹². So every
/// decimal from a pricing or workload file becomes a `Rational` exactly, crossings are solved
/// exactly, and only output rounds (`decimal(scale:)`).
///
/// ```swift
/// let third = Rational(1) / Rational(3)
/// third * Rational(3) == Rational(1)        // true
/// Rational(Decimal(exactText: "0.00004")!)  // 1/25000
/// ```
public struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// In lowest terms; carries the sign.
    let numerator: BigInt
    /// Positive, in lowest terms.
    let denominator: BigInt

    /// A fraction reduced to lowest terms with a positive denominator.
    init(numerator: BigInt, denominator: BigInt) {
        precondition(!denominator.isZero, "Rational with a zero denominator")
        if denominator == .one || numerator.isZero {
            self.numerator = numerator
            self.denominator = numerator.isZero ? .one : denominator
            return
        }
        var n = numerator, d = denominator
        if d.isNegative {
            n = -n
            d = -d
        }
        let divisor = BigInt.gcd(n, d)
        if divisor != .one {
            n = n / divisor
            d = d / divisor
        }
        self.numerator = n
        self.denominator = d
    }

    init(_ integer: BigInt) {
        numerator = integer
        denominator = .one
    }

    /// An integer.
    public init(_ integer: Int) { self.init(BigInt(integer)) }

    /// A decimal, exactly: `Rational(Decimal(exactText: "2.5")!)` is 5/2.
    public init(_ decimal: Decimal) {
        if Self.decimalLayoutVerified, let value = Self.fromStorage(decimal) {
            self = value
        } else {
            self = Self.fromText(decimal)
        }
    }

    /// The decimal's own text is positional ("0.00004", "-12.5", "1000000"): its digits, parsed
    /// exactly. Always right, but Foundation's `description` is slow (about 14 µs on Linux).
    static func fromText(_ decimal: Decimal) -> Rational {
        let text = "\(decimal)"
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        var scale = 0
        if let dot = digits.firstIndex(of: ".") {
            scale = digits.distance(from: dot, to: digits.endIndex) - 1
            digits = digits[..<dot] + digits[digits.index(after: dot)...]
        }
        guard let magnitude = BigInt(digits: digits) else {
            preconditionFailure("unexpected Decimal text '\(text)'")
        }
        return Rational(numerator: negative ? -magnitude : magnitude, denominator: BigInt(10).power(scale))
    }

    /// Reads the decimal's sign, exponent and 128-bit mantissa from its storage (Foundation's
    /// `NSDecimal` layout: byte 0 the exponent, byte 1 the length in its high nibble and the
    /// sign in bit 3, then eight 16-bit mantissa words). The layout is not public API, so it is
    /// used only after `decimalLayoutVerified` has checked it against the text path; otherwise
    /// every conversion takes the slow, always-right text path. Nil for NaN.
    static func fromStorage(_ decimal: Decimal) -> Rational? {
        guard MemoryLayout<Decimal>.size == 20 else { return nil }
        return withUnsafeBytes(of: decimal) { raw -> Rational? in
            let bytes = Array(raw)
            let exponent = Int(Int8(bitPattern: bytes[0]))
            let length = Int(bytes[1] >> 4)
            let negative = bytes[1] & 0x08 != 0
            guard length <= 8 else { return nil }
            if length == 0 { return negative ? nil : .zero }
            var limbs: [UInt32] = []
            for index in stride(from: 0, to: length, by: 2) {
                let low = UInt32(bytes[4 + 2 * index]) | UInt32(bytes[5 + 2 * index]) << 8
                let high = index + 1 < length ? (UInt32(bytes[6 + 2 * index]) | UInt32(bytes[7 + 2 * index]) << 8) : 0
                limbs.append(low | high << 16)
            }
            let magnitude = BigInt(negative: negative, magnitude: limbs)
            if exponent >= 0 { return Rational(magnitude * Self.powerOfTen(exponent)) }
            return Rational(numerator: magnitude, denominator: Self.powerOfTen(-exponent))
        }
    }

    /// 10ⁿ for 0 ≤ n ≤ 128, computed once.
    static let powersOfTen: [BigInt] = {
        var powers = [BigInt.one]
        for _ in 0..<128 { powers.append(powers[powers.count - 1] * BigInt(10)) }
        return powers
    }()

    static func powerOfTen(_ n: Int) -> BigInt { n < powersOfTen.count ? powersOfTen[n] : BigInt(10).power(n) }

    /// True when reading `Decimal`'s storage gives the same values as its text on this platform,
    /// checked once on values covering sign, length, positive and negative exponents.
    static let decimalLayoutVerified: Bool = {
        let samples = ["0", "1", "-1", "-123.45", "0.00004", "1000000", "12345678901234567890", "65536", "4294967296",
                       "30.416666666666666666666666666666666667", "-99999999999999999999999999999999999999",
                       "1e20", "1.5e-30", "0.0009765625", "730"]
        for text in samples {
            guard let decimal = Decimal(exactText: text) ?? Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
                  let fast = fromStorage(decimal), fast == fromText(decimal) else { return false }
        }
        return true
    }()

    /// 0.
    public static let zero = Rational(0)
    /// 1.
    public static let one = Rational(1)

    /// True for 0.
    public var isZero: Bool { numerator.isZero }
    /// True below 0.
    public var isNegative: Bool { numerator.isNegative }
    /// True when the value is a whole number.
    public var isInteger: Bool { denominator == .one }

    /// -1, 0 or 1.
    public var signum: Int { numerator.signum }

    /// The largest integer not above the value.
    public var floor: Rational { Rational(numerator.floorDivided(by: denominator)) }

    /// The smallest integer not below the value.
    public var ceiling: Rational { -((-self).floor) }

    /// The nearest `Double`, for drawing only (never for arithmetic).
    public var doubleValue: Double {
        if let n = numerator.int64, let d = denominator.int64 { return Double(n) / Double(d) }
        // Scale both to at most ~2^1000 before converting, so huge values do not become inf/inf.
        let n = numerator.doubleValue, d = denominator.doubleValue
        if n.isFinite && d.isFinite { return n / d }
        let shift = max(numerator.magnitude.count, denominator.magnitude.count) - 30
        let scale = BigInt(2).power(32 * max(0, shift))
        return (numerator / scale).doubleValue / max(1, (denominator / scale).doubleValue)
    }

    /// `4000/3`, or `1000` for integers.
    public var description: String {
        isInteger ? numerator.description : "\(numerator)/\(denominator)"
    }

    /// The value rounded to `scale` decimal places, half away from zero:
    /// `(Rational(2) / Rational(3)).decimal(scale: 4)` is 0.6667.
    public func decimal(scale: Int) -> Decimal {
        precondition(scale >= 0 && scale <= 30, "scale out of range")
        let factor = BigInt(10).power(scale)
        let scaled = numerator.absoluteValue * factor * BigInt(2) + denominator
        let rounded = scaled / (denominator * BigInt(2))
        let text = (isNegative ? "-" : "") + rounded.description
        // More than 38 digits cannot be exact in a Decimal: Foundation's parser rounds them.
        let value = Decimal(exactText: text) ?? Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0
        return value * Decimal(sign: .plus, exponent: -scale, significand: 1)
    }

    /// The value as a `Decimal` when it is a terminating decimal of at most 38 digits, else nil.
    public var exactDecimal: Decimal? {
        var d = denominator
        var twos = 0, fives = 0
        while d.quotientAndRemainder(dividingBy: BigInt(2)).remainder.isZero { d = d / BigInt(2); twos += 1 }
        while d.quotientAndRemainder(dividingBy: BigInt(5)).remainder.isZero { d = d / BigInt(5); fives += 1 }
        guard d == .one else { return nil }
        let scale = max(twos, fives)
        let digits = (numerator.absoluteValue * BigInt(10).power(scale) / denominator).description
        guard digits.count <= 38, scale <= 127 else { return nil }
        guard let value = Decimal(exactText: (isNegative ? "-" : "") + digits) else { return nil }
        return scale == 0 ? value : value * Decimal(sign: .plus, exponent: -scale, significand: 1)
    }

    /// The simplest short decimal strictly between `low` and `high` (fewest decimal places,
    /// then nearest `low`): a value a person can type and `CostEngine` can price exactly.
    /// `between(Rational(1)/3, Rational(1)/2)` is 0.4.
    public static func simplestDecimal(between low: Rational, and high: Rational) -> Rational {
        precondition(low < high, "empty interval")
        for scale in 0...40 {
            let factor = Rational(BigInt(10).power(scale))
            let candidate = ((low * factor).floor + .one) / factor
            if candidate < high { return candidate }
        }
        return (low + high) / Rational(2)
    }

    // MARK: Arithmetic

    /// The negation, exactly.
    public static prefix func - (value: Rational) -> Rational {
        Rational(numerator: -value.numerator, denominator: value.denominator)
    }

    /// Already in lowest terms with a positive denominator: no gcd needed.
    private init(reduced numerator: BigInt, _ denominator: BigInt) {
        self.numerator = numerator
        self.denominator = denominator
    }

    // Sums and products reduce by the gcds of the operands' parts, which are small, rather than
    // of the result's (Knuth, TAOCP vol. 2, 4.5.1): a breakeven curve does millions of these.

    /// The exact sum: `Rational(1) / Rational(3) + Rational(1) / Rational(6)` is 1/2.
    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        if lhs.isZero { return rhs }
        if rhs.isZero { return lhs }
        if lhs.denominator == .one && rhs.denominator == .one { return Rational(reduced: lhs.numerator + rhs.numerator, .one) }
        let g = BigInt.gcd(lhs.denominator, rhs.denominator)
        if g == .one {
            return Rational(reduced: lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator,
                            lhs.denominator * rhs.denominator)
        }
        let t = lhs.numerator * (rhs.denominator / g) + rhs.numerator * (lhs.denominator / g)
        if t.isZero { return .zero }
        let g2 = BigInt.gcd(t, g)
        return Rational(reduced: g2 == .one ? t : t / g2, (lhs.denominator / g) * (g2 == .one ? rhs.denominator : rhs.denominator / g2))
    }

    /// The exact difference.
    public static func - (lhs: Rational, rhs: Rational) -> Rational { lhs + (-rhs) }

    /// The exact product: `Rational(2) / Rational(3) * Rational(3)` is 2.
    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        if lhs.isZero || rhs.isZero { return .zero }
        let g1 = lhs.denominator == .one ? BigInt.one : BigInt.gcd(rhs.numerator, lhs.denominator)
        let g2 = rhs.denominator == .one ? BigInt.one : BigInt.gcd(lhs.numerator, rhs.denominator)
        let n1 = g2 == .one ? lhs.numerator : lhs.numerator / g2, d2 = g2 == .one ? rhs.denominator : rhs.denominator / g2
        let n2 = g1 == .one ? rhs.numerator : rhs.numerator / g1, d1 = g1 == .one ? lhs.denominator : lhs.denominator / g1
        return Rational(reduced: n1 * n2, d1 * d2)
    }

    /// The exact quotient; the divisor must not be 0 (a programmer error).
    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        precondition(!rhs.isZero, "division by zero")
        let reciprocal = rhs.isNegative ? Rational(reduced: -rhs.denominator, -rhs.numerator)
                                        : Rational(reduced: rhs.denominator, rhs.numerator)
        return lhs * reciprocal
    }

    /// Adds in place.
    public static func += (lhs: inout Rational, rhs: Rational) { lhs = lhs + rhs }
    /// Subtracts in place.
    public static func -= (lhs: inout Rational, rhs: Rational) { lhs = lhs - rhs }

    /// Exact order, by cross-multiplication.
    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        if lhs.denominator == rhs.denominator { return lhs.numerator < rhs.numerator }
        return lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }
}
