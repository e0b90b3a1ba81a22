/// A signed integer of any size: the numerator and denominator of `Rational`.
///
/// Values that fit in `Int64` are stored inline and computed with overflow-checked machine
/// arithmetic; larger ones fall back to base-2³² limbs (schoolbook multiplication, Knuth's
/// algorithm D for division). Breakeven arithmetic needs this: crossing points are quotients of
/// differences of products of prices (10⁻⁸) and quantities (10¹²), whose exact numerators
/// outgrow both `Int64` and `Decimal`'s 38 digits.
///
/// `BigInt(10).power(30) / BigInt(7)` is 142857142857142857142857142857.
struct BigInt: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Inline when the value fits in `Int64`; limbs (little-endian, no leading zero limb)
    /// otherwise. The representation is canonical, so derived equality and hashing are exact.
    enum Storage: Sendable, Hashable {
        case small(Int64)
        case large(negative: Bool, magnitude: [UInt32])
    }

    private(set) var storage: Storage

    init(_ value: Int64) { storage = .small(value) }

    init(_ value: Int) { storage = .small(Int64(value)) }

    /// Builds a value from a sign and a magnitude, choosing the inline form when it fits.
    init(negative: Bool, magnitude: [UInt32]) {
        let trimmed = Self.trim(magnitude)
        if trimmed.count <= 2 {
            let value = trimmed.enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (32 * UInt64($1.offset))) }
            if value <= UInt64(Int64.max) {
                storage = .small(negative ? -Int64(value) : Int64(value))
                return
            }
            if negative && value == UInt64(Int64.max) + 1 {
                storage = .small(Int64.min)
                return
            }
        }
        storage = trimmed.isEmpty ? .small(0) : .large(negative: negative, magnitude: trimmed)
    }

    /// Parses optional `-` followed by decimal digits; nil for anything else.
    init?(digits text: Substring) {
        var body = text
        var negative = false
        if body.first == "-" {
            negative = true
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var magnitude: [UInt32] = []
        // Nine digits at a time: 10⁹ < 2³².
        var index = body.startIndex
        let firstChunk = body.count % 9 == 0 ? 9 : body.count % 9
        var chunkEnd = body.index(index, offsetBy: firstChunk)
        while index < body.endIndex {
            let chunk = UInt32(body[index..<chunkEnd])!
            let width = body.distance(from: index, to: chunkEnd)
            var factor: UInt32 = 1
            for _ in 0..<width { factor *= 10 }
            magnitude = Self.multiplyAdd(magnitude, factor, chunk)
            index = chunkEnd
            chunkEnd = body.index(index, offsetBy: 9, limitedBy: body.endIndex) ?? body.endIndex
        }
        self.init(negative: negative, magnitude: magnitude)
    }

    static let zero = BigInt(0)
    static let one = BigInt(1)

    var isZero: Bool { if case .small(0) = storage { return true } else { return false } }

    var isNegative: Bool {
        switch storage {
        case .small(let value): return value < 0
        case .large(let negative, _): return negative
        }
    }

    /// -1, 0 or 1.
    var signum: Int {
        switch storage {
        case .small(let value): return value == 0 ? 0 : (value < 0 ? -1 : 1)
        case .large(let negative, _): return negative ? -1 : 1
        }
    }

    /// The inline value, when the number fits in `Int64`.
    var int64: Int64? { if case .small(let value) = storage { return value } else { return nil } }

    var magnitude: [UInt32] {
        switch storage {
        case .small(let value): return Self.limbs(value.magnitude)
        case .large(_, let magnitude): return magnitude
        }
    }

    var absoluteValue: BigInt { isNegative ? -self : self }

    /// Nearest `Double` (truncating low bits; deterministic on every platform).
    var doubleValue: Double {
        switch storage {
        case .small(let value): return Double(value)
        case .large(let negative, let magnitude):
            var result = 0.0
            for limb in magnitude.reversed() { result = result * 4_294_967_296.0 + Double(limb) }
            return negative ? -result : result
        }
    }

    var description: String {
        if let value = int64 { return String(value) }
        var chunks: [UInt32] = []
        var rest = magnitude
        while !rest.isEmpty {
            let (quotient, remainder) = Self.divide(rest, by: 1_000_000_000)
            chunks.append(remainder)
            rest = quotient
        }
        var text = isNegative ? "-" : ""
        text += String(chunks.last ?? 0)
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }

    /// `self` raised to a small non-negative power.
    func power(_ exponent: Int) -> BigInt {
        precondition(exponent >= 0, "negative exponent")
        var result = BigInt.one
        for _ in 0..<exponent { result = result * self }
        return result
    }

    // MARK: Arithmetic

    static prefix func - (value: BigInt) -> BigInt {
        switch value.storage {
        case .small(let small):
            if small != Int64.min { return BigInt(-small) }
            return BigInt(negative: false, magnitude: limbs(small.magnitude))
        case .large(let negative, let magnitude):
            return BigInt(negative: !negative, magnitude: magnitude)
        }
    }

    static func + (lhs: BigInt, rhs: BigInt) -> BigInt {
        if let a = lhs.int64, let b = rhs.int64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if !overflow { return BigInt(sum) }
        }
        return signedAdd(lhs.isNegative, lhs.magnitude, rhs.isNegative, rhs.magnitude)
    }

    static func - (lhs: BigInt, rhs: BigInt) -> BigInt {
        if let a = lhs.int64, let b = rhs.int64 {
            let (difference, overflow) = a.subtractingReportingOverflow(b)
            if !overflow { return BigInt(difference) }
        }
        return signedAdd(lhs.isNegative, lhs.magnitude, !rhs.isNegative, rhs.magnitude)
    }

    static func * (lhs: BigInt, rhs: BigInt) -> BigInt {
        if let a = lhs.int64, let b = rhs.int64 {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            if !overflow { return BigInt(product) }
        }
        if lhs.isZero || rhs.isZero { return .zero }
        return BigInt(negative: lhs.isNegative != rhs.isNegative, magnitude: multiply(lhs.magnitude, rhs.magnitude))
    }

    /// Quotient rounded toward zero and the remainder with the dividend's sign (like `Int`).
    func quotientAndRemainder(dividingBy divisor: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!divisor.isZero, "division by zero")
        if let a = int64, let b = divisor.int64, !(a == Int64.min && b == -1) {
            return (BigInt(a / b), BigInt(a % b))
        }
        let (quotient, remainder) = Self.divide(magnitude, divisor.magnitude)
        return (BigInt(negative: isNegative != divisor.isNegative, magnitude: quotient),
                BigInt(negative: isNegative, magnitude: remainder))
    }

    static func / (lhs: BigInt, rhs: BigInt) -> BigInt { lhs.quotientAndRemainder(dividingBy: rhs).quotient }

    /// The largest integer not above `self / divisor` (divisor positive).
    func floorDivided(by divisor: BigInt) -> BigInt {
        precondition(divisor.signum > 0, "floor division needs a positive divisor")
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder.isNegative ? quotient - .one : quotient
    }

    /// Greatest common divisor, non-negative.
    /// - Complexity: O(n²) in the number of limbs per step, O(n) steps (Euclid).
    static func gcd(_ lhs: BigInt, _ rhs: BigInt) -> BigInt {
        if let x = lhs.int64, let y = rhs.int64, x != Int64.min, y != Int64.min {
            var u = UInt64(abs(x)), v = UInt64(abs(y))
            while v != 0 { (u, v) = (v, u % v) }
            return BigInt(Int64(u))
        }
        var a = lhs.magnitude, b = rhs.magnitude
        while !b.isEmpty {
            if a.count <= 2 && b.count <= 2 {
                var u = UInt64(a.first ?? 0) | (a.count > 1 ? UInt64(a[1]) << 32 : 0)
                var v = UInt64(b[0]) | (b.count > 1 ? UInt64(b[1]) << 32 : 0)
                while v != 0 { (u, v) = (v, u % v) }
                return BigInt(negative: false, magnitude: limbs(u))
            }
            (a, b) = (b, divide(a, b).remainder)
        }
        return BigInt(negative: false, magnitude: a)
    }

    /// The largest integer whose square is at most `self` (self ≥ 0), by Newton's iteration.
    func squareRootFloor() -> BigInt {
        precondition(!isNegative, "square root of a negative number")
        if isZero { return .zero }
        // Start above the root: 2^(⌈bits/2⌉).
        let bits = magnitude.count * 32 - (magnitude.last?.leadingZeroBitCount ?? 0)
        var x = BigInt(2).power((bits + 1) / 2)
        while true {
            let next = (x + self / x).floorDivided(by: BigInt(2))
            if next >= x { return x }
            x = next
        }
    }

    static func < (lhs: BigInt, rhs: BigInt) -> Bool {
        if let a = lhs.int64, let b = rhs.int64 { return a < b }
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let order = compare(lhs.magnitude, rhs.magnitude)
        return lhs.isNegative ? order > 0 : order < 0
    }

    // MARK: Magnitudes (little-endian UInt32 limbs)

    static func limbs(_ value: UInt64) -> [UInt32] {
        trim([UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)])
    }

    static func trim(_ limbs: [UInt32]) -> [UInt32] {
        var result = limbs
        while result.last == 0 { result.removeLast() }
        return result
    }

    static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for index in stride(from: a.count - 1, through: 0, by: -1) where a[index] != b[index] {
            return a[index] < b[index] ? -1 : 1
        }
        return 0
    }

    static func signedAdd(_ aNegative: Bool, _ a: [UInt32], _ bNegative: Bool, _ b: [UInt32]) -> BigInt {
        if aNegative == bNegative { return BigInt(negative: aNegative, magnitude: add(a, b)) }
        let order = compare(a, b)
        if order == 0 { return .zero }
        return order > 0 ? BigInt(negative: aNegative, magnitude: subtract(a, b))
                         : BigInt(negative: bNegative, magnitude: subtract(b, a))
    }

    static func add(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result = [UInt32](repeating: 0, count: max(a.count, b.count) + 1)
        var carry: UInt64 = 0
        for index in 0..<(result.count - 1) {
            let sum = UInt64(index < a.count ? a[index] : 0) + UInt64(index < b.count ? b[index] : 0) + carry
            result[index] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
        }
        result[result.count - 1] = UInt32(carry)
        return trim(result)
    }

    /// a − b for a ≥ b.
    static func subtract(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result = a
        var borrow: Int64 = 0
        for index in 0..<a.count {
            var difference = Int64(a[index]) - borrow - Int64(index < b.count ? b[index] : 0)
            borrow = 0
            if difference < 0 {
                difference += 1 << 32
                borrow = 1
            }
            result[index] = UInt32(difference)
        }
        precondition(borrow == 0, "subtract: a < b")
        return trim(result)
    }

    static func multiply(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result = [UInt32](repeating: 0, count: a.count + b.count)
        for i in 0..<a.count {
            var carry: UInt64 = 0
            let ai = UInt64(a[i])
            for j in 0..<b.count {
                let product = ai * UInt64(b[j]) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            result[i + b.count] = UInt32(carry)
        }
        return trim(result)
    }

    /// magnitude × factor + addend.
    static func multiplyAdd(_ a: [UInt32], _ factor: UInt32, _ addend: UInt32) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(a.count + 1)
        var carry = UInt64(addend)
        for limb in a {
            let value = UInt64(limb) * UInt64(factor) + carry
            result.append(UInt32(truncatingIfNeeded: value))
            carry = value >> 32
        }
        if carry != 0 { result.append(UInt32(carry)) }
        return trim(result)
    }

    /// Division by one limb.
    static func divide(_ a: [UInt32], by divisor: UInt32) -> ([UInt32], UInt32) {
        var quotient = [UInt32](repeating: 0, count: a.count)
        var remainder: UInt64 = 0
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            let current = (remainder << 32) | UInt64(a[index])
            quotient[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        return (trim(quotient), UInt32(remainder))
    }

    /// Long division of magnitudes (Knuth, TAOCP vol. 2, 4.3.1, algorithm D).
    /// - Complexity: O(m × n) limb operations.
    static func divide(_ u: [UInt32], _ v: [UInt32]) -> (quotient: [UInt32], remainder: [UInt32]) {
        precondition(!v.isEmpty, "division by zero")
        if compare(u, v) < 0 { return ([], u) }
        if v.count == 1 {
            let (quotient, remainder) = divide(u, by: v[0])
            return (quotient, remainder == 0 ? [] : [remainder])
        }
        let shift = UInt32(v[v.count - 1].leadingZeroBitCount)
        let vn = shiftLeft(v, shift, extraLimb: false)
        var un = shiftLeft(u, shift, extraLimb: true)
        let n = v.count, m = u.count - v.count
        let base: UInt64 = 1 << 32
        var quotient = [UInt32](repeating: 0, count: m + 1)
        for j in stride(from: m, through: 0, by: -1) {
            let numerator = (UInt64(un[j + n]) << 32) | UInt64(un[j + n - 1])
            var qhat = numerator / UInt64(vn[n - 1])
            var rhat = numerator % UInt64(vn[n - 1])
            while qhat >= base || qhat * UInt64(vn[n - 2]) > ((rhat << 32) | UInt64(un[j + n - 2])) {
                qhat -= 1
                rhat += UInt64(vn[n - 1])
                if rhat >= base { break }
            }
            var borrow: Int64 = 0
            var carry: UInt64 = 0
            for i in 0..<n {
                let product = qhat * UInt64(vn[i]) + carry
                carry = product >> 32
                let difference = Int64(un[i + j]) - borrow - Int64(product & 0xFFFF_FFFF)
                un[i + j] = UInt32(truncatingIfNeeded: difference)
                borrow = difference < 0 ? 1 : 0
            }
            let top = Int64(un[j + n]) - borrow - Int64(carry)
            un[j + n] = UInt32(truncatingIfNeeded: top)
            if top < 0 {
                qhat -= 1
                var sumCarry: UInt64 = 0
                for i in 0..<n {
                    let sum = UInt64(un[i + j]) + UInt64(vn[i]) + sumCarry
                    un[i + j] = UInt32(truncatingIfNeeded: sum)
                    sumCarry = sum >> 32
                }
                un[j + n] = UInt32(truncatingIfNeeded: UInt64(un[j + n]) + sumCarry)
            }
            quotient[j] = UInt32(qhat)
        }
        let remainder = shiftRight(Array(un[0..<n]), shift)
        return (trim(quotient), trim(remainder))
    }

    static func shiftLeft(_ a: [UInt32], _ shift: UInt32, extraLimb: Bool) -> [UInt32] {
        var result = [UInt32](repeating: 0, count: a.count + (extraLimb ? 1 : 0))
        if shift == 0 {
            for index in 0..<a.count { result[index] = a[index] }
            return result
        }
        var carry: UInt32 = 0
        for index in 0..<a.count {
            result[index] = (a[index] << shift) | carry
            carry = a[index] >> (32 - shift)
        }
        if extraLimb { result[a.count] = carry } else { precondition(carry == 0, "shiftLeft overflow") }
        return result
    }

    static func shiftRight(_ a: [UInt32], _ shift: UInt32) -> [UInt32] {
        guard shift > 0 else { return a }
        var result = a
        for index in 0..<a.count {
            let high = index + 1 < a.count ? a[index + 1] << (32 - shift) : 0
            result[index] = (a[index] >> shift) | high
        }
        return result
    }
}
