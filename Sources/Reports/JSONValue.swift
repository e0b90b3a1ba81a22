/// A JSON document with ordered keys, written the same way every time (2-space indent,
/// keys in insertion order), so reports are byte-stable.
public indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    /// A number written verbatim (already formatted).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    /// Pretty-printed text ending in a newline.
    public func rendered() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out.append("\n")
        return out
    }

    private func write(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .string(let text): out.append(Self.quote(text))
        case .number(let text): out.append(text)
        case .bool(let value): out.append(value ? "true" : "false")
        case .null: out.append("null")
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            if items.allSatisfy(\.isScalar), items.reduce(0, { $0 + $1.rendered().count }) <= 80 {
                out.append("[")
                for (index, item) in items.enumerated() {
                    if index > 0 { out.append(", ") }
                    item.write(into: &out, indent: indent + 1)
                }
                out.append("]")
                return
            }
            out.append("[\n")
            for (index, item) in items.enumerated() {
                out.append(pad)
                item.write(into: &out, indent: indent + 1)
                out.append(index < items.count - 1 ? ",\n" : "\n")
            }
            out.append(closePad + "]")
        case .object(let pairs):
            if pairs.isEmpty { out.append("{}"); return }
            out.append("{\n")
            for (index, (key, value)) in pairs.enumerated() {
                out.append(pad + Self.quote(key) + ": ")
                value.write(into: &out, indent: indent + 1)
                out.append(index < pairs.count - 1 ? ",\n" : "\n")
            }
            out.append(closePad + "}")
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
