import Yams

/// A fast parser for the common subset of YAML used by workload and pricing files.
///
/// It builds exactly the `Yams.Node` tree that `Yams.compose(yaml:)` builds (same structure,
/// scalar strings, styles, tags and marks), or gives up with `.none` when the text uses
/// anything outside the subset, in which case the caller parses with Yams. Correctness never
/// depends on the subset: every document FastYAML cannot reproduce exactly is handed to Yams,
/// including every invalid one, so Yams reports errors with its own messages.
///
/// The subset: block mappings and sequences (compact `- key: value` items, `- - x`, indentless
/// sequences as mapping values), single-line flow collections (`{a: 1, b: [x, y]}`), single-line
/// plain, single-quoted and double-quoted scalars (common escapes), comments, blank lines,
/// empty values, LF or CRLF line breaks and one optional leading `---`.
///
/// It falls back on anchors, aliases, tags, block scalars, multi-line scalars or flow
/// collections, tabs, `?` keys, directives, `...`, a second `---`, duplicate keys, keys of 1000
/// bytes or more, control or special line-break characters, a byte order mark, deep nesting
/// and every syntax error.
///
/// Like Yams (libyaml), marks are 1-based lines and 1-based columns counted in Unicode scalars;
/// plain scalars have the implicit tag and quoted ones `tag:yaml.org,2002:str`; mappings and
/// sequences have style `.any` and the implicit tag, as `Yams.compose` leaves them.
package enum FastYAML {
    /// The document's root node, or `.none` when the text uses YAML the fast path does not
    /// handle (parse it with Yams then). `.some(nil)` is an empty document (only blank lines
    /// and comments), for which `Yams.compose` also returns nil.
    package static func compose(_ text: String) -> Node?? {
        guard markLayoutMatches else { return .none }
        if let result = text.utf8.withContiguousStorageIfAvailable({ parse($0) }) {
            return result
        }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { parse($0) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Node?? {
        var parser = FastYAMLParser(bytes)
        do {
            return .some(try parser.document())
        } catch {
            return .none
        }
    }

    // MARK: Marks

    /// `Yams.Mark` has no public initializer; this struct has its layout (two `Int`s, line
    /// then column), which `markLayoutMatches` checks before anything is built.
    private struct RawMark {
        var line: Int
        var column: Int
    }

    /// Whether a `RawMark` reinterprets as the `Mark` it describes; when not (a future Yams
    /// changed `Mark`), FastYAML always falls back.
    private static let markLayoutMatches: Bool = {
        guard MemoryLayout<Mark>.size == MemoryLayout<RawMark>.size,
              MemoryLayout<Mark>.alignment == MemoryLayout<RawMark>.alignment,
              MemoryLayout<Mark>.stride == MemoryLayout<RawMark>.stride else { return false }
        let probe = unsafeBitCast(RawMark(line: 3, column: 7), to: Mark.self)
        return probe.line == 3 && probe.column == 7
    }()

    fileprivate static func mark(line: Int, column: Int) -> Mark {
        unsafeBitCast(RawMark(line: line, column: column), to: Mark.self)
    }
}

/// Thrown inside the parser for anything outside the subset; `FastYAML.compose` turns it into
/// the fallback signal.
private struct Unsupported: Error {}

/// One scanned scalar token: its value, style and first byte.
private struct ScalarToken {
    var value: String
    var style: Node.Scalar.Style
    var start: Int
}

/// Mapping keys seen so far, to fall back on a repeated key (Yams reports duplicates).
private struct KeySet {
    private var list: [String] = []
    private var set: Set<String>?

    /// False when `key` was already there.
    mutating func insert(_ key: String) -> Bool {
        if set != nil { return set!.insert(key).inserted }
        if list.contains(key) { return false }
        list.append(key)
        if list.count > 12 { set = Set(list) }
        return true
    }
}

private enum Byte {
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22       // "
    static let hash: UInt8 = 0x23        // #
    static let apostrophe: UInt8 = 0x27  // '
    static let comma: UInt8 = 0x2C
    static let dash: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A
    static let openBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
}

/// A line-oriented recursive-descent parser over UTF-8 bytes.
///
/// The parser always sits on a "current line": the next line that is not blank and not a
/// comment. Block collections are delimited by the indentation of those lines, the way
/// libyaml's scanner does it, and every case where libyaml would read something else (a
/// continuation line of a multi-line scalar, an error) throws `Unsupported`.
private struct FastYAMLParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let count: Int
    /// Whether the whole text is ASCII, so columns are byte offsets.
    private var ascii = true

    // The current line.
    private var lineNumber = 0
    private var lineStart = 0
    /// End of the line's content, before `\n` or `\r\n`.
    private var lineEnd = 0
    /// Start of the following line.
    private var nextLineStart = 0
    /// Leading spaces of the current line.
    private var indent = 0
    private var atEnd = false

    private let constructor = Constructor.default

    private var depth = 0
    private static let maximumDepth = 200
    /// libyaml gives up on a simple key longer than 1024 characters; stay well below.
    private static let maximumKeyBytes = 1000

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.count = bytes.count
    }

    // MARK: Document

    mutating func document() throws(Unsupported) -> Node? {
        try prescan()
        try advance(allowingDocumentStart: true)
        if atEnd { return nil }
        if indent == 0 && startsWithMarker(lineStart, Byte.dash) {
            // `---` alone (or with a comment) on the first line; content on the same line,
            // or no content at all, falls back.
            var position = lineStart + 3
            guard position == lineEnd || bytes[position] == Byte.space else { throw Unsupported() }
            position = skipSpaces(position)
            guard position == lineEnd || bytes[position] == Byte.hash else { throw Unsupported() }
            try advance()
            if atEnd { throw Unsupported() }
        }
        let root = try blockNode(at: lineStart + indent, parentIndent: -1)
        guard atEnd else { throw Unsupported() }
        return root
    }

    /// Rejects characters that libyaml treats specially or refuses: control characters
    /// (tabs included), a lone `\r`, DEL, C1 controls (NEL among them), the Unicode line and
    /// paragraph separators, a byte order mark and the non-characters U+FFFE and U+FFFF.
    private mutating func prescan() throws(Unsupported) {
        var index = 0
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte >= 0x20 && byte != 0x7F || byte == Byte.newline {
                    index += 1
                    continue
                }
                if byte == Byte.carriageReturn && index + 1 < count && bytes[index + 1] == Byte.newline {
                    index += 2
                    continue
                }
                throw Unsupported()
            }
            ascii = false
            // A Swift string is valid UTF-8, so the continuation bytes are there.
            switch byte {
            case 0xC2:
                if bytes[index + 1] < 0xA0 { throw Unsupported() }
            case 0xE2:
                if bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9) { throw Unsupported() }
            case 0xEF:
                if bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF { throw Unsupported() }
                if bytes[index + 1] == 0xBF && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF) { throw Unsupported() }
            default:
                break
            }
            index += 1
        }
    }

    // MARK: Lines

    /// Moves to the next line that is neither blank nor a comment, or to the end.
    private mutating func advance(allowingDocumentStart: Bool = false) throws(Unsupported) {
        var start = nextLineStart
        var number = lineNumber + 1
        while start < count {
            var end = start
            while end < count && bytes[end] != Byte.newline { end += 1 }
            let next = end < count ? end + 1 : end
            let contentEnd = end > start && bytes[end - 1] == Byte.carriageReturn ? end - 1 : end
            var first = start
            while first < contentEnd && bytes[first] == Byte.space { first += 1 }
            if first == contentEnd || bytes[first] == Byte.hash {
                start = next
                number += 1
                continue
            }
            lineNumber = number
            lineStart = start
            lineEnd = contentEnd
            nextLineStart = next
            indent = first - start
            if first == start && (startsWithMarker(start, Byte.dash) || startsWithMarker(start, Byte.dot)) {
                // A document marker (or a scalar starting like one): only a first `---` is handled.
                guard allowingDocumentStart && bytes[start] == Byte.dash else { throw Unsupported() }
            }
            return
        }
        atEnd = true
        lineNumber = number
        lineStart = count
        lineEnd = count
        nextLineStart = count
        indent = 0
    }

    private func startsWithMarker(_ position: Int, _ byte: UInt8) -> Bool {
        position + 3 <= lineEnd && bytes[position] == byte && bytes[position + 1] == byte && bytes[position + 2] == byte
    }

    private func skipSpaces(_ position: Int) -> Int {
        var position = position
        while position < lineEnd && bytes[position] == Byte.space { position += 1 }
        return position
    }

    /// `position` is followed by a space or the end of the line.
    private func blankAfter(_ position: Int) -> Bool {
        position + 1 == lineEnd || bytes[position + 1] == Byte.space
    }

    /// A `- ` block sequence entry at `position`.
    private func isBlockEntry(_ position: Int) -> Bool {
        bytes[position] == Byte.dash && blankAfter(position)
    }

    /// Only spaces and a comment may follow `position` on the current line. A comment needs a
    /// space before it.
    private func expectEndOfLine(_ position: Int) throws(Unsupported) {
        let next = skipSpaces(position)
        if next == lineEnd { return }
        guard bytes[next] == Byte.hash && next > position else { throw Unsupported() }
    }

    // MARK: Marks and nodes

    private func mark(_ position: Int) -> Mark {
        var column = 1
        if ascii {
            column += position - lineStart
        } else {
            var index = lineStart
            while index < position {
                if bytes[index] & 0xC0 != 0x80 { column += 1 }
                index += 1
            }
        }
        return FastYAML.mark(line: lineNumber, column: column)
    }

    private func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    private func node(_ token: ScalarToken) -> Node {
        .scalar(Node.Scalar(token.value, tag(token.style == .plain ? .implicit : .str), token.style, mark(token.start)))
    }

    /// A new tag (each node needs its own: resolving a tag changes it) sharing one constructor,
    /// as the nodes of one Yams parse do. `Tag(name)` alone would build a new `Constructor`
    /// (three dictionaries) for every node.
    private func tag(_ name: Tag.Name) -> Tag {
        Tag(name, .default, constructor)
    }

    private func emptyScalar(at mark: Mark) -> Node {
        .scalar(Node.Scalar("", tag(.implicit), .plain, mark))
    }

    private mutating func enter() throws(Unsupported) {
        depth += 1
        if depth > Self.maximumDepth { throw Unsupported() }
    }

    // MARK: Block structure

    /// The node whose first character is at `position` on the current line: a block sequence,
    /// a block mapping, a flow collection or a scalar. Returns with the parser on the first line
    /// after the node.
    private mutating func blockNode(at position: Int, parentIndent: Int) throws(Unsupported) -> Node {
        try enter()
        defer { depth -= 1 }
        // Only spaces and `- ` precede a block node on its line, so the column is a byte offset.
        let column = position - lineStart
        guard column > parentIndent else { throw Unsupported() }
        let byte = bytes[position]
        if isBlockEntry(position) {
            return try blockSequence(at: position, indentless: false)
        }
        if byte == Byte.openBracket || byte == Byte.openBrace {
            let (node, end) = try flowCollection(at: position)
            try expectEndOfLine(end)
            try advance()
            // A deeper line would continue or break this node.
            guard atEnd || indent <= parentIndent else { throw Unsupported() }
            return node
        }
        let (token, end) = try scalar(at: position, flow: false)
        let after = skipSpaces(end)
        if after < lineEnd && bytes[after] == Byte.colon && blankAfter(after) {
            return try blockMapping(column: column, firstKey: token, colon: after)
        }
        try expectEndOfLine(end)
        let result = node(token)
        try advance()
        // A deeper line would be a continuation of a multi-line plain scalar, or an error.
        guard atEnd || indent <= parentIndent else { throw Unsupported() }
        return result
    }

    /// A block mapping whose keys are at `column`; the first key is already scanned, and
    /// `colon` is the position of its `:`.
    private mutating func blockMapping(column: Int, firstKey: ScalarToken, colon firstColon: Int) throws(Unsupported) -> Node {
        let mappingMark = mark(firstKey.start)
        var pairs: [(Node, Node)] = []
        var keys = KeySet()
        var key = firstKey
        var colon = firstColon
        while true {
            guard colon - key.start < Self.maximumKeyBytes, keys.insert(key.value) else { throw Unsupported() }
            let keyNode = node(key)
            let valueStart = skipSpaces(colon + 1)
            let value: Node
            if valueStart == lineEnd || bytes[valueStart] == Byte.hash {
                // Nothing after the colon: the value is on the following lines, or empty.
                let emptyMark = mark(colon + 1)
                try advance()
                if !atEnd && indent > column {
                    value = try blockNode(at: lineStart + indent, parentIndent: column)
                } else if !atEnd && indent == column && isBlockEntry(lineStart + indent) {
                    value = try blockSequence(at: lineStart + indent, indentless: true)
                } else {
                    value = emptyScalar(at: emptyMark)
                }
            } else {
                let end: Int
                let byte = bytes[valueStart]
                if byte == Byte.openBracket || byte == Byte.openBrace {
                    (value, end) = try flowCollection(at: valueStart)
                } else {
                    let token: ScalarToken
                    (token, end) = try scalar(at: valueStart, flow: false)
                    value = node(token)
                }
                try expectEndOfLine(end)
                try advance()
                guard atEnd || indent <= column else { throw Unsupported() }
            }
            pairs.append((keyNode, value))

            if atEnd || indent < column { break }
            guard indent == column else { throw Unsupported() }
            let keyStart = lineStart + indent
            guard !isBlockEntry(keyStart) else { throw Unsupported() }
            let end: Int
            (key, end) = try scalar(at: keyStart, flow: false)
            colon = skipSpaces(end)
            guard colon < lineEnd && bytes[colon] == Byte.colon && blankAfter(colon) else { throw Unsupported() }
        }
        return .mapping(Node.Mapping(pairs, tag(.implicit), .any, mappingMark))
    }

    /// A block sequence whose `-` entries are at the column of `position`. An indentless
    /// sequence (the value of a mapping key at the key's own column) ends at the first line of
    /// that column that is not an entry.
    private mutating func blockSequence(at position: Int, indentless: Bool) throws(Unsupported) -> Node {
        let column = position - lineStart
        let sequenceMark = mark(position)
        var items: [Node] = []
        var dash = position
        while true {
            let contentStart = skipSpaces(dash + 1)
            if contentStart == lineEnd || bytes[contentStart] == Byte.hash {
                let emptyMark = mark(dash + 1)
                try advance()
                if !atEnd && indent > column {
                    items.append(try blockNode(at: lineStart + indent, parentIndent: column))
                } else {
                    items.append(emptyScalar(at: emptyMark))
                }
            } else {
                items.append(try blockNode(at: contentStart, parentIndent: column))
            }

            if atEnd || indent < column { break }
            guard indent == column else { throw Unsupported() }
            let next = lineStart + indent
            if isBlockEntry(next) {
                dash = next
                continue
            }
            if indentless { break }
            throw Unsupported()
        }
        return .sequence(Node.Sequence(items, tag(.implicit), .any, sequenceMark))
    }

    // MARK: Flow collections (one line)

    /// The flow sequence or mapping opening at `position`, and the position after its closing
    /// bracket. It must close on the same line.
    private mutating func flowCollection(at position: Int) throws(Unsupported) -> (Node, Int) {
        try enter()
        defer { depth -= 1 }
        let collectionMark = mark(position)
        var index = skipSpaces(position + 1)
        guard index < lineEnd else { throw Unsupported() }
        if bytes[position] == Byte.openBracket {
            var items: [Node] = []
            if bytes[index] == Byte.closeBracket {
                return (.sequence(Node.Sequence(items, tag(.implicit), .any, collectionMark)), index + 1)
            }
            while true {
                let (item, end) = try flowItem(at: index)
                items.append(item)
                index = skipSpaces(end)
                guard index < lineEnd else { throw Unsupported() }
                if bytes[index] == Byte.comma {
                    index = skipSpaces(index + 1)
                    // A trailing comma, or the end of the line: fall back.
                    guard index < lineEnd && bytes[index] != Byte.closeBracket else { throw Unsupported() }
                    continue
                }
                guard bytes[index] == Byte.closeBracket else { throw Unsupported() }
                return (.sequence(Node.Sequence(items, tag(.implicit), .any, collectionMark)), index + 1)
            }
        }
        var pairs: [(Node, Node)] = []
        var keys = KeySet()
        if bytes[index] == Byte.closeBrace {
            return (.mapping(Node.Mapping(pairs, tag(.implicit), .any, collectionMark)), index + 1)
        }
        while true {
            let byte = bytes[index]
            guard byte != Byte.openBracket && byte != Byte.openBrace else { throw Unsupported() }
            let (key, keyEnd) = try scalar(at: index, flow: true)
            let colon = skipSpaces(keyEnd)
            // `key: value` with a space after the colon, all on this line.
            guard colon + 1 < lineEnd && bytes[colon] == Byte.colon && bytes[colon + 1] == Byte.space,
                  colon - key.start < Self.maximumKeyBytes, keys.insert(key.value) else { throw Unsupported() }
            let keyNode = node(key)
            index = skipSpaces(colon + 1)
            guard index < lineEnd else { throw Unsupported() }
            let (value, end) = try flowItem(at: index)
            pairs.append((keyNode, value))
            index = skipSpaces(end)
            guard index < lineEnd else { throw Unsupported() }
            if bytes[index] == Byte.comma {
                index = skipSpaces(index + 1)
                guard index < lineEnd && bytes[index] != Byte.closeBrace else { throw Unsupported() }
                continue
            }
            guard bytes[index] == Byte.closeBrace else { throw Unsupported() }
            return (.mapping(Node.Mapping(pairs, tag(.implicit), .any, collectionMark)), index + 1)
        }
    }

    private mutating func flowItem(at position: Int) throws(Unsupported) -> (Node, Int) {
        let byte = bytes[position]
        if byte == Byte.openBracket || byte == Byte.openBrace {
            return try flowCollection(at: position)
        }
        let (token, end) = try scalar(at: position, flow: true)
        return (node(token), end)
    }

    // MARK: Scalars (one line)

    /// The scalar starting at `position` and the position after it (after the closing quote;
    /// for a plain scalar, after its last non-space character).
    private func scalar(at position: Int, flow: Bool) throws(Unsupported) -> (ScalarToken, Int) {
        switch bytes[position] {
        case Byte.apostrophe: return try singleQuoted(at: position)
        case Byte.quote: return try doubleQuoted(at: position)
        default: return try plain(at: position, flow: flow)
        }
    }

    private func plain(at position: Int, flow: Bool) throws(Unsupported) -> (ScalarToken, Int) {
        let first = bytes[position]
        switch first {
        case Byte.dash:
            // `-x` is a plain scalar; `- ` is an entry. In flow context only `-` before an
            // alphanumeric or `.` is kept, for safety.
            guard position + 1 < lineEnd else { throw Unsupported() }
            let next = bytes[position + 1]
            if flow {
                guard isAlphanumeric(next) || next == Byte.dot else { throw Unsupported() }
            } else {
                guard next != Byte.space else { throw Unsupported() }
            }
        // Indicators (and `?` / `:` starts, which libyaml accepts in block context only before a
        // non-space: left to Yams).
        case 0x3F, Byte.colon, Byte.comma, Byte.openBracket, Byte.closeBracket, Byte.openBrace, Byte.closeBrace,
             Byte.hash, 0x26, 0x2A, 0x21, 0x7C, 0x3E, Byte.apostrophe, Byte.quote, 0x25, 0x40, 0x60, Byte.space:
            throw Unsupported()
        default:
            break
        }
        var index = position + 1
        while index < lineEnd {
            let byte = bytes[index]
            if byte == Byte.colon {
                if blankAfter(index) { break }
                // `a:b` inside a flow collection: libyaml's handling differs between versions.
                if flow { throw Unsupported() }
            } else if byte == Byte.hash {
                if bytes[index - 1] == Byte.space { break }
            } else if flow {
                if byte == Byte.comma || byte == Byte.closeBracket || byte == Byte.closeBrace { break }
                if byte == Byte.openBracket || byte == Byte.openBrace { throw Unsupported() }
            }
            index += 1
        }
        var end = index
        while end > position && bytes[end - 1] == Byte.space { end -= 1 }
        return (ScalarToken(value: string(position, end), style: .plain, start: position), end)
    }

    private func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private func singleQuoted(at position: Int) throws(Unsupported) -> (ScalarToken, Int) {
        var index = position + 1
        var segmentStart = index
        var buffer: [UInt8]?
        while true {
            guard index < lineEnd else { throw Unsupported() }  // continues on the next line
            if bytes[index] == Byte.apostrophe {
                if index + 1 < lineEnd && bytes[index + 1] == Byte.apostrophe {
                    if buffer == nil { buffer = [] }
                    buffer!.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart...index]))
                    index += 2
                    segmentStart = index
                    continue
                }
                break
            }
            index += 1
        }
        let value: String
        if var buffer {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
            value = String(decoding: buffer, as: UTF8.self)
        } else {
            value = string(segmentStart, index)
        }
        try expectAfterQuoted(index + 1)
        return (ScalarToken(value: value, style: .singleQuoted, start: position), index + 1)
    }

    private func doubleQuoted(at position: Int) throws(Unsupported) -> (ScalarToken, Int) {
        var index = position + 1
        var segmentStart = index
        var buffer: [UInt8]?
        while true {
            guard index < lineEnd else { throw Unsupported() }  // continues on the next line
            let byte = bytes[index]
            if byte == Byte.quote { break }
            if byte != Byte.backslash {
                index += 1
                continue
            }
            if buffer == nil { buffer = [] }
            buffer!.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
            guard index + 1 < lineEnd else { throw Unsupported() }  // a line-continuation escape
            index += 1
            switch bytes[index] {
            case Byte.quote: buffer!.append(Byte.quote)
            case Byte.backslash: buffer!.append(Byte.backslash)
            case 0x2F: buffer!.append(0x2F)                       // \/
            case 0x6E: buffer!.append(0x0A)                       // \n
            case 0x74: buffer!.append(0x09)                       // \t
            case 0x72: buffer!.append(0x0D)                       // \r
            case 0x30: buffer!.append(0x00)                       // \0
            case 0x61: buffer!.append(0x07)                       // \a
            case 0x62: buffer!.append(0x08)                       // \b
            case 0x65: buffer!.append(0x1B)                       // \e
            case 0x66: buffer!.append(0x0C)                       // \f
            case 0x76: buffer!.append(0x0B)                       // \v
            case 0x78, 0x75, 0x55:                                // \xXX \uXXXX \UXXXXXXXX
                let digits = bytes[index] == 0x78 ? 2 : bytes[index] == 0x75 ? 4 : 8
                guard index + digits < lineEnd else { throw Unsupported() }
                var value: UInt32 = 0
                for offset in 1...digits {
                    guard let digit = hexValue(bytes[index + offset]) else { throw Unsupported() }
                    value = value << 4 | digit
                }
                guard let scalar = Unicode.Scalar(value) else { throw Unsupported() }  // surrogates, > 10FFFF
                buffer!.append(contentsOf: UTF8.encode(scalar)!)
                index += digits
            default:
                // `\N`, `\_`, `\L`, `\P`, `\ `, `\<tab>`, and unknown escapes (`\'` among them,
                // which libyaml rejects).
                throw Unsupported()
            }
            index += 1
            segmentStart = index
        }
        let value: String
        if var buffer {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
            value = String(decoding: buffer, as: UTF8.self)
        } else {
            value = string(segmentStart, index)
        }
        try expectAfterQuoted(index + 1)
        return (ScalarToken(value: value, style: .doubleQuoted, start: position), index + 1)
    }

    /// After a closing quote comes a space, a `:`, a flow indicator or the end of the line.
    private func expectAfterQuoted(_ position: Int) throws(Unsupported) {
        guard position < lineEnd else { return }
        switch bytes[position] {
        case Byte.space, Byte.colon, Byte.comma, Byte.closeBracket, Byte.closeBrace: return
        default: throw Unsupported()
        }
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }
}
