import CostModel
import Foundation
import Testing
@testable import Simulation

/// Statistical tolerances derived from the sample size, shared by the simulation test files.
enum SimStats {
    /// The z-score for a two-sided false-failure probability of about 6 × 10⁻⁷ per check.
    static let z = 5.0
    /// The failure probability the distribution-function checks allow.
    static let alpha = 1e-6

    /// DKW: with probability ≥ 1 − α, sup |F_n − F| ≤ √(ln(2/α) / 2n) (Massart's constant).
    static func dkw(_ n: Int) -> Double {
        (log(2 / alpha) / (2 * Double(n))).squareRoot()
    }

    /// Two-sample Kolmogorov–Smirnov critical value at level α for samples of n and m.
    static func twoSample(_ n: Int, _ m: Int) -> Double {
        (-log(alpha / 2) / 2).squareRoot() * (Double(n + m) / Double(n * m)).squareRoot()
    }

    /// sup over x of |F_n(x) − F(x)| for a sample against an analytic distribution function,
    /// checking both sides of every jump.
    static func ksDistance(_ sample: [Double], _ cdf: (Double) -> Double) -> Double {
        let sorted = sample.sorted()
        let n = Double(sorted.count)
        var distance = 0.0
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count && sorted[end + 1] == sorted[index] { end += 1 }
            // F_n jumps at a sample value: compare it after the jump with F, before with F's left limit.
            distance = Swift.max(distance, abs(Double(end + 1) / n - cdf(sorted[index])), abs(Double(index) / n - cdf(sorted[index].nextDown)))
            index = end + 1
        }
        return distance
    }

    /// Two-sample KS statistic.
    static func ksDistance(_ a: [Double], _ b: [Double]) -> Double {
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, distance = 0.0
        while i < x.count && j < y.count {
            let value = Swift.min(x[i], y[j])
            while i < x.count && x[i] <= value { i += 1 }
            while j < y.count && y[j] <= value { j += 1 }
            distance = Swift.max(distance, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        return distance
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    static func variance(_ values: [Double]) -> Double {
        let m = mean(values)
        return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    }
}

@Suite("Simulation: random number generators")
struct SimulateRandomTests {
    @Test("SplitMix64 matches the reference implementation")
    func splitMixReference() {
        var generator = SplitMix64(seed: 1234567)
        let values = (0..<5).map { _ in generator.next() }
        #expect(values == [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821])
    }

    @Test("xoshiro256** matches the reference implementation from a raw state and a SplitMix seed")
    func xoshiroReference() {
        var raw = Xoshiro256StarStar(state: (1, 2, 3, 4))
        #expect((0..<6).map { _ in raw.next() }
                == [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600])
        var seeded = Xoshiro256StarStar(seed: 42)
        #expect((0..<3).map { _ in seeded.next() } == [1546998764402558742, 6990951692964543102, 12544586762248559009])
    }

    @Test("streams depend only on (seed, trial, job), and neighbours differ")
    func streams() {
        func first(_ seed: UInt64, _ stream: UInt64, _ substream: UInt64) -> UInt64 {
            var generator = Xoshiro256StarStar(seed: seed, stream: stream, substream: substream)
            return generator.next()
        }
        #expect(first(7, 3, 2) == first(7, 3, 2))
        let neighbours = [first(7, 3, 2), first(7, 3, 3), first(7, 4, 2), first(8, 3, 2), first(7, 2, 3)]
        #expect(Set(neighbours).count == neighbours.count)
    }

    @Test("uniforms stay strictly inside (0, 1) and are uniform")
    func uniforms() {
        var generator = Xoshiro256StarStar(seed: 11)
        let n = 20_000
        let values = (0..<n).map { _ in generator.nextUnit() }
        #expect(values.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(SimStats.ksDistance(values) { Swift.min(1, Swift.max(0, $0)) } <= SimStats.dkw(n))
        // The extreme raw values map inside the interval too.
        #expect((Double(UInt64.max >> 12) + 0.5) * 0x1p-52 < 1)
        #expect(0.5 * 0x1p-52 > 0)
    }

    @Test("the ziggurat's layers close: the top layer has the area of the others")
    func zigguratTables() {
        let x = Ziggurat.edges, f = Ziggurat.heights
        #expect(x[1] == Ziggurat.r && x[256] == 0)
        let top = x[255] * (1 - f[255])
        #expect(abs(top - Ziggurat.v) / Ziggurat.v < 1e-8, "top layer area \(top), expected \(Ziggurat.v)")
        for index in 1..<256 { #expect(x[index + 1] < x[index]) }
    }

    @Test("ziggurat normals have mean 0, variance 1 and the normal distribution function")
    func zigguratNormals() {
        var generator = Xoshiro256StarStar(seed: 2024)
        let n = 50_000
        let values = (0..<n).map { _ in generator.nextNormal() }
        #expect(abs(SimStats.mean(values)) <= SimStats.z / Double(n).squareRoot(), "seed 2024")
        // Var of the sample variance of normals is 2σ⁴/(n−1).
        #expect(abs(SimStats.variance(values) - 1) <= SimStats.z * (2 / Double(n - 1)).squareRoot(), "seed 2024")
        #expect(SimStats.ksDistance(values, Special.normalCDF) <= SimStats.dkw(n), "seed 2024")
        // The tail beyond r is reached and sampled: P(|Z| > 3.654) ≈ 2.6e-4, so about 13 of 50,000.
        #expect(values.contains { abs($0) > Ziggurat.r })
    }

    @Test("the normal quantile inverts the distribution function, in both tails", arguments: [1e-300, 1e-30, 1e-10, 0.001, 0.02425, 0.3, 0.5, 0.7, 0.975, 0.999999])
    func normalQuantile(_ p: Double) {
        let z = Special.normalQuantile(p)
        let back = Special.normalCDF(z)
        #expect(abs(back - p) <= 1e-13 * Swift.max(p, 1e-300) + 1e-16, "p \(p): z \(z), Φ(z) \(back)")
        #expect(abs(Special.normalQuantile(0.975) - 1.959963984540054) < 1e-14)
        #expect(abs(Special.normalQuantile(0.95) - 1.6448536269514722) < 1e-14)
    }
}
