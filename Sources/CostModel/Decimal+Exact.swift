import Foundation

extension Decimal {
    /// Parses plain decimal text exactly, never through a binary floating-point value.
    ///
    /// Accepts an optional sign, digits with an optional fraction, an optional exponent and
    /// `_` digit separators: `Decimal(exactText: "0.00004")` is exactly 4 × 10⁻⁵.
    /// Returns nil for anything else (`"1e"`, `"NaN"`, `".inf"`, `"0x10"`).
    public init?(exactText raw: String) {
        var bytes = Substring(raw).utf8[...]
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes = bytes.dropLast() }
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        // Digits accumulate in an integer (18 significant digits fit exactly), then become a
        // Decimal once. Longer numbers (up to Decimal's 38 digits) keep their digits as text for
        // Foundation's parser, after the same syntax check.
        var significand: UInt64 = 0
        var longDigits: [UInt8]?
        var exponent = 0
        var digits = 0
        var sawDigit = false
        var seenPoint = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sawDigit = true
                let value = UInt64(byte - UInt8(ascii: "0"))
                if digits == 0 && value == 0 {
                    if seenPoint { exponent -= 1 }
                } else {
                    if digits < 18 {
                        significand = significand * 10 + value
                    } else {
                        guard digits < 38 else { return nil }
                        if longDigits == nil { longDigits = Array(String(significand).utf8) }
                        longDigits?.append(byte)
                    }
                    digits += 1
                    if seenPoint { exponent -= 1 }
                }
            } else if byte == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if byte == UInt8(ascii: "_") && sawDigit {
                // digit separator, as YAML 1.1 allows: 1_000_000
            } else {
                break
            }
            index = bytes.index(after: index)
        }
        guard sawDigit else { return nil }
        if index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else { return nil }
            let rest = bytes[bytes.index(after: index)...]
            guard let first = rest.first, first != UInt8(ascii: "_"),
                  rest.dropFirst().allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let power = Int(String(decoding: rest, as: UTF8.self)), abs(power) < 100 else { return nil }
            exponent += power
        }
        // Decimal's exponent spans -128...127: anything beyond would silently become 0 or overflow.
        guard digits == 0 || (exponent >= -128 && exponent + digits <= 127) else { return nil }
        if let longDigits {
            let text = String(decoding: longDigits, as: UTF8.self) + "e" + String(exponent)
            guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
            self = negative ? -value : value
            return
        }
        self = Decimal(significand: significand, exponent: exponent, negative: negative)
    }

    /// Builds `±significand × 10^exponent`, stripping trailing zeros with integer arithmetic
    /// first: Foundation compacts a mantissa by Decimal division, which made parsing a
    /// 10,000-job workload markedly slower.
    init(significand: UInt64, exponent: Int, negative: Bool) {
        var mantissa = significand
        var power = exponent
        while mantissa != 0 && mantissa % 10 == 0 {
            mantissa /= 10
            power += 1
        }
        guard mantissa != 0 else {
            self = Decimal(0)
            return
        }
        let magnitude = power == 0 ? Decimal(mantissa) : Decimal(sign: .plus, exponent: power, significand: Decimal(mantissa))
        self = negative ? -magnitude : magnitude
    }

    /// This value rounded to `scale` decimal places, half away from zero.
    ///
    /// `Decimal(exactText: "2.345")!.rounded(scale: 2)` is 2.35; `-2.345` gives -2.35.
    public func rounded(scale: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }

    /// The smallest integer not below this value: `Decimal(2.1).ceiled()` is 3.
    public func ceiled() -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, 0, .up)
        return result
    }

    /// The largest integer not above this value.
    public func floored() -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, 0, .down)
        return result
    }

    /// True when the value has no fractional part.
    public var isWhole: Bool { self == floored() }
}

/// Money rounding lives here and only here: each reported line is rounded to the currency's
/// minor unit, half away from zero (SPEC §5).
public enum Money {
    /// Minor-unit digits of the currencies costsim prices in (USD, EUR: 2).
    public static let minorUnitScale = 2

    /// Rounds an exact amount to a reportable line amount: `Money.round(0.005)` is 0.01.
    public static func round(_ amount: Decimal) -> Decimal {
        amount.rounded(scale: minorUnitScale)
    }
}
