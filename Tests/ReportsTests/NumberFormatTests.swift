import CostModel
import Foundation
import Testing
@testable import CostModel
@testable import Reports

private func d(_ text: String) -> Decimal { Decimal(exactText: text)! }

/// The one file that turns numbers into text (STYLE rule 8).
@Suite("NumberFormat")
struct NumberFormatTests {
    @Test("money: two decimals, no grouping", arguments: [
        ("4000", "4000.00"), ("40", "40.00"), ("0", "0.00"), ("2000.5", "2000.50"),
        ("1234567.891", "1234567.89"), ("0.125", "0.13"), ("-50", "-50.00"), ("0.0000166667", "0.00"),
    ])
    func money(_ input: String, _ expected: String) {
        #expect(NumberFormat.money(d(input)) == expected)
    }

    @Test("money rounds half away from zero", arguments: [
        ("0.005", "0.01"), ("0.015", "0.02"), ("2.345", "2.35"), ("-2.345", "-2.35"), ("-0.005", "-0.01"), ("0.0049", "0.00"),
    ])
    func moneyRoundsHalfAwayFromZero(_ input: String, _ expected: String) {
        #expect(NumberFormat.money(d(input)) == expected)
    }

    @Test("dollars: sign, dollar sign, grouping, two decimals", arguments: [
        ("4000", "$4,000.00"), ("40", "$40.00"), ("0", "$0.00"), ("-50", "-$50.00"), ("1960", "$1,960.00"),
        ("999.999", "$1,000.00"), ("1234567.8", "$1,234,567.80"), ("-1234.5", "-$1,234.50"), ("100", "$100.00"),
        ("0.004", "$0.00"),
    ])
    func dollars(_ input: String, _ expected: String) {
        #expect(NumberFormat.dollars(d(input)) == expected)
    }

    @Test func dollarsNeverShowsNegativeZero() {
        #expect(NumberFormat.dollars(d("-0.001")) == "$0.00")
        #expect(NumberFormat.money(d("-0.001")) == "0.00")
    }

    @Test("quantity: grouped, at most two decimals, trailing zeros trimmed", arguments: [
        ("300000", "300,000"), ("1000000", "1,000,000"), ("999", "999"), ("1000", "1,000"),
        ("30.416667", "30.42"), ("1.5", "1.5"), ("1.50", "1.5"), ("0", "0"), ("-1234", "-1,234"), ("876000", "876,000"),
    ])
    func quantity(_ input: String, _ expected: String) {
        #expect(NumberFormat.quantity(d(input)) == expected)
    }

    @Test func quantityWithAScale() {
        #expect(NumberFormat.quantity(d("30.416666666"), scale: 6) == "30.416667")
        #expect(NumberFormat.quantity(d("1234.5678"), scale: 0) == "1,235")
        #expect(NumberFormat.quantity(d("4.345238095"), scale: 6) == "4.345238")
    }

    @Test("plain: trimmed, ungrouped, at most six decimals", arguments: [
        ("300000", "300000"), ("30.41666666", "30.416667"), ("1.500", "1.5"), ("2.0", "2"), ("0", "0"),
        ("0.00004", "0.00004"), ("-12.5", "-12.5"), ("1000000.000001", "1000000.000001"), ("0.0000001", "0"),
    ])
    func plain(_ input: String, _ expected: String) {
        #expect(NumberFormat.plain(d(input)) == expected)
    }

    @Test func plainNeverShowsNegativeZero() {
        #expect(NumberFormat.plain(d("-0.0000001")) == "0")
    }

    @Test func plainWithAScale() {
        #expect(NumberFormat.plain(d("0.0000166667"), scale: 10) == "0.0000166667")
        #expect(NumberFormat.plain(d("14.35"), scale: 1) == "14.4")
    }

    @Test func priceIsNeverRounded() {
        #expect(NumberFormat.price(d("0.0000166667")) == "0.0000166667")
        #expect(NumberFormat.price(d("0.00004")) == "0.00004")
        #expect(NumberFormat.price(d("50")) == "50")
    }

    @Test func percent() {
        #expect(NumberFormat.percent(d("12.5")) == "12.5%")
        #expect(NumberFormat.percent(d("10")) == "10%")
        #expect(NumberFormat.percent(d("14.28571")) == "14.3%")
    }

    @Test func fixedPadsDecimals() {
        #expect(NumberFormat.fixed(d("40"), scale: 2) == "40.00")
        #expect(NumberFormat.fixed(d("40.5"), scale: 2) == "40.50")
        #expect(NumberFormat.fixed(d("40.555"), scale: 2) == "40.56")
        #expect(NumberFormat.fixed(d("7.4"), scale: 0) == "7")
    }

    @Test func groupedInsertsThousandsSeparators() {
        #expect(NumberFormat.grouped("1234567.5") == "1,234,567.5")
        #expect(NumberFormat.grouped("123") == "123")
        #expect(NumberFormat.grouped("123456") == "123,456")
        #expect(NumberFormat.grouped("-1234") == "-1,234")
        #expect(NumberFormat.grouped("0.123456") == "0.123456")
    }
}
