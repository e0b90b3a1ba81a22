import Foundation
import Testing
@testable import CostModel

/// `Decimal(exactText:)`: decimal text to an exact value, never through a binary float.
@Suite("Decimal(exactText:)")
struct DecimalExactTextTests {
    @Test("0.00004 is exactly 4 × 10⁻⁵")
    func smallUnitPriceIsExact() throws {
        let value = try #require(Decimal(exactText: "0.00004"))
        #expect(value == Decimal(sign: .plus, exponent: -5, significand: 4))
        #expect(value.description == "0.00004")
    }

    @Test("a price that does not fit micro-units stays exact")
    func manyFractionDigits() throws {
        let value = try #require(Decimal(exactText: "0.0000166667"))
        #expect(value == Decimal(sign: .plus, exponent: -10, significand: 166_667))
        #expect(value * 1_000_000 == Decimal(sign: .plus, exponent: -4, significand: 166_667))
    }

    @Test("decimal fractions add exactly: 0.1 × 3 == 0.3")
    func noBinaryRoundingError() throws {
        let tenth = try #require(Decimal(exactText: "0.1"))
        let threeTenths = try #require(Decimal(exactText: "0.3"))
        #expect(tenth * 3 == threeTenths)
        #expect(tenth + tenth + tenth == threeTenths)
    }

    @Test("integers, signs and plain fractions", arguments: [
        ("0", scaled(0, 0)),
        ("7", scaled(7, 0)),
        ("+7", scaled(7, 0)),
        ("-7", scaled(-7, 0)),
        ("40", scaled(40, 0)),
        ("0.5", scaled(5, -1)),
        ("-0.5", scaled(-5, -1)),
        (".5", scaled(5, -1)),
        ("5.", scaled(5, 0)),
        ("0.60", scaled(6, -1)),
        ("1000000", scaled(1_000_000, 0)),
        ("007.250", scaled(725, -2)),
        ("0.0000338", scaled(338, -7)),
        ("123456789.987654321", scaled(123_456_789_987_654_321, -9)),
        ("0000000000000000000000123", scaled(123, 0)),
        ("-.5", scaled(-5, -1)),
        ("+.5e1", scaled(5, 0)),
        ("0.", scaled(0, 0)),
    ])
    func plainText(text: String, expected: Decimal) throws {
        let value = try #require(Decimal(exactText: text), "\"\(text)\"")
        #expect(value == expected, "\"\(text)\"")
    }

    @Test("underscores are digit separators", arguments: [
        ("1_000_000", scaled(1_000_000, 0)),
        ("5_000_000", scaled(5_000_000, 0)),
        ("0.000_04", scaled(4, -5)),
        ("-1_000.5", scaled(-10_005, -1)),
    ])
    func underscores(text: String, expected: Decimal) throws {
        let value = try #require(Decimal(exactText: text), "\"\(text)\"")
        #expect(value == expected, "\"\(text)\"")
    }

    @Test("exponents, either case, either sign", arguments: [
        ("1e6", scaled(1, 6)),
        ("1E6", scaled(1, 6)),
        ("1e+6", scaled(1, 6)),
        ("4e-5", scaled(4, -5)),
        ("2.5e3", scaled(2_500, 0)),
        ("2.5E-3", scaled(25, -4)),
        ("-1.5e2", scaled(-150, 0)),
        ("0.5e1", scaled(5, 0)),
        ("1_000e-3", scaled(1, 0)),
    ])
    func exponents(text: String, expected: Decimal) throws {
        let value = try #require(Decimal(exactText: text), "\"\(text)\"")
        #expect(value == expected, "\"\(text)\"")
    }

    @Test("surrounding spaces are ignored")
    func surroundingSpaces() {
        #expect(Decimal(exactText: "  12.5 ") == scaled(125, -1))
    }

    @Test("negative zero is zero, not NaN", arguments: ["-0", "-0.0", "-0e5"])
    func negativeZero(text: String) throws {
        let value = try #require(Decimal(exactText: text), "\"\(text)\"")
        #expect(!value.isNaN, "\"\(text)\"")
        #expect(value == 0, "\"\(text)\"")
    }

    @Test("rejects text that is not a plain decimal number", arguments: [
        "", " ", "abc", "1e", "1e+", "e5", "1e5.5", "1e1000", ".inf", "-.inf", ".nan", "NaN", "inf", "Infinity",
        "0x10", "1.2.3", "1,000", "1 000", "12abc", "$5", "+", "-", ".", "_", "--1", "+-1", "1-", "١٢",
        "true", "~", "null", "_1", "1e_5",
    ])
    func rejects(text: String) {
        #expect(Decimal(exactText: text) == nil, "\"\(text)\" should not parse")
    }

    @Test("eighteen significant digits are exact", arguments: ["123456789012345678", "0.123456789012345678", "-9999999999.99999999"])
    func eighteenDigits(text: String) throws {
        let value = try #require(Decimal(exactText: text), "\"\(text)\"")
        #expect(value.description == text)
    }

    @Test("19 to 38 significant digits are exact too", arguments: [
        ("1234567890123456789", "1234567890123456789"),
        ("1_234_567_890_123_456_789", "1234567890123456789"),
        ("-0.1234567890123456789", "-0.1234567890123456789"),
        ("12345678901234567890e-5", "123456789012345.6789"),
        ("1234567890123456789E5", "123456789012345678900000"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ])
    func longDigits(text: String, expected: String) throws {
        let value = try #require(Decimal(exactText: text), "\"\(text)\"")
        #expect(value.description == expected, "\"\(text)\"")
    }

    @Test("trailing zeros written out are exact", arguments: [
        ("1.000000000000000000", "1"), ("0.1000000000000000000", "0.1"), ("1000000000000000000", "1e18"), ("5.0000000000000000000000", "5"),
    ])
    func trailingZeros(text: String, expected: String) {
        #expect(Decimal(exactText: text) == exact(expected), "\"\(text)\"")
    }

    @Test("more than 38 significant digits are refused rather than rounded")
    func tooManyDigits() {
        #expect(Decimal(exactText: "123456789012345678901234567890123456789") == nil)
    }

    /// Long text once went to Foundation's Decimal(string:) unchecked, which parses a prefix
    /// and ignores the rest; the syntax is now checked as strictly as for 18 digits.
    @Test("malformed text with more than 18 significant digits is refused",
          arguments: ["1234567890123456789.5.5", "1234567890123456789-5", "1234567890123456789-", "1234567890123456789+", "1234567890123456789e",
                      "1234567890123456789e+", "1234567890123456789e1e2", "1234567890123456789e5.5", "1234567890123456789.."])
    func malformedLongText(text: String) {
        #expect(Decimal(exactText: text) == nil, "\"\(text)\" should not parse (as its 18-digit form does not)")
    }

    @Test("the 38-digit limit counts only significant digits, not leading zeros or exponent digits",
          arguments: [
              ("12345678901234567890123456789012345678e-20", "12345678901234567890123456789012345678", -20),
              ("1234567890123456789012345678901234567e15", "1234567890123456789012345678901234567", 15),
              ("0.0000000000000000000000000000000000001234567890123456789", "1234567890123456789", -55),
          ])
    func longDigitLimitCountsOnlySignificantDigits(text: String, significand: String, exponent: Int) {
        let expected = Decimal(sign: .plus, exponent: exponent, significand: exact(significand))
        #expect(Decimal(exactText: text) == expected, "\"\(text)\"")
    }

    @Test("an exponent below Decimal's range is refused rather than becoming 0")
    func underflowIsRefused() {
        #expect(Decimal(exactText: "0.000000000000000000000000000000001e-99") == nil)
        #expect(Decimal(exactText: "0.00000000000000000000000000000000000000001234567890123456789e-99") == nil)
    }

    @Test("the smallest exponents still in range are exact")
    func smallExponents() {
        #expect(Decimal(exactText: "1e-99") == Decimal(sign: .plus, exponent: -99, significand: 1))
        #expect(Decimal(exactText: "0.0000000000000000000000000001e-99") == Decimal(sign: .plus, exponent: -127, significand: 1))
        #expect(Decimal(exactText: "123456789012345678e99") == Decimal(sign: .plus, exponent: 99, significand: Decimal(123_456_789_012_345_678 as UInt64)))
    }

    @Test("leading zeros are not significant digits")
    func leadingZerosAreFree() throws {
        let value = try #require(Decimal(exactText: "0.000000000000000000000000000001"))
        #expect(value == Decimal(sign: .plus, exponent: -30, significand: 1))
    }
}

/// Rounding helpers: `rounded(scale:)`, `Money.round`, `ceiled()`, `floored()`, `isWhole`.
@Suite("Decimal rounding")
struct DecimalRoundingTests {
    @Test("rounded(scale:) rounds half away from zero", arguments: [
        ("2.345", 2, "2.35"),
        ("-2.345", 2, "-2.35"),
        ("2.344", 2, "2.34"),
        ("-2.344", 2, "-2.34"),
        ("0.5", 0, "1"),
        ("-0.5", 0, "-1"),
        ("1.5", 0, "2"),
        ("2.5", 0, "3"),
        ("-2.5", 0, "-3"),
        ("0.125", 2, "0.13"),
        ("0.135", 2, "0.14"),
        ("1234.5678", 3, "1234.568"),
        ("3", 2, "3"),
        ("0.00004", 2, "0"),
        ("99.995", 2, "100"),
    ])
    func halfAwayFromZero(text: String, scale: Int, expected: String) {
        #expect(exact(text).rounded(scale: scale) == exact(expected), "\(text) at scale \(scale)")
    }

    @Test("Money.round rounds a line to cents, half away from zero", arguments: [
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("0.004999", "0"),
        ("1.125", "1.13"),
        ("1.115", "1.12"),
        ("-1.125", "-1.13"),
        ("3960", "3960"),
        ("3979.999999", "3980"),
        ("0.0000338", "0"),
    ])
    func moneyRound(text: String, expected: String) {
        #expect(Money.round(exact(text)) == exact(expected), "Money.round(\(text))")
    }

    @Test("the minor unit is two digits")
    func minorUnit() {
        #expect(Money.minorUnitScale == 2)
    }

    @Test("ceiled() is the smallest integer not below the value", arguments: [
        ("2.1", "3"),
        ("2", "2"),
        ("2.000001", "3"),
        ("0.0000001", "1"),
        ("0", "0"),
        ("-2.1", "-2"),
        ("-2.9", "-2"),
        ("-2", "-2"),
        ("-0.5", "0"),
    ])
    func ceiled(text: String, expected: String) {
        #expect(exact(text).ceiled() == exact(expected), "ceil(\(text))")
    }

    @Test("floored() is the largest integer not above the value", arguments: [
        ("2.9", "2"),
        ("2", "2"),
        ("0.999999", "0"),
        ("-2.1", "-3"),
        ("-2", "-2"),
        ("-0.5", "-1"),
    ])
    func floored(text: String, expected: String) {
        #expect(exact(text).floored() == exact(expected), "floor(\(text))")
    }

    @Test("isWhole", arguments: [("3", true), ("3.0", true), ("1e3", true), ("3.5", false), ("-3", true), ("-3.5", false), ("0.001", false)])
    func isWhole(text: String, expected: Bool) {
        #expect(exact(text).isWhole == expected, "\(text)")
    }
}

/// Random round trips against references built without any decimal text parsing.
@Suite("Decimal properties")
struct DecimalPropertyTests {
    /// `digits` with a decimal point `scale` places from the right: ("123", 5) -> "0.00123".
    private func pointed(_ digits: String, scale: Int) -> String {
        guard scale > 0 else { return digits }
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        return String(padded.dropLast(scale)) + "." + String(padded.suffix(scale))
    }

    /// `digits` with `_` between every group of three from the right.
    private func grouped(_ digits: String) -> String {
        var out = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0 && offset % 3 == 0 { out.append("_") }
            out.append(character)
        }
        return String(out.reversed())
    }

    @Test("plain, grouped and scientific text of up to 18 digits parse exactly", arguments: propertySeeds)
    func roundTrip(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let significand = UInt64.random(in: 0...999_999_999_999_999_999, using: &random) >> UInt64(random.int(0...59))
            let scale = random.int(0...20)
            let negative = random.int(0...1) == 1
            let magnitude = Decimal(sign: .plus, exponent: -scale, significand: Decimal(significand))
            let expected = negative ? -magnitude : magnitude
            let sign = negative ? "-" : (random.int(0...3) == 0 ? "+" : "")
            let digits = String(significand)
            for text in [sign + pointed(digits, scale: scale), sign + grouped(digits) + "e-\(scale)", sign + digits + "E-\(scale)"] {
                let value = try #require(Decimal(exactText: text), "seed \(seed): \"\(text)\" did not parse")
                #expect(value == expected, "seed \(seed): \"\(text)\" gave \(value), expected \(expected)")
            }
        }
    }

    @Test("19 to 36 digit text, with or without an exponent, parses exactly", arguments: propertySeeds)
    func longRoundTrip(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let count = random.int(19...36)
            let digits = String(random.int(1...9)) + String((1..<count).map { _ in Character(String(random.int(0...9))) })
            var significand = Decimal(0)
            for character in digits { significand = significand * 10 + Decimal(character.wholeNumberValue!) }
            let scale = random.int(0...30)
            let expected = Decimal(sign: .plus, exponent: -scale, significand: significand)
            for text in [pointed(digits, scale: scale), grouped(digits) + "e-\(scale)"] {
                let value = try #require(Decimal(exactText: text), "seed \(seed): \"\(text)\" did not parse")
                #expect(value == expected, "seed \(seed): \"\(text)\" gave \(value), expected \(expected)")
            }
        }
    }

    @Test("rounded(scale: 2) agrees with integer half-away-from-zero rounding", arguments: propertySeeds)
    func roundingReference(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let n = random.int(-10_000_000_000...10_000_000_000)
            let k = random.int(3...8)
            var unit = 1
            for _ in 0..<(k - 2) { unit *= 10 }
            let (quotient, remainder) = (abs(n) / unit, abs(n) % unit)
            let roundedMagnitude = 2 * remainder >= unit ? quotient + 1 : quotient
            let expected = scaled(n < 0 ? -roundedMagnitude : roundedMagnitude, -2)
            let value = scaled(n, -k)
            #expect(value.rounded(scale: 2) == expected, "seed \(seed): \(value)")
            #expect(Money.round(value) == expected, "seed \(seed): \(value)")
            #expect(Money.round(-value) == -Money.round(value), "seed \(seed): symmetry at \(value)")
        }
    }

    @Test("ceiled() and floored() bracket the value within one", arguments: propertySeeds)
    func ceilFloor(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let value = scaled(random.int(-1_000_000_000...1_000_000_000), -random.int(0...6))
            let (ceiling, floor) = (value.ceiled(), value.floored())
            #expect(ceiling.isWhole && floor.isWhole, "seed \(seed): \(value)")
            #expect(floor <= value && value <= ceiling, "seed \(seed): \(value)")
            #expect(ceiling - floor == (value.isWhole ? 0 : 1), "seed \(seed): \(value)")
        }
    }
}
