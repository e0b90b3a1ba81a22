import Foundation
import Testing
import Yams
@testable import CostModel

// MARK: - Oracle

/// A canonical text of a node tree with everything `FastYAML` promises to reproduce:
/// structure, scalar strings, styles, tags and marks.
///
/// Tags are compared *resolved* (`Node.tag`): `Yams.compose` resolves the tags of mapping keys
/// as a side effect of its duplicate-key check (hashing a key resolves its shared `Tag`), while
/// FastYAML leaves them implicit; both resolve to the same tag, and CostModel reads no tags.
private func dump(_ node: Node?) -> String {
    guard let node else { return "(empty document)" }
    var out = ""
    func place(_ mark: Mark?) -> String { mark.map { "\($0.line):\($0.column)" } ?? "-" }
    func visit(_ node: Node, _ depth: Int) {
        let pad = String(repeating: "  ", count: depth)
        switch node {
        case .scalar(let scalar):
            out += "\(pad)scalar \(scalar.string.debugDescription) tag=\(node.tag.rawValue) style=\(scalar.style) at \(place(scalar.mark))\n"
        case .mapping(let mapping):
            out += "\(pad)mapping tag=\(node.tag.rawValue) style=\(mapping.style) at \(place(mapping.mark))\n"
            for (key, value) in mapping {
                visit(key, depth + 1)
                visit(value, depth + 2)
            }
        case .sequence(let sequence):
            out += "\(pad)sequence tag=\(node.tag.rawValue) style=\(sequence.style) at \(place(sequence.mark))\n"
            for item in sequence { visit(item, depth + 1) }
        case .alias:
            out += "\(pad)alias\n"
        }
    }
    visit(node, 0)
    return out
}

/// What happened to one text: the fast path declined, or it built a tree that Yams agrees with,
/// or it disagrees (the message says how).
private enum Verdict: Equatable {
    case declined
    case agreed
    case disagreed(String)
}

private func verdict(_ text: String) -> Verdict {
    guard case .some(let fast) = FastYAML.compose(text) else { return .declined }
    let reference: Node?
    do {
        reference = try Yams.compose(yaml: text)
    } catch {
        return .disagreed("FastYAML built a tree but Yams rejects the text: \(error)\nFastYAML:\n\(dump(fast))")
    }
    let (a, b) = (dump(fast), dump(reference))
    return a == b ? .agreed : .disagreed("FastYAML:\n\(a)Yams:\n\(b)")
}

// MARK: - Generator

/// Random documents in (and near) the subset FastYAML handles.
private struct YAMLGenerator {
    var random: SplitMix64
    var keyCounter = 0

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func pick<T>(_ options: [T]) -> T { options[random.int(0...(options.count - 1))] }
    mutating func chance(_ percent: Int) -> Bool { random.int(1...100) <= percent }

    static let plainWords = [
        "a", "steps", "monthly_fee", "0.00004", "1_000_000", "-1", "-x", "+5", ".5", "1e6", "null", "~", "true", "No",
        "2025-01-08", "a b", "a  b", "x:y", "http://example.com/a?b=c", "a#b", "é", "日本語", "price $5", "a-b_c.d",
        "50%", "a,b", "a]b", "a}b", "[x", "0x10", ".inf", "NaN", "<<", "=", "a 'q'", "a \"q\"", "😀 ok",
    ]
    static let flowPlainWords = ["a", "b c", "1", "-1", "0.5", "null", "é", "-x", ".5", "x.y", "日本"]
    static let singleQuoted = ["'a'", "''", "'it''s'", "'a: b'", "'# not a comment'", "'-'", "'é ü'", "' lead'", "'trail '", "'\"'"]
    static let doubleQuoted = [
        "\"a\"", "\"\"", "\"a\\nb\"", "\"tab\\tx\"", "\"q\\\"q\"", "\"back\\\\slash\"", "\"\\x41\"", "\"\\u00e9\"",
        "\"\\U0001F600\"", "\"nul\\0x\"", "\"\\/\"", "\"\\a\\b\\e\\f\\v\\r\"", "\"it's\"", "\"a: b # c\"", "\"\\'\"",
    ]

    mutating func scalar(flow: Bool) -> String {
        switch random.int(0...9) {
        case 0...5: return pick(flow ? Self.flowPlainWords : Self.plainWords)
        case 6...7: return pick(Self.singleQuoted)
        default: return pick(Self.doubleQuoted)
        }
    }

    mutating func key() -> String {
        keyCounter += 1
        switch random.int(0...9) {
        case 0: return "'k\(keyCounter)'"
        case 1: return "\"k \(keyCounter)\""
        case 2: return "k\(keyCounter) x"
        case 3: return pick(["a", "b", "c"])  // repeats: duplicate keys make Yams throw
        default: return "k\(keyCounter)"
        }
    }

    mutating func space() -> String { chance(80) ? " " : pick(["  ", "   "]) }

    mutating func flow(depth: Int) -> String {
        let count = random.int(0...3)
        if chance(50) {
            var items: [String] = []
            for _ in 0..<count { items.append(depth < 2 && chance(20) ? flow(depth: depth + 1) : scalar(flow: true)) }
            return "[" + items.joined(separator: "," + space()) + "]"
        }
        var pairs: [String] = []
        for _ in 0..<count {
            let value = depth < 2 && chance(20) ? flow(depth: depth + 1) : scalar(flow: true)
            pairs.append(key() + ":" + space() + value)
        }
        return "{" + (count > 0 && chance(30) ? " " : "") + pairs.joined(separator: ", ") + (count > 0 && chance(30) ? " " : "") + "}"
    }

    mutating func comment() -> String { chance(15) ? pick([" # note", "  #c", " # a: b", " #"]) : "" }

    mutating func fillerLines(_ indent: Int) -> [String] {
        guard chance(15) else { return [] }
        return [pick(["", "   ", String(repeating: " ", count: indent) + "# comment", "# top comment", "      # deep"])]
    }

    /// Lines of a block node whose first line starts at `indent`.
    mutating func block(indent: Int, depth: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        let kind = depth >= 4 ? 2 : random.int(0...2)
        var lines: [String] = []
        if kind == 0 {
            for _ in 0..<random.int(1...4) {
                lines += fillerLines(indent)
                let key = self.key()
                switch random.int(0...5) {
                case 0:
                    lines.append(pad + key + ":" + comment())
                    lines += block(indent: indent + random.int(1...4), depth: depth + 1)
                case 1:
                    lines.append(pad + key + ":" + comment())
                    lines += sequence(indent: indent, depth: depth + 1)  // indentless
                case 2:
                    lines.append(pad + key + ":" + comment())          // empty value
                case 3:
                    lines.append(pad + key + ":" + space() + flow(depth: 0) + comment())
                default:
                    lines.append(pad + key + (chance(5) ? " " : "") + ":" + space() + scalar(flow: false) + comment())
                }
            }
            return lines
        }
        if kind == 1 { return sequence(indent: indent, depth: depth + 1) }
        if chance(30) { return [pad + flow(depth: 0) + comment()] }
        return [pad + scalar(flow: false) + comment()]
    }

    mutating func sequence(indent: Int, depth: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for _ in 0..<random.int(1...4) {
            lines += fillerLines(indent)
            switch depth >= 4 ? 3 : random.int(0...4) {
            case 0:
                // compact nested block: "- key: value" / "- - x"
                var nested = block(indent: indent + 2, depth: depth + 1)
                nested[0] = pad + "-" + String(nested[0].dropFirst(indent + 1))
                if nested[0].hasPrefix(pad + "-#") || nested[0] == pad + "-" { nested[0] = pad + "- x" }
                lines += nested
            case 1:
                lines.append(pad + "-" + comment())
                lines += block(indent: indent + random.int(1...3), depth: depth + 1)
            case 2:
                lines.append(pad + "-" + comment())  // empty item
            default:
                lines.append(pad + "-" + space() + (chance(25) ? flow(depth: 0) : scalar(flow: false)) + comment())
            }
        }
        return lines
    }

    static let mutationAlphabet: [Character] = [":", "#", "-", " ", "'", "\"", "[", "]", "{", "}", ",", "\n", "\\", "é", "?", "&", "*", "!", "|", ">", "%", "@", "`", "\r\n", "\t"]

    mutating func mutate(_ text: String) -> String {
        var characters = Array(text)
        for _ in 0..<random.int(1...3) {
            guard !characters.isEmpty else { break }
            let position = random.int(0...(characters.count - 1))
            switch random.int(0...2) {
            case 0: characters.insert(pick(Self.mutationAlphabet), at: position)
            case 1: characters.remove(at: position)
            default: characters[position] = pick(Self.mutationAlphabet)
            }
        }
        return String(characters)
    }

    mutating func document() -> String {
        var lines = (chance(10) ? ["---"] : []) + block(indent: 0, depth: 0)
        if chance(10) { lines.insert("# leading comment", at: 0) }
        var text = lines.joined(separator: "\n") + (chance(80) ? "\n" : "")
        if chance(15) { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        return chance(40) ? mutate(text) : text
    }
}

// MARK: - Tests

/// `FastYAML` promises exactly the tree `Yams.compose` builds, or to decline. Yams is the oracle.
@Suite("FastYAML agrees with Yams")
struct FastYAMLTests {
    @Test("the shipped pricing files take the fast path and agree")
    func shippedFiles() throws {
        let paths = try FileManager.default.subpathsOfDirectory(atPath: shippedPricingRoot.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(paths.count >= 7)
        for path in paths {
            let text = try String(contentsOf: shippedPricingRoot.appendingPathComponent(path), encoding: .utf8)
            let result = verdict(text)
            #expect(result == .agreed, "\(path)")
        }
    }

    @Test("hand-picked documents agree with Yams, or are declined", arguments: [
        "a: 1\n", "a: 1", "a:\n", "a:", "a: # c\n", "- \n", "-\n", "- # c\n- x\n", "---\na: 1\n", "--- # doc\na: 1\n",
        "a:\n- x\n- y\nb: 2\n", "a:\n  - x\n  - y\n", "- a: 1\n  b: 2\n- c\n", "- - x\n  - y\n- z\n", "-   a: 1\n    b: 2\n",
        "a: {b: 1, c: [x, y]}\n", "a: []\nb: {}\n", "[a, b, c]\n", "{a: 1}\n", "{ a: 1 }\n", "a: [ a , b ]\n",
        "a   : 1\n", "'a b': 1\n\"c\": 2\n", "a: 'it''s'\n", "a: \"q\\\"q\\n\\t\\u00e9\\x41\"\n", "a: \"nul\\0x\"\n",
        "a: b#c\n", "a: b #c\n", "a #b: 1\n", "a: b :c\n", "a: -1\nb: -x\nc: .5\n", "é: ü\nx: 日本語 # c\n",
        "k: 😀 smile\nl: x\n", "a: 1\r\nb: 2\r\n", "a:\r\n  - x\r\n", "# only\n\n", "", "\n", "just text\n",
        "a:\n\n  # comment\n\n  b: 1\n", "a:\n    b: 1\n    c: 2\nd: 3\n", "a: [x, -y, -1]\n", "a: {b: -1}\n",
        "a: http://x.y/z?q=1\n", "a: x:y\n", "a: [x:y]\n", "a: {u: http://x}\n", "a: \"x\": 1\n", "{\"a\":1}\n",
        "a: 'x'#c\n", "a: 'x' # c\n", "- 'a': b\n", "a:\n- b:\n  - c\n- d\n", "-\n  a: 1\n", "- a:\n- b\n",
        "a: b\n  c\n", "a:\n  b\n  c: 1\n", "a: 1\n b: 2\n", "a: - x\n", "a: b: c\n", "a: |\n  x\n", "a: &x 1\nb: *x\n",
        "a: !!str 1\n", "? a\n: b\n", "a:\tb\n", "a: 1\n...\n", "---\n---\n", "a: 1\na: 2\n", "{a: 1, a: 2}\n",
        "a: [a, b,]\n", "a: [a\n", "a: 'x\n", "a: \"x\\\n  y\"\n", "\u{FEFF}a: 1\n", "a: \u{2028}\n", "a: x\u{85}y\n",
        "a: \"\\N\"\n", "a: \"\\uD800\"\n", "a: \"\\x4\"\n", "-x: 1\n", "--x: 1\n", "---x\n", ".5: 1\n", "a: ---\n",
        "key with spaces: value with spaces   \n", "a: '  '\n", "a: \"\"\n", "a: ''\n", "[]\n", "{}\n", "- []\n- {}\n",
        "a: {b: {c: {d: [1, [2, [3]]]}}}\n", "a: 'é' # ü\n", "ü: [é, 'ö', \"ä\"]\n",
    ])
    func handPicked(text: String) {
        let result = verdict(text)
        if case .disagreed(let why) = result {
            Issue.record("\(text.debugDescription)\n\(why)")
        }
    }

    @Test("random documents agree with Yams, or are declined", arguments: propertySeeds)
    func randomDocuments(seed: UInt64) {
        var generator = YAMLGenerator(seed: seed)
        var agreed = 0
        var failures = 0
        for index in 0..<400 {
            let text = generator.document()
            switch verdict(text) {
            case .agreed:
                agreed += 1
            case .declined:
                break
            case .disagreed(let why):
                failures += 1
                if failures <= 3 { Issue.record("seed \(seed), document \(index): \(text.debugDescription)\n\(why)") }
            }
        }
        #expect(failures == 0, "seed \(seed): \(failures) of 400 documents disagree")
        #expect(agreed >= 40, "seed \(seed): the fast path took only \(agreed) of 400 documents; the generator is off")
    }

    @Test("\\' is not a YAML escape: FastYAML declines and Yams rejects the document",
          arguments: ["a: \"\\'\"\n", "source: \"it\\'s\"\n", "- \"\\'\"\n"])
    func backslashApostrophe(text: String) {
        #expect(verdict(text) == .declined, "\(text.debugDescription) must fall back to Yams, which rejects it")
        #expect(throws: (any Error).self) { try Yams.compose(yaml: text) }
    }

    @Test("a pricing file with source: \"it\\'s\" is invalid YAML")
    func backslashApostropheInPricingFile() {
        let text = providerFile(plans: "  - {name: p, monthly_fee: 0}").replacingOccurrences(of: "source: \"unit test\"", with: "source: \"it\\'s\"")
        #expect(text.contains("it\\'s"))
        let errors = pricingErrors(text)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("p.yaml:5:") == true, "\(errors)")
        #expect(errors.first?.contains("not valid YAML: ") == true, "\(errors)")
        #expect(errors.first?.contains("unknown escape character") == true, "\(errors)")
    }

    @Test("mappings with many keys, and a key repeated late", arguments: [12, 13, 14, 40])
    func manyKeys(count: Int) {
        let keys = (0..<count).map { "key\($0)" }
        let block = keys.map { "\($0): 1" }.joined(separator: "\n") + "\n"
        #expect(verdict(block) == .agreed, "\(count) distinct keys")
        let flow = "{" + keys.map { "\($0): 1" }.joined(separator: ", ") + "}\n"
        #expect(verdict(flow) == .agreed, "\(count) distinct flow keys")
        let repeated = block + "key0: 2\n"
        #expect(verdict(repeated) == .declined, "a repeated key falls back to Yams, which reports it")
    }

    @Test("a key of 1000 bytes or more falls back; shorter keys agree")
    func longKeys() {
        #expect(verdict(String(repeating: "k", count: 999) + ": 1\n") == .agreed)
        #expect(verdict(String(repeating: "k", count: 1000) + ": 1\n") == .declined)
    }

    @Test("a pricing file parses the same through either path")
    func sameDiagnosticsEitherPath() throws {
        // The fast path declines a document with a tag; the result must not depend on which path ran.
        let text = providerFile(plans: "  - {name: p, monthly_fee: lots}")
        let fast = pricingErrors(text)
        let slow = pricingErrors(text.replacingOccurrences(of: "version: 1", with: "version: !!int 1"))
        #expect(fast == slow)
        #expect(fast.count == 1)
    }
}
