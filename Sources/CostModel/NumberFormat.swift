import Foundation

/// The one place numbers become text. Money is always rounded by `Money.round` first.
public enum NumberFormat {
    /// `4000.00`: money for JSON and CSV, two decimals, no grouping.
    public static func money(_ amount: Decimal) -> String {
        fixed(Money.round(amount), scale: Money.minorUnitScale)
    }

    /// `$4,000.00`: money for tables and Markdown.
    public static func dollars(_ amount: Decimal) -> String {
        let text = grouped(fixed(Money.round(amount), scale: Money.minorUnitScale))
        return text.hasPrefix("-") ? "-$" + text.dropFirst() : "$" + text
    }

    /// `300,000` or `30.416667`: a quantity for tables, at most `scale` decimals, grouped.
    public static func quantity(_ value: Decimal, scale: Int = 2) -> String {
        grouped(plain(value, scale: scale))
    }

    /// `300000` or `30.416667`: an exact-ish decimal for JSON and CSV (at most 6 decimals).
    public static func plain(_ value: Decimal, scale: Int = 6) -> String {
        var text = "\(value.rounded(scale: scale))"
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A price as written in a pricing file, never rounded: `0.00004`.
    public static func price(_ value: Decimal) -> String {
        "\(value)"
    }

    /// `12.5%` for ratios already in percent.
    public static func percent(_ value: Decimal) -> String {
        plain(value, scale: 1) + "%"
    }

    /// Fixed number of decimals: `fixed(40, scale: 2)` is `40.00`.
    public static func fixed(_ value: Decimal, scale: Int) -> String {
        var text = "\(value.rounded(scale: scale))"
        guard scale > 0 else { return text }
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: text.index(after: dot), to: text.endIndex)
            text += String(repeating: "0", count: max(0, scale - decimals))
        } else {
            text += "." + String(repeating: "0", count: scale)
        }
        return text
    }

    /// Inserts thousands separators into plain decimal text: `1234567.5` → `1,234,567.5`.
    public static func grouped(_ text: String) -> String {
        var body = Substring(text)
        var sign = ""
        if body.hasPrefix("-") { sign = "-"; body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var whole = ""
        for (index, character) in parts[0].reversed().enumerated() {
            if index > 0 && index % 3 == 0 { whole.append(",") }
            whole.append(character)
        }
        let result = sign + String(whole.reversed())
        return parts.count > 1 ? result + "." + parts[1] : result
    }
}
