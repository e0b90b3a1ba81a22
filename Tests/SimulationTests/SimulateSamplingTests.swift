import Foundation
import Testing
@testable import Simulation
@testable import Workload

/// One distribution under test, with what the workload file would say.
struct SamplingCase: Sendable, CustomTestStringConvertible {
    var name: String
    var spec: NumericSpec
    var floor: Double = 0
    var testDescription: String { name }

    static let all: [SamplingCase] = [
        SamplingCase(name: "uniform", spec: .distribution(.uniform(min: 2, max: 6))),
        SamplingCase(name: "normal", spec: .distribution(.normal(mean: 10, sd: 3))),
        SamplingCase(name: "normal truncated near 0", spec: .distribution(.normal(mean: 1, sd: 2))),
        SamplingCase(name: "lognormal", spec: .distribution(.lognormal(mu: Decimal(string: "0.693147")!, sigma: Decimal(string: "0.978")!))),
        SamplingCase(name: "poisson small", spec: .distribution(.poisson(mean: 3))),
        SamplingCase(name: "poisson large", spec: .distribution(.poisson(mean: 250))),
        SamplingCase(name: "poisson raised to 1 (steps_per_run)", spec: .distribution(.poisson(mean: Decimal(string: "1.5")!)), floor: 1),
        SamplingCase(name: "lognormal raised to 1", spec: .distribution(.lognormal(mu: 0, sigma: 1)), floor: 1),
        SamplingCase(name: "empirical", spec: .distribution(.empirical(values: [4, 5, 5, 5, 6, 8]))),
        SamplingCase(name: "histogram", spec: .distribution(.histogram(buckets: [.init(from: 0, to: 10, weight: 3), .init(from: 10, to: 30, weight: 1)]))),
        SamplingCase(name: "triangular band", spec: .band(low: 60, typical: 120, high: 300)),
    ]
}

@Suite("Simulation: sampling each distribution")
struct SimulateSamplingTests {
    static let draws = 20_000

    func sample(_ sampler: FieldSampler, seed: UInt64, count: Int = draws) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in sampler.draw(&generator) }
    }

    @Test("draws match the analytic distribution function (DKW bound for 20,000 draws)", arguments: SamplingCase.all)
    func distributionFunction(_ item: SamplingCase) {
        let sampler = FieldSampler(spec: item.spec, floor: item.floor)
        let values = sample(sampler, seed: 101)
        let distance = SimStats.ksDistance(values) { sampler.cdf($0) }
        #expect(distance <= SimStats.dkw(values.count), "seed 101: KS distance \(distance) > \(SimStats.dkw(values.count))")
        #expect(values.allSatisfy { $0 >= sampler.lowest && $0 <= sampler.highest })
    }

    @Test("sample means and variances match the computed moments (tolerance from the sample size)", arguments: SamplingCase.all)
    func moments(_ item: SamplingCase) {
        let sampler = FieldSampler(spec: item.spec, floor: item.floor)
        let values = sample(sampler, seed: 202)
        let n = Double(values.count)
        let mean = SimStats.mean(values)
        #expect(abs(mean - sampler.mean) <= SimStats.z * (sampler.variance / n).squareRoot(),
                "seed 202: sample mean \(mean), computed \(sampler.mean)")
        // Var(s²) ≈ (μ₄ − σ⁴)/n, with μ₄ estimated from the sample.
        let fourth = values.reduce(0) { $0 + pow($1 - mean, 4) } / n
        let variance = SimStats.variance(values)
        #expect(abs(variance - sampler.variance) <= SimStats.z * (Swift.max(0, fourth - variance * variance) / n).squareRoot() + 1e-12,
                "seed 202: sample variance \(variance), computed \(sampler.variance)")
    }

    @Test("sample quantiles match the analytic quantiles", arguments: SamplingCase.all)
    func quantiles(_ item: SamplingCase) {
        let sampler = FieldSampler(spec: item.spec, floor: item.floor)
        let sorted = sample(sampler, seed: 303).sorted()
        let n = sorted.count
        for p in [0.1, 0.5, 0.9, 0.95, 0.99] {
            let empirical = sorted[Swift.max(0, Int((p * Double(n)).rounded(.up)) - 1)]
            // The analytic distribution function at the sample quantile is within DKW of p
            // (a jump of a discrete distribution may straddle p: accept either side).
            let below = sampler.cdf(empirical.nextDown), at = sampler.cdf(empirical)
            let tolerance = SimStats.dkw(n) + 1 / Double(n)
            #expect(below <= p + tolerance && at >= p - tolerance, "seed 303, p \(p): F just below \(below), at \(at)")
            // And the quantile function agrees with the distribution function.
            let q = sampler.quantile(p)
            #expect(sampler.cdf(q) >= p - 1e-9 && sampler.cdf(q.nextDown) <= p + 1e-9, "quantile(\(p)) = \(q)")
        }
    }

    @Test("without a floor, the moments' mean is the file's expected value")
    func meansAgreeWithDistributionMean() {
        for item in SamplingCase.all where item.floor == 0 {
            guard case .distribution(let distribution) = item.spec else { continue }
            let sampler = FieldSampler(spec: item.spec)
            let expected = FieldSampler.double(distribution.mean)
            #expect(abs(sampler.mean - expected) <= 1e-6 * Swift.max(1, expected), "\(item.name): \(sampler.mean) vs \(expected)")
        }
        // A band is simulated as a triangle: its mean is (low + typical + high) / 3, not typical.
        #expect(abs(FieldSampler(spec: .band(low: 60, typical: 120, high: 300)).mean - 160) < 1e-9)
    }

    @Test("a floor raises draws and their mean: Poisson(1.5) steps per run average 1.5 + e^-1.5")
    func floorRaisesMean() {
        let sampler = FieldSampler(spec: .distribution(.poisson(mean: Decimal(string: "1.5")!)), floor: 1)
        #expect(abs(sampler.mean - (1.5 + exp(-1.5))) < 1e-12)
        #expect(sampler.lowest == 1)
    }

    @Test("degenerate distributions are constants: fixed, min = max, one value, Poisson 0")
    func constants() {
        for spec: NumericSpec in [.fixed(7), .distribution(.uniform(min: 7, max: 7)), .distribution(.empirical(values: [7, 7])),
                                  .band(low: 7, typical: 7, high: 7)] {
            let sampler = FieldSampler(spec: spec)
            #expect(sampler.constantValue == 7)
            var generator = Xoshiro256StarStar(seed: 1)
            #expect(sampler.sum(count: 30.5, using: &generator) == 213.5)
            #expect(sampler.maximum(count: 1_000_000, using: &generator) == 7)
        }
        #expect(FieldSampler(spec: .distribution(.poisson(mean: 0))).constantValue == 0)
    }

    @Test("Poisson draws are exact across both samplers (inversion below 12, PTRS above)", arguments: [Decimal(3), Decimal(11), Decimal(12), Decimal(40), Decimal(1_000)])
    func poissonSampler(_ lambda: Decimal) {
        let sampler = FieldSampler(spec: .distribution(.poisson(mean: lambda)))
        let values = sample(sampler, seed: 404)
        let distance = SimStats.ksDistance(values) { sampler.cdf($0) }
        #expect(distance <= SimStats.dkw(values.count), "seed 404, λ \(lambda): KS \(distance)")
        let mean = SimStats.mean(values), l = FieldSampler.double(lambda)
        #expect(abs(mean - l) <= SimStats.z * (l / Double(values.count)).squareRoot())
        #expect(abs(SimStats.variance(values) - l) <= SimStats.z * l * (2 / Double(values.count)).squareRoot() + SimStats.z * (l / Double(values.count)).squareRoot())
    }
}

@Suite("Simulation: monthly totals sampled directly, checked against one draw per run")
struct SimulateSumTests {
    /// Sums of `count` draws: the shortcut versus drawing every run, `trials` times each.
    func compare(_ sampler: FieldSampler, count: Double, trials: Int, seed: UInt64) -> (fast: [Double], brute: [Double]) {
        var fast = Xoshiro256StarStar(seed: seed, stream: 1, substream: 0)
        var brute = Xoshiro256StarStar(seed: seed, stream: 2, substream: 0)
        let whole = Int(count)
        let fraction = count - Double(whole)
        let shortcut = (0..<trials).map { _ in sampler.sum(count: count, using: &fast) }
        let reference = (0..<trials).map { _ -> Double in
            var total = 0.0
            for _ in 0..<whole { total += sampler.draw(&brute) }
            if fraction > 0 { total += fraction * sampler.draw(&brute) }
            return total
        }
        return (shortcut, reference)
    }

    static let cases: [(String, NumericSpec, Double)] = [
        ("uniform", .distribution(.uniform(min: 2, max: 6)), 0),
        ("lognormal", .distribution(.lognormal(mu: Decimal(string: "0.693147")!, sigma: Decimal(string: "0.5")!)), 0),
        ("poisson raised to 1", .distribution(.poisson(mean: 3)), 1),
        ("empirical", .distribution(.empirical(values: [4, 5, 5, 5, 6, 8])), 0),
        ("triangular band", .band(low: 1, typical: 2, high: 9), 0),
    ]

    @Test("the shortcut's sums have the distribution of per-run sums, within sampling noise plus the stated bound",
          arguments: [40.0, 300.5, 2_500])
    func sumsMatchPerRunDraws(_ count: Double) {
        let trials = 2_000
        for (name, spec, floor) in Self.cases {
            let sampler = FieldSampler(spec: spec, floor: floor)
            let method = sampler.sumMethod(whole: count.rounded(.down))
            let bound = method == .normal ? sampler.normalBound(count: count.rounded(.down)) : 0
            let (fast, brute) = compare(sampler, count: count, trials: trials, seed: 505)
            let distance = SimStats.ksDistance(fast, brute)
            let tolerance = SimStats.twoSample(trials, trials) + 2 * bound
            #expect(distance <= tolerance, "\(name), \(count) runs (\(method)): KS \(distance) > \(tolerance), seed 505")
            // Both have mean count × mean; the standard error of a mean of `trials` sums.
            let standardError = (count * sampler.variance / Double(trials)).squareRoot()
            #expect(abs(SimStats.mean(fast) - count * sampler.mean) <= SimStats.z * standardError + 1e-9,
                    "\(name), \(count) runs: shortcut mean \(SimStats.mean(fast)) vs \(count * sampler.mean)")
        }
    }

    @Test("which method sums how many draws, and the error bound shrinks as 1/√n")
    func methods() {
        let uniform = FieldSampler(spec: .distribution(.uniform(min: 2, max: 6)))
        #expect(uniform.sumMethod(whole: 64) == .exact)
        #expect(uniform.sumMethod(whole: 2_000) == .normal)
        #expect(FieldSampler(spec: .distribution(.poisson(mean: 3))).sumMethod(whole: 1_000_000) == .poisson)
        #expect(FieldSampler(spec: .distribution(.poisson(mean: 3)), floor: 1).sumMethod(whole: 1_000_000) == .normal)
        // Uniform: ρ/σ³ = 12^1.5/32 ≈ 1.299, so the bound at 10⁶ draws is 0.4748 × 1.299 / 1000.
        #expect(abs(uniform.normalBound(count: 1_000_000) - 0.4748 * pow(12, 1.5) / 32 / 1_000) < 1e-6)
        #expect(abs(uniform.normalBound(count: 4_000_000) * 2 - uniform.normalBound(count: 1_000_000)) < 1e-12)
        // A heavy tail keeps exact draws longer (its bound at 1,024 draws is above 0.05).
        let heavy = FieldSampler(spec: .distribution(.lognormal(mu: 0, sigma: Decimal(string: "1.6")!)))
        #expect(heavy.sumMethod(whole: 1_000) == .exact)
        #expect(heavy.sumMethod(whole: 1_025) == .normal)
    }

    @Test("a Poisson sum is one exact Poisson draw: same distribution as per-run draws")
    func poissonSums() {
        let sampler = FieldSampler(spec: .distribution(.poisson(mean: Decimal(string: "2.5")!)))
        let (fast, brute) = compare(sampler, count: 800, trials: 2_000, seed: 606)
        #expect(SimStats.ksDistance(fast, brute) <= SimStats.twoSample(2_000, 2_000), "seed 606")
    }

    @Test("the month's maximum (one draw of F⁻¹(U^(1/n))) matches the largest of n draws",
          arguments: [("lognormal", NumericSpec.distribution(.lognormal(mu: Decimal(string: "2.484907")!, sigma: Decimal(string: "0.978")!)), 0.0),
                      ("poisson raised to 1", NumericSpec.distribution(.poisson(mean: 3)), 1.0),
                      ("histogram", NumericSpec.distribution(.histogram(buckets: [.init(from: 0, to: 10, weight: 3), .init(from: 10, to: 30, weight: 1)])), 0.0),
                      ("triangular", NumericSpec.band(low: 1, typical: 2, high: 9), 0.0)])
    func maxima(_ item: (String, NumericSpec, Double)) {
        let sampler = FieldSampler(spec: item.1, floor: item.2)
        let trials = 2_000, count = 500
        var fast = Xoshiro256StarStar(seed: 707, stream: 1, substream: 0)
        var brute = Xoshiro256StarStar(seed: 707, stream: 2, substream: 0)
        let shortcut = (0..<trials).map { _ in sampler.maximum(count: Double(count), using: &fast) }
        let reference = (0..<trials).map { _ in (0..<count).map { _ in sampler.draw(&brute) }.max() ?? 0 }
        let distance = SimStats.ksDistance(shortcut, reference)
        #expect(distance <= SimStats.twoSample(trials, trials), "\(item.0): KS \(distance), seed 707")
    }

    @Test("the maximum's tail is exact far out: P(max of n > x) = 1 − F(x)^n")
    func maximumTail() {
        // Lognormal steps, 3,000,000 a month, limit 800 s: the exceedance probability is analytic.
        let sampler = FieldSampler(spec: .distribution(.lognormal(mu: Decimal(string: "0.693147")!, sigma: Decimal(string: "1.2")!)))
        let n = 3_000_000.0, limit = 800.0
        let expected = -expm1(n * log1p(-sampler.survival(limit)))
        var generator = Xoshiro256StarStar(seed: 808)
        let trials = 20_000
        let over = (0..<trials).filter { _ in sampler.maximum(count: n, using: &generator) > limit }.count
        let share = Double(over) / Double(trials)
        #expect(abs(share - expected) <= SimStats.z * (expected * (1 - expected) / Double(trials)).squareRoot(),
                "seed 808: share \(share), expected \(expected)")
    }
}
