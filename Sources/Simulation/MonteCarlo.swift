import CostModel
import Foundation
import Workload

/// What `costsim simulate` is asked to do.
public struct SimulationOptions: Sendable, Equatable {
    /// Simulated months, 1…`maxTrials`.
    public var trials: Int
    /// The seed of every random stream: the same seed gives the same result, byte for byte.
    public var seed: UInt64
    /// Report the share of months whose bill exceeds this.
    public var budget: Decimal?
    /// Provider ids to keep; empty keeps all.
    public var providers: [String]
    /// Overrides the workload's `platform:`.
    public var platform: PlatformReference?
    /// Adds the platform plan's own usage charges to providers running in its functions.
    public var withPlatformCosts: Bool
    /// Rank the inputs driving the cost (tornado).
    public var sensitivity: Bool

    /// The most trials a run may ask for: 10⁶ months give every percentile to within about
    /// 0.1 % of its rank; more would only take longer (and hold a cost per trial in memory).
    public static let maxTrials = 1_000_000
    /// Trials when none are given: percentiles to within about 1 % of their rank.
    public static let defaultTrials = 10_000
    /// The most monthly input values `sensitivity` keeps (trials × uncertain inputs): 160 MB.
    public static let maxRecordedValues = 20_000_000
    /// The seed when none is given, so that a run without `--seed` is reproducible too.
    public static let defaultSeed: UInt64 = 1

    /// `SimulationOptions(trials: 10_000, seed: 7, budget: 500)`.
    public init(trials: Int = SimulationOptions.defaultTrials, seed: UInt64 = SimulationOptions.defaultSeed,
                budget: Decimal? = nil, providers: [String] = [], platform: PlatformReference? = nil,
                withPlatformCosts: Bool = false, sensitivity: Bool = false) {
        self.trials = trials
        self.seed = seed
        self.budget = budget
        self.providers = providers
        self.platform = platform
        self.withPlatformCosts = withPlatformCosts
        self.sensitivity = sensitivity
    }
}

/// Monte Carlo over months (SPEC §6 `simulate`): each trial draws every uncertain job's month
/// (its runs, then its monthly totals of steps, attempts and compute seconds, straight from their
/// distributions), prices the month on every plan of every provider with the cost engine's exact
/// semantics, and keeps each provider's cheapest feasible plan.
///
/// ```swift
/// let result = try MonteCarlo.simulate(workload, catalog: catalog, options: SimulationOptions(trials: 10_000, seed: 7))
/// result.providers[0].cost?.p95   // the 95th-percentile monthly cost, exact
/// ```
///
/// Quantities are sampled in binary floating point, then each job's monthly quantity becomes a
/// whole number of millionths (sampled values × 10⁶ rounded to nearest, ties to even, in IEEE 754
/// double arithmetic; fixed jobs' exact quantities rounded to 6 decimals, half away from zero)
/// and is summed exactly; money is computed from those exact totals with exact arithmetic only
/// (`Decimal`, or the equivalent fixed point of `ScaledPricer`). A workload with no uncertain
/// field keeps the engine's own totals, so it costs, in every trial, exactly what `compare`
/// computes.
public enum MonteCarlo {
    /// Runs the simulation.
    ///
    /// - Parameter progress: called with (trials done, trials) as chunks complete, from any thread.
    /// - Throws: `CostsimError.usage` for bad options (exit 64), `.input` for a workload that
    ///   cannot be simulated (exit 65).
    /// - Complexity: O(trials × (uncertain jobs + providers × plans × meters)), on all cores.
    public static func simulate(_ workload: Workload, catalog: Catalog, options: SimulationOptions,
                                progress: (@Sendable (Int, Int) -> Void)? = nil) throws(CostsimError) -> SimulationResult {
        guard options.trials >= 1 else {
            throw .usage("--trials must be at least 1, found \(options.trials)", hint: "e.g. --trials 10000")
        }
        guard options.trials <= SimulationOptions.maxTrials else {
            throw .usage("--trials \(options.trials) is above the limit of \(NumberFormat.quantity(Decimal(SimulationOptions.maxTrials)))",
                         hint: "10,000 trials give percentiles to within about 1 % of their rank; 1,000,000 is the most costsim runs")
        }
        let expected = try Comparison.compare(workload, catalog: catalog, providers: options.providers, platform: options.platform,
                                              withPlatformCosts: options.withPlatformCosts)
        let files = expected.providers.compactMap { catalog.file($0.provider) }
        let simulator = try Simulator(workload: workload, providers: files, platform: expected.platform,
                                      withPlatformCosts: options.withPlatformCosts, seed: options.seed, recordInputs: options.sensitivity)
        if options.sensitivity && options.trials * simulator.inputs.count > SimulationOptions.maxRecordedValues {
            throw .usage("--sensitivity keeps every input's value for every month: \(options.trials) trials × \(simulator.inputs.count) uncertain inputs is above \(NumberFormat.quantity(Decimal(SimulationOptions.maxRecordedValues))) values",
                         hint: "use at most \(SimulationOptions.maxRecordedValues / Swift.max(1, simulator.inputs.count)) trials with --sensitivity (10,000 rank inputs well)")
        }
        let run = simulator.run(trials: options.trials, progress: progress)
        let providers = simulator.summarise(run, trials: options.trials, budget: options.budget)
        var notes = expected.notes
        if workload.jobs.contains(where: { job in job.specs.values.contains { if case .band = $0 { return true } else { return false } } }) {
            notes.append("bands {low, typical, high} are simulated as triangular distributions (mean (low + typical + high) / 3); compare prices their typical value")
        }
        if simulator.sampled.isEmpty {
            notes.append("no field is uncertain: every month costs exactly what `compare` computes")
        }
        let summary = simulator.samplingSummary()
        if summary.approximatedTotals > 0 {
            notes.append("\(summary.approximatedTotals) monthly total\(summary.approximatedTotals == 1 ? " was" : "s were") sampled from the normal approximation of a sum of many runs; each one's distribution function is within \(NumberFormat.plain(summary.largestBound)) of the exact one (Berry–Esseen bound\(summary.largestBoundInput.map { ", largest for \($0)" } ?? ""))")
        }
        var sensitivity: SensitivityAnalysis?
        if options.sensitivity {
            sensitivity = try Sensitivity.tornado(workload: workload, inputs: simulator.inputs, samplers: simulator.sampled,
                                                  values: run.inputValues, costRanks: simulator.costRanks(run), chosen: run.chosen,
                                                  providers: files, platform: expected.platform, withPlatformCosts: options.withPlatformCosts)
        }
        return SimulationResult(workload: workload, catalog: catalog, platform: expected.platform, trials: options.trials, seed: options.seed,
                                budget: options.budget, providers: providers, inputs: simulator.inputs, approximation: summary,
                                expected: expected, notes: notes, sensitivity: sensitivity)
    }
}

