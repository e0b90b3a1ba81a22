import Foundation
import Testing
import Yams
@testable import CostModel

// Differential tests: wherever FastYAML returns a tree it must be exactly the tree Yams
// composes (kind, scalar string, style, tag, line and column of every node, child order), and
// wherever it cannot it must return the fallback signal (`.none`).

// MARK: - Differential comparison

/// The first difference between two trees, as a path and a description; nil when equal.
///
/// Tags are compared resolved (`Node.tag`): Yams resolves the tags of mapping keys as a side
/// effect of its duplicate-key check, FastYAML leaves them implicit, and both resolve alike.
private func fastYAMLDifference(_ fast: Node?, _ yams: Node?, at path: String = "root") -> String? {
    guard let fast, let yams else {
        return fast == nil && yams == nil ? nil : "\(path): one tree is empty (fast \(fast == nil ? "nil" : "node"), yams \(yams == nil ? "nil" : "node"))"
    }
    func markText(_ node: Node) -> String { node.mark.map { "\($0.line):\($0.column)" } ?? "no mark" }
    if markText(fast) != markText(yams) {
        return "\(path): mark \(markText(fast)) vs Yams \(markText(yams))"
    }
    if fast.tag.description != yams.tag.description {
        return "\(path): tag \(fast.tag) vs Yams \(yams.tag)"
    }
    if (fast.anchor == nil) != (yams.anchor == nil) {
        return "\(path): anchor differs"
    }
    switch (fast, yams) {
    case let (.scalar(a), .scalar(b)):
        if a.string != b.string { return "\(path): string \(String(reflecting: a.string)) vs Yams \(String(reflecting: b.string))" }
        if a.style != b.style { return "\(path): scalar style \(a.style) vs Yams \(b.style)" }
        return nil
    case let (.mapping(a), .mapping(b)):
        if a.style != b.style { return "\(path): mapping style \(a.style) vs Yams \(b.style)" }
        if a.count != b.count { return "\(path): \(a.count) pairs vs Yams \(b.count)" }
        for (index, (pairA, pairB)) in zip(a, b).enumerated() {
            let name = pairB.key.scalar?.string ?? "#\(index)"
            if let difference = fastYAMLDifference(pairA.key, pairB.key, at: "\(path).<key \(name)>") { return difference }
            if let difference = fastYAMLDifference(pairA.value, pairB.value, at: "\(path).\(name)") { return difference }
        }
        return nil
    case let (.sequence(a), .sequence(b)):
        if a.style != b.style { return "\(path): sequence style \(a.style) vs Yams \(b.style)" }
        if a.count != b.count { return "\(path): \(a.count) items vs Yams \(b.count)" }
        for (index, (itemA, itemB)) in zip(a, b).enumerated() {
            if let difference = fastYAMLDifference(itemA, itemB, at: "\(path)[\(index)]") { return difference }
        }
        return nil
    default:
        return "\(path): kind \(fastYAMLKind(fast)) vs Yams \(fastYAMLKind(yams))"
    }
}

private func fastYAMLKind(_ node: Node) -> String {
    switch node {
    case .scalar: return "scalar"
    case .mapping: return "mapping"
    case .sequence: return "sequence"
    case .alias: return "alias"
    }
}

/// What FastYAML did with a document, judged against Yams.
private enum FastYAMLOutcome: Equatable {
    /// FastYAML declined.
    case fellBack
    /// FastYAML returned exactly Yams's tree (or both saw an empty document).
    case matched
    /// FastYAML returned a tree for a document Yams rejects.
    case acceptedInvalid(String)
    /// FastYAML returned a different tree.
    case mismatch(String)

    var isFailure: Bool {
        switch self {
        case .fellBack, .matched: return false
        case .acceptedInvalid, .mismatch: return true
        }
    }
}

private func fastYAMLDifferential(_ text: String) -> FastYAMLOutcome {
    guard case .some(let fast) = FastYAML.compose(text) else { return .fellBack }
    let yams: Node?
    do {
        yams = try Yams.compose(yaml: text)
    } catch {
        return .acceptedInvalid("Yams rejects it: \(error)")
    }
    if let difference = fastYAMLDifference(fast, yams) { return .mismatch(difference) }
    return .matched
}

// MARK: - Seeded randomness

/// SplitMix64, so a failure replays from the seed printed with it; these draws take the
/// output modulo the bound (unlike `int(_:)`, which the other property tests use).
private typealias FastYAMLRandom = SplitMix64

fileprivate extension SplitMix64 {
    /// 0 ..< bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }
}

// MARK: - Random documents in the subset

/// A random tree rendered as YAML in the subset, with random layout: indentation widths,
/// compact and indentless forms, flow collections, comments, blank lines, trailing spaces,
/// quoting and CRLF line breaks.
private struct FastYAMLDocumentGenerator {
    indirect enum Value {
        case scalar(String)              // rendered text
        case empty                       // nothing after `key:` or `-`
        case mapping([(String, Value)])  // rendered keys
        case sequence([Value])
    }

    var random: FastYAMLRandom

    private static let plainWords = [
        "a", "b", "job-1", "x_y", "1", "-5", "1.5", "0.00004", "1_000", "true", "False", "null", "~", "NULL",
        "http://example.com/a?b=1", "a:b", "a#b", "x, y", "b[c]", "hello world", "é", "日本語", "naïve café",
        "a'b", "a\"b", "🎉 party", "1,460", "2026-11-29", "vercel/pro", "0x1F", ".5", "+1", "yes", "on", "-x",
        "a-b c-d", "100%", "a=b", "c++", "a;b", "{x", "x}", "<<", "=", "a  b",
    ]
    private static let flowPlainWords = [
        "a", "b", "job-1", "1", "-5", "1.5", "true", "null", "~", "hello world", "é", "日本語", "vercel/pro",
        "http", "a#b", "-x", ".5",
    ]
    private static let keyWords = [
        "name", "runs", "schedule", "memory_mb", "steps_per_run", "a", "b", "c", "key with spaces", "é", "日本",
        "1", "true", "-k", "x.y", "a#b", "http://k", "~", "null",
    ]
    private static let quotedAlphabet: [String] = [
        "a", "b", "z", "0", "9", " ", " ", "#", ":", ": ", " #", "-", ",", "[", "]", "{", "}", "&", "*", "!",
        "|", ">", "?", "%", "@", "`", "'", "\"", "\\", "é", "日", "🎉", "/",
    ]

    init(seed: UInt64) { random = FastYAMLRandom(seed: seed) }

    mutating func document() -> String {
        var text = ""
        if random.chance(15) { text += "# leading comment\n" }
        if random.chance(10) { text += "---\n" }
        if random.chance(10) { text += "\n" }
        switch random.below(10) {
        case 0:
            text += scalar(flow: false) + "\n"
        case 1:
            text += flowText(flowCollection(depth: 0)) + "\n"
        case 2, 3:
            text += block(.sequence(items(depth: 1, atLeast: 1)), column: random.below(2), inline: false)
        default:
            text += block(.mapping(pairs(depth: 1, atLeast: 1)), column: random.chance(70) ? 0 : random.below(3), inline: false)
        }
        if random.chance(10) { text += "# trailing comment" }
        if random.chance(20) { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        return text
    }

    // MARK: Trees

    private mutating func value(depth: Int) -> Value {
        switch random.below(depth > 3 ? 6 : 10) {
        case 0...3: return .scalar(scalar(flow: false))
        case 4: return .empty
        case 5: return random.chance(50) ? .mapping([]) : .sequence([])
        case 6, 7: return .mapping(pairs(depth: depth + 1, atLeast: 1))
        default: return .sequence(items(depth: depth + 1, atLeast: 1))
        }
    }

    private mutating func pairs(depth: Int, atLeast: Int) -> [(String, Value)] {
        var seen = Set<String>()
        var result: [(String, Value)] = []
        for _ in 0..<(atLeast + random.below(4)) {
            let (rendered, plain) = key(flow: false)
            guard seen.insert(plain).inserted else { continue }
            result.append((rendered, value(depth: depth)))
        }
        return result
    }

    private mutating func items(depth: Int, atLeast: Int) -> [Value] {
        (0..<(atLeast + random.below(4))).map { _ in value(depth: depth) }
    }

    // MARK: Block rendering

    private func spaces(_ count: Int) -> String { String(repeating: " ", count: count) }

    private mutating func lineEnd() -> String {
        var text = ""
        if random.chance(8) { text += spaces(1 + random.below(3)) }
        if random.chance(10) { text += " # note: \(random.pick(["x", "a: b", "- c", "é", "'\""]))" }
        text += "\n"
        if random.chance(6) { text += random.chance(50) ? "\n" : spaces(random.below(6)) + "# between\n" }
        if random.chance(3) { text += spaces(random.below(4)) + "\n" }
        return text
    }

    /// `value` as a block node at `column`; `inline` when the line's prefix (a `- `) is written.
    private mutating func block(_ value: Value, column: Int, inline: Bool) -> String {
        switch value {
        case .mapping(let pairs) where !pairs.isEmpty:
            var text = ""
            for (index, (key, child)) in pairs.enumerated() {
                text += (index == 0 && inline) ? "" : spaces(column)
                text += key + (random.chance(5) ? " " : "") + ":" + afterKey(child, column: column)
            }
            return text
        case .sequence(let items) where !items.isEmpty:
            var text = ""
            for (index, item) in items.enumerated() {
                text += (index == 0 && inline) ? "" : spaces(column)
                text += "-" + afterDash(item, column: column)
            }
            return text
        case .scalar(let scalar):
            return scalar + lineEnd()
        case .empty:
            return lineEnd()
        case .mapping, .sequence:
            return flowText(value) + lineEnd()
        }
    }

    private mutating func afterKey(_ value: Value, column: Int) -> String {
        switch value {
        case .scalar(let scalar):
            return " " + scalar + lineEnd()
        case .empty:
            return lineEnd()
        case .mapping(let pairs) where !pairs.isEmpty:
            if isFlowable(value) && random.chance(30) { return " " + flowText(value) + lineEnd() }
            return lineEnd() + block(value, column: column + 1 + random.below(4), inline: false)
        case .sequence(let items) where !items.isEmpty:
            if isFlowable(value) && random.chance(30) { return " " + flowText(value) + lineEnd() }
            let indentless = random.chance(40)
            return lineEnd() + block(value, column: indentless ? column : column + 1 + random.below(4), inline: false)
        case .mapping, .sequence:
            return " " + flowText(value) + lineEnd()
        }
    }

    private mutating func afterDash(_ value: Value, column: Int) -> String {
        switch value {
        case .scalar(let scalar):
            return spaces(1 + (random.chance(10) ? random.below(3) : 0)) + scalar + lineEnd()
        case .empty:
            return lineEnd()
        case .mapping(let pairs) where !pairs.isEmpty:
            return nested(value, column: column)
        case .sequence(let items) where !items.isEmpty:
            return nested(value, column: column)
        case .mapping, .sequence:
            return " " + flowText(value) + lineEnd()
        }
    }

    private mutating func nested(_ value: Value, column: Int) -> String {
        if isFlowable(value) && random.chance(25) { return " " + flowText(value) + lineEnd() }
        if random.chance(70) {
            let gap = 1 + (random.chance(20) ? random.below(3) : 0)
            return spaces(gap) + block(value, column: column + 1 + gap, inline: true)
        }
        return lineEnd() + block(value, column: column + 1 + random.below(4), inline: false)
    }

    // MARK: Flow rendering

    private func isFlowable(_ value: Value) -> Bool {
        switch value {
        case .scalar: return true
        case .empty: return false
        case .mapping(let pairs): return pairs.allSatisfy { isFlowable($0.1) }
        case .sequence(let items): return items.allSatisfy(isFlowable)
        }
    }

    private mutating func flowCollection(depth: Int) -> Value {
        let count = random.below(4)
        if random.chance(50) {
            var seen = Set<String>()
            var pairs: [(String, Value)] = []
            for _ in 0..<count {
                let (rendered, plain) = key(flow: true)
                guard seen.insert(plain).inserted else { continue }
                pairs.append((rendered, depth < 2 && random.chance(25) ? flowCollection(depth: depth + 1) : .scalar(scalar(flow: true))))
            }
            return .mapping(pairs)
        }
        return .sequence((0..<count).map { _ in
            depth < 2 && random.chance(25) ? flowCollection(depth: depth + 1) : .scalar(scalar(flow: true))
        })
    }

    /// Flow text of a flowable value; block-pool plain scalars are re-drawn from the flow pool
    /// when they might not be valid inside brackets.
    private mutating func flowText(_ value: Value) -> String {
        let separator = random.chance(80) ? ", " : random.pick([",", " , ", ",  "])
        let pad = random.chance(15) ? " " : ""
        switch value {
        case .scalar(let text):
            let safe = text.first == "'" || text.first == "\"" || Self.flowPlainWords.contains(text)
            return safe ? text : scalar(flow: true)
        case .empty:
            return scalar(flow: true)
        case .mapping(let pairs):
            let body = pairs.map { pair -> String in
                let quoted = pair.0.first == "'" || pair.0.first == "\""
                let key = !quoted && pair.0.contains(where: { ",[]{}#:".contains($0) }) ? "k\(random.below(1000))" : pair.0
                return key + ": " + flowText(pair.1)
            }
            return "{" + pad + body.joined(separator: separator) + pad + "}"
        case .sequence(let items):
            return "[" + pad + items.map { flowText($0) }.joined(separator: separator) + pad + "]"
        }
    }

    // MARK: Scalars

    private mutating func scalar(flow: Bool) -> String {
        switch random.below(10) {
        case 0...4: return random.pick(flow ? Self.flowPlainWords : Self.plainWords)
        case 5: return "\(random.below(100_000))"
        case 6, 7: return singleQuoted(randomText())
        default: return doubleQuoted(randomText())
        }
    }

    /// A key, rendered, and its text (for uniqueness).
    private mutating func key(flow: Bool) -> (String, String) {
        let roll = random.below(10)
        let word = random.pick(Self.keyWords)
        if roll < 7 {
            if flow && word.contains(where: { "#:".contains($0) }) { return ("k", "k") }
            return (word, word)
        }
        let text = random.chance(50) ? word : randomText()
        return (roll < 9 ? singleQuoted(text) : doubleQuoted(text), text)
    }

    private mutating func randomText() -> String {
        (0..<random.below(8)).map { _ in random.pick(Self.quotedAlphabet) }.joined()
    }

    private func singleQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private mutating func doubleQuoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default: result.append(character)
            }
            if random.chance(10) {
                result += random.pick(["\\n", "\\t", "\\u00e9", "\\x41", "\\/", "\\U0001F600", "\\0", "\\r", "\\e", "\\u263A", "\\\""])
            }
        }
        return result + "\""
    }
}

/// Random edits of a document: text inserted, deleted or replaced, lines duplicated, swapped or
/// re-indented. Most results are outside the subset or invalid; the rest must match Yams.
private func fastYAMLMutate(_ text: String, random: inout FastYAMLRandom) -> String {
    var scalars = Array(text.unicodeScalars)
    let inserts: [String] = [" ", "  ", "-", "- ", ":", ": ", "#", " #", "'", "\"", "[", "]", "{", "}", ",", "\n",
                             "&a ", "*a", "!", "|", ">", "?", "? ", "\t", "\\", "é", "a", "1", "\r", "\r\n", "---\n",
                             "...", "%", "@", "`", "\u{FEFF}", "\u{85}", "\u{2028}", "~", "\\u", "''", "\\x4", "\\'"]
    for _ in 0..<(1 + random.below(3)) {
        let position = scalars.isEmpty ? 0 : random.below(scalars.count + 1)
        switch random.below(6) {
        case 0, 1:
            scalars.insert(contentsOf: random.pick(inserts).unicodeScalars, at: position)
        case 2:
            if position < scalars.count { scalars.remove(at: position) }
        case 3:
            if position < scalars.count { scalars[position] = random.pick(inserts).unicodeScalars.first! }
        default:
            var lines = String(String.UnicodeScalarView(scalars)).components(separatedBy: "\n")
            guard lines.count > 1 else { continue }
            let line = random.below(lines.count)
            switch random.below(3) {
            case 0: lines.insert(lines[line], at: random.below(lines.count))
            case 1: lines.swapAt(line, random.below(lines.count))
            default: lines[line] = random.chance(50) ? " " + lines[line] : String(lines[line].drop(while: { $0 == " " }))
            }
            scalars = Array(lines.joined(separator: "\n").unicodeScalars)
        }
    }
    return String(String.UnicodeScalarView(scalars))
}

// MARK: - The benchmark's workload shape

/// A workload like the benchmark's (the same keys and value shapes), about 100 bytes a job.
private func fastYAMLWorkload(jobs: Int) -> String {
    var random = FastYAMLRandom(seed: 0x9E37_79B9_7F4A_7C15)
    var text = "version: 1\nname: bench-\(jobs)\nplatform: vercel/pro\ndefaults: {memory_mb: 1024}\njobs:\n"
    let memories = [256, 512, 1024, 2048, 4096]
    for index in 0..<jobs {
        text += "  - name: job-\(index)\n"
        switch random.below(4) {
        case 0: text += "    runs_per_month: \(1 + random.below(2_000_000))\n"
        case 1: text += "    runs_per_day: \(1 + random.below(5_000))\n"
        case 2: text += "    runs_per_hour: \(1 + random.below(500))\n"
        default: text += "    schedule: \"*/\(1 + random.below(59)) * * * *\"\n"
        }
        let steps = 1 + random.below(8)
        text += "    steps_per_run: \(steps)\n"
        if steps > 1 && random.below(3) == 0 { text += "    sleeps_per_run: 1\n" }
        text += "    step_seconds: \(1 + random.below(40)).\(random.below(10))\n"
        if random.below(4) == 0 { text += "    memory_mb: \(memories[random.below(memories.count)])\n" }
        if random.below(3) == 0 { text += "    retry_rate: 0.0\(1 + random.below(9))\n" }
        if random.below(5) == 0 { text += "    events_per_run: \(random.below(4))\n" }
    }
    return text
}

// MARK: - Hand-written cases

/// Documents in the subset: FastYAML must return Yams's tree for each.
private let fastYAMLSupportedCases: [String] = [
    "a: 1",
    "a: 1\n",
    "a: 1\nb: two\nc: 3.5\n",
    "schedule: \"*/15 * * * *\"\n",
    "schedule: '*/15 * * * *'\n",
    "a: http://x\nb: http://example.com:8080/path?q=1#frag\n",
    "key: value # comment\n",
    "key: value#not-a-comment\n",
    "key: value   \n",
    "key: value   # comment   \n",
    "key:    spaced value   \n",
    "key : value\n",
    "a   : 1\n",
    "'quoted key': 1\n\"double key\": 2\n",
    "\"a\": 1\n",
    "'a' : 1\n",
    "jobs:\n  - {name: a, runs: 1}\n  - {name: b, runs: [1, 2]}\n",
    "- {name: a, runs: 1}\n",
    "- [1, 2]\n- []\n- {}\n",
    "a: []\nb: {}\nc: [ ]\nd: { }\n",
    "a: [1, [2, [3, 4]], {x: y}]\n",
    "a: {b: {c: {d: e}}}\n",
    "a: [ 1 , 2 ]\n",
    "a: {x: 'q, r', y: \"s]t\"}\n",
    "a: [hello world, foo bar]\n",
    "a: [a#b, c]\n",
    "a: [-1, -x, .5]\n",
    "- a\n- b\n- c\n",
    "- - a\n  - b\n- - c\n",
    "- - - deep\n",
    "-\n  - a\n-\n  b: 1\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "-   a: 1\n    b: 2\n",
    "- name: x\n  list:\n  - 1\n  - 2\n  other: y\n",
    "- name: x\n  list:\n    - 1\n  other: y\n",
    "a:\n- x\n- y\nb: 2\n",
    "a:\n  - x\n  - y\nb: 2\n",
    "a:\n    deep: 1\nb: 2\n",
    "a:\n  b:\n    c:\n      d: 1\ne: 2\n",
    "a:\nb:\nc:\n",
    "a:\n",
    "a:",
    "a:   \n",
    "a: # only a comment\nb: 1\n",
    "- \n- x\n-\n",
    "-\n",
    "- # comment\n- x\n",
    "a:\n-\n- b\n",
    "a:\n  -\n  - b\n",
    "a:\n  value on next line\nb: 1\n",
    "a:\n  [1, 2]\nb: 1\n",
    "-\n  scalar item\n",
    "# comment\n\n   # indented comment\na: 1\n\n\n# between\nb: 2\n# end",
    "---\na: 1\n",
    "--- # with a comment\na: 1\n",
    "# c\n---\na: 1\n",
    "  a: 1\n  b: 2\n",
    "plain root scalar\n",
    "'quoted root'\n",
    "\"double root\"  # comment\n",
    "[a, b]\n",
    "{a: 1}\n",
    "",
    "\n\n",
    "# only a comment\n",
    "a: 'it''s'\n",
    "a: ''\nb: \"\"\n",
    "a: '''quoted'''\n",
    "a: \"say \\\"hi\\\"\"\n",
    "a: \"back\\\\slash\"\n",
    "a: \"tab\\there\\nnewline\"\n",
    "a: \"\\u00e9\\u263A\\U0001F600\\x41\\/\\0\\r\\e\\a\\b\\f\\v\"\n",
    "a: \"\\u0000\"\n",
    "a: \"# not a comment\"\n",
    "a: 'x # y'\n",
    "a: \"x: y\"\n",
    "a: 'x: y'\n",
    "a: 'single \"double\" inside'\n",
    "a: \"double 'single' inside\"\n",
    "é: ü\nname: 日本語\nemoji: 🎉 party\n",
    "- é: 1\n  ü: [日本, {語: x}]\n",
    "a: ü\nb: {ü: é, x: y}\n",
    "'é': {'ü': 1, \"日\": [x, 'ÿ']}\n",
    "ü: x # é\nb: 'é' # ü\n",
    "a: 1\r\nb: two\r\n",
    "a:\r\n  - x\r\n  - {y: z}\r\nb: \"q\"\r\n",
    "a: value \r\n",
    "a:\r\n",
    "-5: negative key\n-x: dash key\n",
    "a: -5\nb: -x\nc: --x\n",
    "a: b[c]\nd: e{f}\ng: h, i\n",
    "a: 100%\nb: a=b\nc: c++\nd: a;b\ne: x@y\n",
    "a: true\nb: null\nc: ~\nd: 0x1F\ne: 1e3\nf: .inf\n",
    "1: one\n2: two\n",
    "a: 1\n\"b\": 2\n'c': 3\n",
    "a: ---\n",
    "a: ...\n",
    "a:b: c\n",
    "a #b: 1\n",
    "a: b :c\n",
    "a: x:y\n",
    "a: '*not an alias'\n",
    "a: \"&not an anchor\"\n",
    "a: '!not a tag'\n",
    "a: \"|not a block\"\n",
    "a: b|c\nd: e>f\ng: h&i\nj: k*l\nm: n!o\n",
    "a: b - c\n",
    "a: b -c\n",
    "- a # c\n- b\n",
    "a: [x, y] # comment\n",
    "a: {x: y}   \n",
    "key with spaces: value with spaces\n",
    "a:    \n  b: 1\n",
    "a:\n\n\n  b: 1\n",
    "a:\n# comment at column 0\n  b: 1\n",
    "-  a\n-   b\n",
    "- a:\n  - x\n  b: 1\n",
    "- a:\n- b\n",
    "-\n-\n",
    "a:\n- - x\n  - y\n- z\n",
    "- [a, {b: c}]\n- {d: [e, f]}\n",
    "x: {a: [], b: {}}\n",
    "  - a\n  - b\n",
    "a:\n  - b:\n      c: 1\n    d: 2\n",
    "\"key\\twith tab escape\": 1\n",
    "a: 'trailing spaces inside  '\n",
    "a: \"  leading spaces inside\"\n",
    "<<: x\n=: y\n",
    "~: a\nnull: b\n",
    // Long lines: libyaml limits simple keys to 1024 characters, not values.
    "a: " + String(repeating: "long value ", count: 400) + "\n",
    "a: '" + String(repeating: "quoted ", count: 400) + "'\n",
    "- " + String(repeating: "x", count: 3_000) + "\n",
    "a: [" + (0..<600).map { "item\($0)" }.joined(separator: ", ") + "]\n",
    String(repeating: "k", count: 900) + ": v\n",
    // Mappings past the point where duplicate detection switches to a set.
    (0..<40).map { "key\($0): \($0)" }.joined(separator: "\n") + "\n",
    "{" + (0..<40).map { "k\($0): \($0)" }.joined(separator: ", ") + "}\n",
]

/// Documents outside the subset (or invalid): FastYAML must decline them.
private let fastYAMLFallbackCases: [String] = [
    "a: &anchor 1\nb: *anchor\n",
    "a: *alias\n",
    "a: !tag x\n",
    "a: !!str 1\n",
    "a: |\n  block\n",
    "a: >\n  folded\n",
    "a: |-\n  block\n",
    "a: multi\n  line plain\n",
    "a:\n  b\n  c: 1\n",
    "a: 'multi\n  line single'\n",
    "a: \"multi\n  line double\"\n",
    "a: \"line \\\n  continuation\"\n",
    "a:\tb\n",
    "\ta: 1\n",
    "a:\n\t- b\n",
    "? complex\n: key\n",
    "? a\n",
    "[a]: 1\n",
    "{a: 1}: 2\n",
    "a: 1\n...\n",
    "a: 1\n---\nb: 2\n",
    "---\n",
    "---\n---\n",
    "--- a: 1\n",
    "--- \n",
    "---x\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: 1\na: 2\n",
    "a: 1\n'a': 2\n",
    "a: {x: 1, x: 2}\n",
    "- a: 1\n  a: 2\n",
    "a: [1, 2\n",
    "a: [1,\n  2]\n",
    "a: {x: 1,\n  y: 2}\n",
    "a: [1, 2,]\n",
    "a: {x: 1,}\n",
    "a: [1, , 2]\n",
    "a: [x: 1]\n",
    "a: [x:y]\n",
    "a: {x}\n",
    "a: {x: }\n",
    "a: {x:1}\n",
    "{\"a\":1}\n",
    "a: 1\n  b: 2\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: 1\n b: 2\n",
    "- a\nb: 1\n",
    "a: 1\n- b\n",
    "- a\n  - b\n",
    "- a\n - b\n",
    "a: - b\n",
    "a: b: c\n",
    "a: b:\n",
    "a: \"x\": 1\n",
    "a: \"x\"y\n",
    "a: 'x'y\n",
    "a: \"x\"#c\n",
    "a: 'x'#c\n",
    "a: [x]y\n",
    "a: \"bad \\q escape\"\n",
    "a: \"\\'\"\n",
    "source: \"it\\'s\"\n",
    "a: \"\\ud800\"\n",
    "a: \"\\N\"\n",
    "a: \"\\_\"\n",
    "a: \"\\x4\"\n",
    "a: \"\\x4g\"\n",
    "a: \"\\U00110000\"\n",
    "a: 'unterminated\n",
    "a: \"unterminated\n",
    "a: 1\nb\n",
    "plain\nroot\n",
    "'x'\ny\n",
    "a: 1\rb: 2\n",
    "\u{FEFF}a: 1\n",
    "a: b\u{85}c\n",
    "a: b\u{2028}c\n",
    "a: \u{7}\n",
    "a: @x\n",
    "a: `x\n",
    "a: %x\n",
    ": a\n",
    "a: :x\n",
    "a: ?x\n",
    ",a: 1\n",
    "a: ,\n",
    "- - a\n - b\n",
    "a:\n  b: 1\n c: 2\n",
    "a: {b: 1} c\n",
    "a: [b] # ok\n c\n",
    "<<: {a: 1}\n<<: {b: 2}\n",
    "a: [- b]\n",
    "a: [?b]\n",
    String(repeating: "k", count: 1_100) + ": v\n",
    (0..<40).map { "key\($0): \($0)" }.joined(separator: "\n") + "\nkey7: again\n",
    "{" + (0..<40).map { "k\($0): \($0)" }.joined(separator: ", ") + ", k39: again}\n",
    String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "\n",
]

// MARK: - Tests

@Suite("FastYAML differential")
struct FastYAMLDifferentialTests {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func yamlFiles(under folder: String) -> [URL] {
        let base = root.appendingPathComponent(folder).resolvingSymlinksInPath()
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.path < $1.path }
    }

    @Test("every fixture and pricing file takes the fast path and matches Yams")
    func repositoryFiles() throws {
        let files = Self.yamlFiles(under: "Fixtures") + Self.yamlFiles(under: "pricing")
        #expect(files.count >= 5, "found no YAML files under \(Self.root.path)")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let outcome = fastYAMLDifferential(text)
            // A file outside the subset would still load (through Yams), only slower.
            #expect(outcome == .matched, "\(file.path): \(outcome)")
        }
    }

    @Test("seeded random edits of the repository files either fall back or match Yams")
    func mutatedRepositoryFiles() throws {
        let files = Self.yamlFiles(under: "Fixtures") + Self.yamlFiles(under: "pricing")
        var failures = 0
        for (fileIndex, file) in files.enumerated() {
            let original = try String(contentsOf: file, encoding: .utf8)
            for index in 0..<150 {
                let seed: UInt64 = 0xF11E_0000 &+ UInt64(fileIndex) << 16 &+ UInt64(index)
                var random = FastYAMLRandom(seed: seed)
                let text = fastYAMLMutate(original, random: &random)
                let outcome = fastYAMLDifferential(text)
                if outcome.isFailure {
                    failures += 1
                    if failures <= 5 { Issue.record("\(file.lastPathComponent), seed \(seed): \(outcome) for:\n\(String(reflecting: text))") }
                }
            }
        }
        #expect(failures == 0, "\(failures) edited repository files differed from Yams")
    }

    @Test("a generated 10,000-job workload takes the fast path and matches Yams")
    func generatedWorkload() {
        let text = fastYAMLWorkload(jobs: 10_000)
        #expect(text.utf8.count > 500_000)
        #expect(fastYAMLDifferential(text) == .matched)
        // The same workload with CRLF line breaks, comments and a leading document marker.
        let variant = "# generated\n---\n" + text.replacingOccurrences(of: "\n", with: " # c\r\n")
        #expect(fastYAMLDifferential(variant) == .matched)
    }

    @Test("hand-written documents in the subset match Yams", arguments: fastYAMLSupportedCases)
    func supportedCase(_ text: String) {
        let outcome = fastYAMLDifferential(text)
        #expect(outcome == .matched, "\(String(reflecting: text))")
    }

    @Test("documents outside the subset fall back", arguments: fastYAMLFallbackCases)
    func fallbackCase(_ text: String) {
        #expect(FastYAML.compose(text) == nil, "FastYAML should decline \(String(reflecting: text))")
    }

    @Test("an empty document is .some(nil), as Yams gives nil")
    func emptyDocument() throws {
        for text in ["", "\n", "# c\n", "  \n# c\n\n", "\r\n"] {
            let fast = FastYAML.compose(text)
            #expect(fast != nil, "declined \(String(reflecting: text))")
            #expect(fast.flatMap { $0 } == nil)
            #expect(try Yams.compose(yaml: text) == nil)
        }
    }

    @Test("YAMLReader.compose still reports Yams's errors for invalid documents")
    func readerFallsBackForErrors() {
        do {
            _ = try YAMLReader.compose("a: 1\na: 2\n", file: "dup.yaml")
            Issue.record("a duplicate key was accepted")
        } catch {
            guard case .invalid(let diagnostics) = error else { Issue.record("unexpected \(error)"); return }
            #expect(diagnostics.first?.message.contains("duplicate key 'a'") == true)
        }
        do {
            _ = try YAMLReader.compose("a: [1, 2\n", file: "bad.yaml")
            Issue.record("an unclosed flow sequence was accepted")
        } catch {
            guard case .invalid(let diagnostics) = error else { Issue.record("unexpected \(error)"); return }
            #expect(diagnostics.first?.message.hasPrefix("not valid YAML") == true)
        }
    }

    @Test("YAMLReader.compose gives Yams's tree through either path")
    func readerMatchesYams() throws {
        for text in ["a: 1\nb: [x, 'y']\n", "a: &x 1\nb: *x\n", "a: |\n  text\n", ""] {
            let node = try YAMLReader.compose(text, file: "t.yaml")
            let yams = try Yams.compose(yaml: text)
            #expect(fastYAMLDifference(node, yams) == nil, "\(String(reflecting: text))")
        }
    }

    @Test("seeded random documents in the subset match Yams")
    func randomDocuments() {
        let baseSeed: UInt64 = 0xFA57_0001
        let count = 3_000
        var accepted = 0
        var failures = 0
        for index in 0..<count {
            let seed = baseSeed &+ UInt64(index)
            var generator = FastYAMLDocumentGenerator(seed: seed)
            let text = generator.document()
            let outcome = fastYAMLDifferential(text)
            if outcome == .matched { accepted += 1 }
            if outcome.isFailure {
                failures += 1
                if failures <= 5 { Issue.record("seed \(seed): \(outcome) for:\n\(String(reflecting: text))") }
            }
        }
        #expect(failures == 0, "\(failures) random documents differed from Yams")
        // The generator stays inside the subset nearly always; a low rate means the fast path regressed.
        #expect(accepted * 100 >= count * 85, "FastYAML accepted only \(accepted) of \(count) random documents")
    }

    @Test("seeded random edits of documents either fall back or match Yams")
    func mutatedDocuments() {
        let baseSeed: UInt64 = 0xFA57_1000_0000
        let count = 6_000
        var accepted = 0
        var failures = 0
        for index in 0..<count {
            let seed = baseSeed &+ UInt64(index)
            var generator = FastYAMLDocumentGenerator(seed: seed)
            var random = FastYAMLRandom(seed: seed ^ 0x5EED)
            let text = fastYAMLMutate(generator.document(), random: &random)
            let outcome = fastYAMLDifferential(text)
            if outcome == .matched { accepted += 1 }
            if outcome.isFailure {
                failures += 1
                if failures <= 5 { Issue.record("seed \(seed): \(outcome) for:\n\(String(reflecting: text))") }
            }
        }
        #expect(failures == 0, "\(failures) edited documents differed from Yams")
        // Some edits stay valid and inside the subset; they are the interesting ones.
        #expect(accepted > count / 10, "only \(accepted) of \(count) edited documents took the fast path")
    }
}
