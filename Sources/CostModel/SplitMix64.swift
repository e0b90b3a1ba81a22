import Foundation

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny generator used to seed others and to hash
/// stream identifiers into well-mixed seeds: the simulation's, and every seeded test and
/// benchmark generator (each module adds its own draws in an extension).
///
/// ```swift
/// var generator = SplitMix64(seed: 1234567)
/// generator.next()  // 6457827717110365317 (the reference implementation's first output)
/// ```
package struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state: advanced by the golden-ratio increment on every call.
    package private(set) var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A uniform Double strictly inside (0, 1), as `Xoshiro256StarStar.nextUnit()`.
    package mutating func nextUnit() -> Double {
        (Double(next() >> 12) + 0.5) * 0x1p-52
    }

    /// The SplitMix64 output function: a bijective 64-bit mixer (every input bit affects every
    /// output bit), used to hash stream identifiers.
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
