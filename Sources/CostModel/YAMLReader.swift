import Foundation
import Yams

/// Reads a YAML document into typed values, collecting every problem with its location,
/// key path, expectation and hint instead of stopping at the first.
///
/// Shared by the pricing and workload loaders; not part of the public API.
package final class YAMLReader {
    /// The file name as the user gave it, used in every diagnostic.
    package let file: String
    package private(set) var diagnostics: [Diagnostic] = []

    package init(file: String) {
        self.file = file
    }

    /// Parses `text` into a node tree. Syntax errors become a single diagnostic with the
    /// parser's line and column.
    package static func compose(_ text: String, file: String) throws(InputError) -> Node? {
        // The fast path builds the same tree as Yams for the common subset of YAML, and
        // declines (`.none`) anything else, including every invalid document.
        if case .some(let root) = FastYAML.compose(text) { return root }
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .invalid([diagnostic(for: error, file: file)])
        } catch {
            throw .invalid([Diagnostic(file: file, line: nil, column: nil, keyPath: "", message: "not valid YAML: \(error)")])
        }
    }

    private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return Diagnostic(file: file, line: mark.line, column: mark.column, keyPath: "",
                              message: "not valid YAML: \(prefix)\(problem)",
                              hint: "check the indentation and quoting on this line and the one before")
        case let .duplicatedKeysInMapping(duplicates, context):
            return Diagnostic(file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                              message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping",
                              hint: "each key may appear once; remove or rename the repeated one")
        case let .reader(problem, _, _, _):
            return Diagnostic(file: file, line: nil, column: nil, keyPath: "", message: "cannot read: \(problem)",
                              hint: "save the file as UTF-8 text")
        default:
            return Diagnostic(file: file, line: nil, column: nil, keyPath: "", message: "not valid YAML: \(error)")
        }
    }

    // MARK: Reporting

    /// Records a problem at `node` (or at the document when nil).
    package func report(_ node: Node?, _ path: String, _ message: String, hint: String? = nil) {
        let mark = node?.mark
        diagnostics.append(Diagnostic(file: file, line: mark?.line, column: mark?.column,
                                      keyPath: path, message: message, hint: hint))
    }

    /// Throws every collected problem, if any.
    package func throwIfInvalid() throws(InputError) {
        if !diagnostics.isEmpty { throw .invalid(diagnostics) }
    }

    // MARK: Structure

    /// The entries of a mapping, checked against the allowed keys. Unknown keys are reported
    /// with the nearest valid key as a hint.
    package func mapping(_ node: Node, at path: String, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected a mapping (key: value lines), found \(Self.describe(node))")
            return nil
        }
        var entries: [Fields.Entry] = []
        var unknown: [String] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                report(keyNode, path, "expected a plain key, found \(Self.describe(keyNode))")
                continue
            }
            let key = scalar.string
            if !allowed.contains(key) {
                report(keyNode, Fields.join(path, key), "unknown key '\(key)'", hint: Self.suggestion(for: key, among: allowed))
                unknown.append(key)
                continue
            }
            entries.append(Fields.Entry(key: key, keyNode: keyNode, value: value))
        }
        return Fields(node: node, path: path, entries: entries, unknownKeys: unknown)
    }

    /// The items of a sequence.
    package func sequence(_ node: Node, at path: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(node, path, "expected a list, found \(Self.describe(node))")
            return nil
        }
        return Array(sequence)
    }

    // MARK: Scalars

    /// A non-empty string.
    package func string(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            report(node, path, "expected text, found \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    /// An exact decimal number, from plain or quoted decimal text.
    package func decimal(_ node: Node, at path: String, minimum: Decimal? = 0, allowZero: Bool = true,
                         what: String = "a number") -> Decimal? {
        guard case .scalar(let scalar) = node, !Self.isNull(node), let value = Decimal(exactText: scalar.string) else {
            report(node, path, "expected \(what), found \(Self.describe(node))",
                   hint: Self.isNull(node) ? "give a value after the colon" : "write a plain decimal number such as 1500 or 0.00004")
            return nil
        }
        if abs(value) > Self.largestNumber {
            report(node, path, "\(scalar.string) is implausibly large (above 10^15)", hint: "check for extra digits")
            return nil
        }
        if let minimum, value < minimum {
            report(node, path, "must be at least \(minimum), found \(scalar.string)")
            return nil
        }
        if !allowZero && value == 0 {
            report(node, path, "must be greater than 0, found \(scalar.string)")
            return nil
        }
        return value
    }

    /// A whole number.
    package func integer(_ node: Node, at path: String, minimum: Int = 0) -> Int? {
        guard let value = decimal(node, at: path, minimum: Decimal(minimum), what: "a whole number") else { return nil }
        guard value.isWhole, value < 1_000_000_000_000 else {
            report(node, path, "expected a whole number, found \(Self.describe(node))")
            return nil
        }
        return NSDecimalNumber(decimal: value).intValue
    }

    /// `true` or `false`.
    package func bool(_ node: Node, at path: String) -> Bool? {
        if case .scalar(let scalar) = node {
            switch scalar.string.lowercased() {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        report(node, path, "expected true or false, found \(Self.describe(node))")
        return nil
    }

    /// A calendar date written YYYY-MM-DD.
    package func date(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node, Self.isISODate(scalar.string) else {
            report(node, path, "expected a date YYYY-MM-DD, found \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    /// One of a fixed set of words.
    package func choice(_ node: Node, at path: String, among options: [String]) -> String? {
        guard let text = string(node, at: path) else { return nil }
        guard options.contains(text) else {
            report(node, path, "expected one of \(options.joined(separator: ", ")), found \"\(text)\"",
                   hint: Self.suggestion(for: text, among: options, noun: "valid values"))
            return nil
        }
        return text
    }

    // MARK: Helpers

    /// Numbers above this are typos, and keep products of quantities and prices far from
    /// `Decimal`'s range.
    package static let largestNumber = Decimal(sign: .plus, exponent: 15, significand: 1)

    package static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        switch scalar.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// How a node reads in an error message: `"lots"`, `a mapping`, `a list`, `nothing`.
    package static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if isNull(node) { return "nothing" }
            return "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        guard year >= 1970, (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// "did you mean 'x'?" for a near miss, else the list of valid keys.
    package static func suggestion(for word: String, among options: [String], noun: String = "valid keys") -> String? {
        guard !options.isEmpty else { return nil }
        let scored = options.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, best.0.count / 3) {
            return "did you mean '\(best.0)'?"
        }
        let lowered = word.lowercased()
        if lowered.count >= 3, let prefixed = options.first(where: { $0.lowercased().hasPrefix(lowered) || lowered.hasPrefix($0.lowercased()) }) {
            return "did you mean '\(prefixed)'?"
        }
        return "\(noun): \(options.joined(separator: ", "))"
    }

    /// Levenshtein distance between two strings.
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// The checked entries of one YAML mapping, in file order.
package struct Fields {
    package struct Entry {
        package let key: String
        package let keyNode: Node
        package let value: Node
    }

    /// The mapping node itself, where "missing key" problems are reported.
    package let node: Node
    package let path: String
    package let entries: [Entry]
    /// Keys reported as unknown, so a typo is not also reported as a missing key.
    package var unknownKeys: [String] = []

    package subscript(key: String) -> Node? {
        // Index loop: `first(where:)` copied each entry (and retained its nodes) per lookup.
        for index in entries.indices where entries[index].key == key {
            return entries[index].value
        }
        return nil
    }

    package func path(_ key: String) -> String { Fields.join(path, key) }

    /// True when an unknown key of this mapping looks like a typo of one of `keys` (it was
    /// already reported with a "did you mean" hint).
    package func hasNearMiss(for keys: [String]) -> Bool {
        unknownKeys.contains { unknown in
            keys.contains { YAMLReader.editDistance(unknown.lowercased(), $0) <= max(2, $0.count / 3) }
        }
    }

    package static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    package static func index(_ path: String, _ index: Int) -> String {
        "\(path)[\(index)]"
    }

    /// The value of a required key, reporting it as missing otherwise.
    package func required(_ key: String, in reader: YAMLReader, hint: String? = nil) -> Node? {
        if let value = self[key] { return value }
        if hasNearMiss(for: [key]) { return nil }
        reader.report(node, path(key), "missing required key '\(key)'", hint: hint)
        return nil
    }
}
