import CostModel
import Foundation

/// xoshiro256** 1.0 (Blackman and Vigna, 2018): the simulation's random number generator.
/// Fast, 256 bits of state, passes BigCrush; seeded through SplitMix64 as its authors advise.
///
/// Every Monte Carlo trial draws each job's month from its own stream,
/// `Xoshiro256StarStar(seed:stream:substream:)`, so a trial's values depend only on the seed, the
/// trial number and the job: never on the order trials run in, the number of cores, or which
/// providers are priced.
///
/// ```swift
/// var generator = Xoshiro256StarStar(seed: 42)
/// generator.next()  // 1546998764402558742
/// generator.nextUnit()  // a Double in (0, 1), never 0 or 1
/// ```
struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Seeds the four state words with consecutive SplitMix64 outputs.
    init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    /// The generator for one (stream, substream) pair of a seed: trial `stream`, job `substream`.
    /// The three numbers are hashed with the SplitMix64 mixer, so neighbouring trials and jobs get
    /// unrelated states.
    init(seed: UInt64, stream: UInt64, substream: UInt64) {
        self.init(streamKey: Self.streamKey(seed: seed, stream: stream), substream: substream)
    }

    /// The hash of (seed, stream) that `init(seed:stream:substream:)` starts from, for callers
    /// that open many substreams of one stream.
    @inline(__always)
    static func streamKey(seed: UInt64, stream: UInt64) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(seed ^ 0x5EED_C057_51A1_0000) &+ stream &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The generator of `substream` of the stream whose `streamKey` is `key`.
    @inline(__always)
    init(streamKey key: UInt64, substream: UInt64) {
        self.init(seed: SplitMix64.mix(key ^ (substream &+ 1) &* 0xD1B5_4A32_D192_ED03))
    }

    /// Sets the raw state (for reference test vectors); at least one word must be non-zero.
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** must not start from the all-zero state")
        (s0, s1, s2, s3) = state
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = Self.rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotate(s3, 45)
        return result
    }

    /// A uniform Double strictly inside (0, 1): the top 52 bits, offset by half a step (exact in
    /// binary: (2⁵² − ½) / 2⁵² < 1), so that logarithms and inverse distribution functions never
    /// see 0 or 1.
    @inline(__always)
    mutating func nextUnit() -> Double {
        (Double(next() >> 12) + 0.5) * 0x1p-52
    }

    @inline(__always)
    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}

extension Xoshiro256StarStar {
    /// A standard normal draw by the ziggurat method (Marsaglia and Tsang, 2000; 256 layers):
    /// one 64-bit draw and a comparison in about 99 % of calls, exact in distribution (the
    /// wedges and the tail beyond r = 3.654 are sampled by rejection).
    ///
    /// - Complexity: O(1) expected; the loop is bounded (an exhausted bound, probability below
    ///   10⁻³⁰⁰, falls back to the inverse distribution function).
    @inline(__always)
    mutating func nextNormal() -> Double {
        let x = Ziggurat.edges, f = Ziggurat.heights
        for _ in 0..<256 {
            let bits = next()
            let layer = Int(truncatingIfNeeded: bits & 0xFF)
            let negative = bits & 0x100 != 0
            let value = Double(bits >> 12) * 0x1p-52 * x[layer]
            if value < x[layer + 1] { return negative ? -value : value }
            if layer == 0 {
                // The tail beyond r (Marsaglia 1964).
                var tail = 0.0
                for _ in 0..<1000 {
                    let a = -log(nextUnit()) / Ziggurat.r
                    let b = -log(nextUnit())
                    if b + b > a * a {
                        tail = Ziggurat.r + a
                        break
                    }
                }
                return negative ? -tail : tail
            }
            // The wedge between the layer's rectangle and the curve.
            let y = f[layer + 1] + nextUnit() * (f[layer] - f[layer + 1])
            if y < exp(-0.5 * value * value) { return negative ? -value : value }
        }
        return Special.normalQuantile(nextUnit())
    }
}

/// The ziggurat's tables for 256 layers of area v: layer edges x[0…256] (x[0] = v/f(r) for the
/// base layer, x[1] = r, x[256] = 0) and heights f(x) = exp(−x²/2) at each edge. Built once and
/// kept for the life of the process (read without reference counting on the hot path).
enum Ziggurat {
    static let r = 3.6541528853610088
    static let v = 0.00492867323399
    // Written once by the lazy initialiser, read-only afterwards: safe to share.
    nonisolated(unsafe) static let edges: UnsafePointer<Double> = {
        let x = UnsafeMutablePointer<Double>.allocate(capacity: 257)
        x[0] = v / exp(-0.5 * r * r)
        x[1] = r
        for index in 1..<255 {
            x[index + 1] = (-2 * log(v / x[index] + exp(-0.5 * x[index] * x[index]))).squareRoot()
        }
        x[256] = 0
        return UnsafePointer(x)
    }()
    nonisolated(unsafe) static let heights: UnsafePointer<Double> = {
        let f = UnsafeMutablePointer<Double>.allocate(capacity: 257)
        for index in 0...256 { f[index] = exp(-0.5 * edges[index] * edges[index]) }
        return UnsafePointer(f)
    }()
}
