import Foundation
import CostModel
import Testing
@testable import Reports

/// Byte-stable JSON: escaping, insertion-ordered keys, fixed layout.
@Suite("JSONValue")
struct JSONValueTests {
    @Test func scalarsAtTheTopLevelEndInANewline() {
        #expect(JSONValue.string("x").rendered() == "\"x\"\n")
        #expect(JSONValue.number("1").rendered() == "1\n")
        #expect(JSONValue.bool(true).rendered() == "true\n")
        #expect(JSONValue.bool(false).rendered() == "false\n")
        #expect(JSONValue.null.rendered() == "null\n")
    }

    @Test func emptyContainers() {
        #expect(JSONValue.array([]).rendered() == "[]\n")
        #expect(JSONValue.object([]).rendered() == "{}\n")
    }

    @Test func quotesAndBackslashesAreEscaped() {
        #expect(JSONValue.quote("a\"b") == "\"a\\\"b\"")
        #expect(JSONValue.quote("C:\\dir") == "\"C:\\\\dir\"")
    }

    @Test func controlCharactersAreEscaped() {
        #expect(JSONValue.quote("a\nb") == "\"a\\nb\"")
        #expect(JSONValue.quote("a\rb") == "\"a\\rb\"")
        #expect(JSONValue.quote("a\tb") == "\"a\\tb\"")
        #expect(JSONValue.quote("\u{0}") == "\"\\u0000\"")
        #expect(JSONValue.quote("\u{1}") == "\"\\u0001\"")
        #expect(JSONValue.quote("\u{1f}") == "\"\\u001f\"")
        #expect(JSONValue.quote("\u{8}\u{c}") == "\"\\u0008\\u000c\"")
    }

    @Test func nonASCIIIsWrittenAsIs() {
        #expect(JSONValue.quote("× − ⌈é⌉ 🚀") == "\"× − ⌈é⌉ 🚀\"")
        #expect(JSONValue.quote("/") == "\"/\"")
    }

    @Test func keysAreEscaped() {
        #expect(JSONValue.object([("a\"b", .null)]).rendered() == "{\n  \"a\\\"b\": null\n}\n")
    }

    @Test func keysKeepInsertionOrderNotAlphabetical() {
        let value = JSONValue.object([("zeta", .number("1")), ("alpha", .number("2")), ("mid", .number("3"))])
        #expect(value.rendered() == "{\n  \"zeta\": 1,\n  \"alpha\": 2,\n  \"mid\": 3\n}\n")
    }

    @Test func layoutIsTwoSpaceIndentedAndScalarArraysStayOnOneLine() {
        let value = JSONValue.object([
            ("version", .number("1")),
            ("tags", .array([.string("a"), .number("2"), .bool(false), .null])),
            ("nested", .object([("list", .array([.object([("k", .string("v"))])]))])),
        ])
        let expected = """
        {
          "version": 1,
          "tags": ["a", 2, false, null],
          "nested": {
            "list": [
              {
                "k": "v"
              }
            ]
          }
        }

        """
        #expect(value.rendered() == expected)
    }

    @Test func renderingIsByteStable() {
        let value = JSONValue.object((0..<50).map { ("key\($0)", .string("value \($0)")) })
        let first = value.rendered()
        for _ in 0..<5 { #expect(value.rendered() == first) }
    }

    @Test func equalityComparesRenderedText() {
        #expect(JSONValue.object([("a", .number("1")), ("b", .number("2"))]) == JSONValue.object([("a", .number("1")), ("b", .number("2"))]))
        #expect(JSONValue.object([("a", .number("1")), ("b", .number("2"))]) != JSONValue.object([("b", .number("2")), ("a", .number("1"))]))
        #expect(JSONValue.string("1") != JSONValue.number("1"))
    }

    @Test func numbersAreWrittenVerbatim() {
        #expect(JSONValue.array([.number("0.00004"), .number("-12.50")]).rendered() == "[0.00004, -12.50]\n")
    }

    @Test func moneyIsAStringWithTwoDecimals() {
        let amounts: [(String, String)] = [("40", "40.00"), ("4000", "4000.00"), ("1960.5", "1960.50"),
                                           ("0.005", "0.01"), ("-50", "-50.00"), ("0", "0.00")]
        for (input, output) in amounts {
            let value = JSONValue.object([("monthly_cost", .string(NumberFormat.money(Decimal(exactText: input)!)))])
            #expect(value.rendered() == "{\n  \"monthly_cost\": \"\(output)\"\n}\n")
        }
    }

    @Test func outputParsesAsJSON() throws {
        let value = JSONValue.object([
            ("s", .string("quote \" backslash \\ newline \n tab \t ctrl \u{1}")),
            ("n", .number("4000.00")), ("b", .bool(true)), ("z", .null),
            ("a", .array([.object([("x", .array([]))]), .object([])])),
        ])
        let parsed = try JSONSerialization.jsonObject(with: Data(value.rendered().utf8)) as? [String: Any]
        #expect(parsed?["s"] as? String == "quote \" backslash \\ newline \n tab \t ctrl \u{1}")
        #expect(parsed?["b"] as? Bool == true)
        #expect(parsed?["z"] is NSNull)
    }
}
