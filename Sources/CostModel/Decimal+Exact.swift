import Foundation

extension Decimal {
    /// Parses plain decimal text exactly, never through a binary floating-point value.
    ///
    /// Accepts an optional sign, digits with an optional fraction, an optional exponent and
    /// `_` digit separators: `Decimal(exactText: "0.00004")` is exactly 4 × 10⁻⁵.
    /// Returns nil for anything else (`"1e"`, `"NaN"`, `".inf"`, `"0x10"`).
    public init?(exactText raw: String) {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        guard !text.isEmpty else { return nil }
        var negative = false
        if let first = text.first, first == "+" || first == "-" {
            negative = first == "-"
            text = text.dropFirst()
        }
        var significand = Decimal(0)
        var exponent = 0
        var digits = 0
        var seenPoint = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let value = character.wholeNumberValue, character.isASCII {
                if digits < 38 {
                    significand = significand * 10 + Decimal(value)
                    if value != 0 || digits > 0 { digits += 1 }
                    if seenPoint { exponent -= 1 }
                } else if !seenPoint {
                    exponent += 1
                }
            } else if character == "." && !seenPoint {
                seenPoint = true
            } else if character == "_" {
                // digit separator, as YAML 1.1 allows: 1_000_000
            } else {
                break
            }
            index = text.index(after: index)
        }
        let mantissa = text[text.startIndex..<index]
        guard mantissa.contains(where: { $0.isASCII && $0.isNumber }) else { return nil }
        if index < text.endIndex {
            guard text[index] == "e" || text[index] == "E" else { return nil }
            let rest = text[text.index(after: index)...]
            guard let power = Int(rest), abs(power) < 100 else { return nil }
            exponent += power
        }
        var result = significand
        if exponent != 0 {
            result = Decimal(sign: .plus, exponent: exponent, significand: significand)
        }
        self = negative ? -result : result
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
