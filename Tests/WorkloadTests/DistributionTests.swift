import CostModel
import Foundation
import Testing
@testable import Workload

private typealias F = WorkloadFixture

@Suite("Distributions and bands: parsing and expected values")
struct DistributionTests {
    // MARK: Expected values of the enum itself

    @Test("uniform mean is the midpoint")
    func uniformMean() {
        #expect(Distribution.uniform(min: 1, max: 5).mean == 3)
        #expect(Distribution.uniform(min: F.d("0.5"), max: F.d("0.75")).mean == F.d("0.625"))
        #expect(Distribution.uniform(min: 7, max: 7).mean == 7)
    }

    @Test("poisson mean is its parameter")
    func poissonMean() {
        #expect(Distribution.poisson(mean: 3).mean == 3)
        #expect(Distribution.poisson(mean: F.d("2.5")).mean == F.d("2.5"))
    }

    @Test("empirical mean is the average of the observations")
    func empiricalMean() {
        #expect(Distribution.empirical(values: [2, 3, 3, 5]).mean == F.d("3.25"))
        #expect(Distribution.empirical(values: [10]).mean == 10)
    }

    @Test("histogram mean weights each bucket's midpoint")
    func histogramMean() {
        let buckets = [Distribution.Bucket(from: 0, to: 10, weight: 3), Distribution.Bucket(from: 10, to: 30, weight: 1)]
        #expect(Distribution.histogram(buckets: buckets).mean == F.d("8.75"))
    }

    @Test("triangular mean is (low + mode + high) / 3")
    func triangularMean() {
        #expect(Distribution.triangular(low: 1, mode: 3, high: 8).mean == 4)
    }

    @Test("lognormal mean is exp(mu + sigma²/2), rounded to 6 places")
    func lognormalMean() {
        let mean = Distribution.lognormal(mu: 1, sigma: F.d("0.5")).mean
        #expect(mean == F.d("3.080217"))
        #expect(abs(F.double(mean) - exp(1.125)) < 1e-6)
    }

    @Test("normal mean is truncated at zero: above the parameter, far from zero almost equal")
    func normalMean() {
        let far = Distribution.normal(mean: 10, sd: 2).mean
        #expect(F.close(far, 10, within: F.d("0.00001")))
        #expect(far >= 10)
        // Truncating N(0, 1) at 0 gives the half-normal mean sqrt(2/pi) = 0.797885.
        #expect(Distribution.normal(mean: 0, sd: 1).mean == F.d("0.797885"))
    }

    @Test("means of 10^12 and more stay what they are (not 0)")
    func largeMeans() {
        let normal = Distribution.normal(mean: 10_000_000_000_000, sd: 1).mean
        #expect(F.close(normal, 10_000_000_000_000, within: 1), "normal mean \(normal)")
        let lognormal = Distribution.lognormal(mu: 30, sigma: 1).mean     // exp(30.5) ≈ 1.75 × 10^13
        #expect(F.close(lognormal, Decimal(exp(30.5)), within: 100), "lognormal mean \(lognormal)")
    }

    @Test("a lognormal runs_per_month whose mean is ≥ 10^12 is not silently zero")
    func largeLognormalRuns() throws {
        let job = try F.parse(F.oneJob("runs_per_month: {dist: lognormal, median: 1000000, p95: 10000000000}\nstep_seconds: 1")).jobs[0]
        #expect(job.runsPerMonth > 1_000_000, "runs \(job.runsPerMonth)")
    }

    @Test("means just below 10^12 are still exact to 6 places")
    func meansBelowTheLimit() {
        #expect(Distribution.normal(mean: 100_000_000_000, sd: 1).mean == 100_000_000_000)
    }

    @Test("minimum is the lowest value a distribution can take")
    func minimums() {
        #expect(Distribution.uniform(min: 2, max: 5).minimum == 2)
        #expect(Distribution.poisson(mean: 3).minimum == 0)
        #expect(Distribution.lognormal(mu: 0, sigma: 1).minimum == 0)
        #expect(Distribution.empirical(values: [4, 2, 9]).minimum == 2)
        #expect(Distribution.histogram(buckets: [.init(from: 5, to: 6, weight: 1), .init(from: 1, to: 2, weight: 1)]).minimum == 1)
        #expect(Distribution.triangular(low: 1, mode: 2, high: 3).minimum == 1)
    }

    @Test("NumericSpec: fixed, distribution mean, band typical")
    func numericSpec() {
        #expect(NumericSpec.fixed(5).expected == 5)
        #expect(!NumericSpec.fixed(5).isUncertain)
        #expect(NumericSpec.distribution(.uniform(min: 2, max: 4)).expected == 3)
        #expect(NumericSpec.distribution(.uniform(min: 2, max: 4)).isUncertain)
        #expect(NumericSpec.band(low: 1, typical: 3, high: 8).expected == 3)
        #expect(NumericSpec.band(low: 1, typical: 3, high: 8).isUncertain)
    }

    // MARK: Parsing

    @Test("uniform parses and the field takes its mean")
    func parseUniform() throws {
        let job = try F.parse(F.oneJob("runs_per_month: 10\nsteps_per_run: {dist: uniform, min: 2, max: 6}\nstep_seconds: 1")).jobs[0]
        #expect(job.stepsPerRun == 4)
        #expect(job.specs["steps_per_run"] == .distribution(.uniform(min: 2, max: 6)))
        #expect(job.specs.count == 1)
    }

    @Test("poisson parses for a volume and the runs are its mean")
    func parsePoisson() throws {
        let job = try F.parse(F.oneJob("runs_per_month: {dist: poisson, mean: 1000}\nstep_seconds: 1")).jobs[0]
        #expect(job.runsPerMonth == 1000)
        #expect(job.volume == .perMonth(1000))
        #expect(job.specs["runs_per_month"] == .distribution(.poisson(mean: 1000)))
    }

    @Test("a runs_per_day distribution is scaled by 730/24 after taking its mean")
    func parsePerDayDistribution() throws {
        let job = try F.parse(F.oneJob("runs_per_day: {dist: uniform, min: 100, max: 140}\nstep_seconds: 1")).jobs[0]
        #expect(job.runsPerMonth == 3650)
        #expect(job.specs["runs_per_day"] == .distribution(.uniform(min: 100, max: 140)))
    }

    @Test("empirical values parse and the field takes their average")
    func parseEmpiricalValues() throws {
        let job = try F.parse(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: empirical, values: [2, 3, 3, 5]}")).jobs[0]
        #expect(job.stepSeconds == F.d("3.25"))
        #expect(job.maxStepSeconds == F.d("3.25"))
        #expect(job.specs["step_seconds"] == .distribution(.empirical(values: [2, 3, 3, 5])))
    }

    @Test("empirical buckets parse as a histogram and the field takes its weighted mean")
    func parseHistogram() throws {
        let text = F.oneJob("runs_per_month: 10\nstep_seconds: {dist: empirical, buckets: [{from: 0, to: 10, weight: 3}, {from: 10, to: 30, weight: 1}]}")
        let job = try F.parse(text).jobs[0]
        #expect(job.stepSeconds == F.d("8.75"))
        #expect(job.specs["step_seconds"] == .distribution(.histogram(buckets: [
            .init(from: 0, to: 10, weight: 3), .init(from: 10, to: 30, weight: 1),
        ])))
    }

    @Test("a band parses and deterministic commands use typical")
    func parseBand() throws {
        let job = try F.parse(F.oneJob("runs_per_month: {low: 1000, typical: 3000, high: 8000}\nstep_seconds: 1")).jobs[0]
        #expect(job.runsPerMonth == 3000)
        #expect(job.specs["runs_per_month"] == .band(low: 1000, typical: 3000, high: 8000))
    }

    @Test("{dist: fixed} is a certain value, as if the number were written")
    func parseFixed() throws {
        let job = try F.parse(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: fixed, value: 7}")).jobs[0]
        #expect(job.stepSeconds == 7)
        #expect(job.specs["step_seconds"] == nil, "not uncertain: simulate and workload validate treat it as fixed")
        let plain = try F.parse(F.oneJob("runs_per_month: 10\nstep_seconds: 7")).jobs[0]
        #expect(job == plain)
    }

    @Test("normal parses with mean and sd")
    func parseNormal() throws {
        let job = try F.parse(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: normal, mean: 10, sd: 2}")).jobs[0]
        #expect(job.specs["step_seconds"] == .distribution(.normal(mean: 10, sd: 2)))
        #expect(F.close(try #require(job.stepSeconds), 10, within: F.d("0.00001")))
    }

    @Test("lognormal by median and p95: mean ≈ exp(mu + σ²/2) with mu = ln median, σ = ln(p95/median)/1.645")
    func parseLognormalMedianP95() throws {
        let job = try F.parse(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: lognormal, median: 2, p95: 30}")).jobs[0]
        let mu = log(2.0)
        let sigma = (log(30.0) - mu) / 1.6448536269514722
        let expected = exp(mu + sigma * sigma / 2)
        let mean = F.double(try #require(job.stepSeconds))
        #expect(abs(mean - expected) / expected < 1e-5, "mean \(mean), expected ≈ \(expected)")
        guard case .distribution(.lognormal(let parsedMu, let parsedSigma)) = job.specs["step_seconds"] else {
            Issue.record("expected a lognormal spec, found \(String(describing: job.specs["step_seconds"]))")
            return
        }
        #expect(parsedMu == F.d("0.693147"))
        #expect(abs(F.double(parsedSigma) - sigma) < 1e-6)
    }

    @Test("lognormal by mu and sigma")
    func parseLognormalMuSigma() throws {
        let job = try F.parse(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: lognormal, mu: 1, sigma: 0.5}")).jobs[0]
        #expect(job.stepSeconds == F.d("3.080217"))
        #expect(job.specs["step_seconds"] == .distribution(.lognormal(mu: 1, sigma: F.d("0.5"))))
    }

    @Test("a distribution that can draw 0 is accepted for steps_per_run when its mean is at least 1")
    func poissonStepsAccepted() throws {
        let job = try F.parse(F.oneJob("runs_per_month: 10\nsteps_per_run: {dist: poisson, mean: 3}\nstep_seconds: 1")).jobs[0]
        #expect(job.stepsPerRun == 3)
        #expect(job.specs["steps_per_run"] == .distribution(.poisson(mean: 3)))
    }

    @Test("a distribution whose mean is below the field's minimum is refused (steps_per_run: minimum 1)")
    func poissonStepsMeanBelowMinimumRefused() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nsteps_per_run: {dist: poisson, mean: 0.5}\nstep_seconds: 1")) == [
            "w.yaml:6:20: jobs[0].steps_per_run: the distribution's mean (0.5) is below the minimum 1",
        ])
    }

    @Test("a distribution whose mean is above 10^15 is refused as implausible")
    func implausiblyLargeMean() {
        // Every parameter is small, but the mean exp(35.5) is ≈ 2.6 × 10^15.
        #expect(F.messages(F.oneJob("runs_per_month: {dist: lognormal, mu: 35, sigma: 1}\nstep_seconds: 1")) == [
            "w.yaml:5:21: jobs[0].runs_per_month: the distribution's mean is implausibly large (above 10^15)\n  hint: check its parameters",
        ])
    }

    @Test("lognormal with both median/p95 and mu/sigma is refused")
    func lognormalBothParameterisations() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: lognormal, median: 2, p95: 8, mu: 1, sigma: 0.5}")) == [
            "w.yaml:6:19: jobs[0].step_seconds: give median and p95, or mu and sigma, not both\n  hint: median/p95 describe the same distribution as mu/sigma",
        ])
    }

    @Test("a band for steps_per_run whose low is at least 1 is fine")
    func bandSteps() throws {
        let job = try F.parse(F.oneJob("runs_per_month: 10\nsteps_per_run: {low: 2, typical: 3, high: 8}\nstep_seconds: 1")).jobs[0]
        #expect(job.stepsPerRun == 3)
    }
}
