import ArgumentParser
import CostModel
import Foundation
import Reports
import Simulation
import Workload

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Monte Carlo over months: cost percentiles, the chance of exceeding a budget, what drives the cost.",
        discussion: """
        Any numeric workload field may be a distribution ({dist: poisson, mean: 3},
        {dist: lognormal, median: 2, p95: 30}, ...) or a band ({low, typical, high}).
        Each trial draws a month: every job's runs, then the month's totals of steps,
        attempts and compute seconds, and prices it on every plan of every provider
        exactly as `compare` does. The report gives, per provider, the mean, p50, p90,
        p95, p99 and max monthly cost of its cheapest feasible plan, the share of
        months over --budget, how often each plan is the cheapest and how often each
        plan fails (e.g. a long-tail step over the platform's time limit).
        --sensitivity ranks the inputs that drive the cost (tornado). The same --seed
        gives the same bytes; a workload with fixed values gives exactly `compare`'s
        cost in every month. Progress shows on a terminal for long runs (stderr).

        Examples:
          costsim simulate Fixtures/saas-uncertain.yaml --trials 10000 --budget 500
          costsim simulate Fixtures/saas-uncertain.yaml --sensitivity --format json
        """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "workload"))
    var workload: String

    @Option(help: ArgumentHelp("Simulated months, 1 to 1,000,000.", valueName: "n"))
    var trials: Int = SimulationOptions.defaultTrials

    @Option(help: ArgumentHelp("Seed of the random streams (0 to 2^64 − 1): the same seed gives the same report.", valueName: "s"))
    var seed: UInt64 = SimulationOptions.defaultSeed

    @Option(help: ArgumentHelp("Report the share of months whose bill exceeds this amount, e.g. 500 or 1250.50.", valueName: "amount"))
    var budget: String?

    @Flag(help: "Rank the inputs that drive the cost: each at its p10 and p90, the others at their mean (tornado).")
    var sensitivity = false

    @OptionGroup var pricing: PricingOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...SimulationOptions.maxTrials).contains(trials) else {
            throw ValidationError("--trials must be between 1 and 1,000,000, found \(trials) (10,000 gives percentiles to within about 1 % of their rank)")
        }
        if let budget, BudgetCheck.parseAmount(budget) == nil {
            throw ValidationError("--budget: expected an amount of money such as 500 or 1250.50, found '\(budget)'")
        }
    }

    func run() throws {
        try runReporting {
            let workload = try loadWorkload(workload)
            let catalog = try pricing.loadCatalog()
            let options = SimulationOptions(trials: trials, seed: seed, budget: budget.flatMap(BudgetCheck.parseAmount),
                                            providers: selection.providers, platform: try selection.platformReference(),
                                            withPlatformCosts: selection.withPlatformCosts, sensitivity: sensitivity)
            let meter = ProgressMeter.forStandardError()
            var progress: (@Sendable (Int, Int) -> Void)?
            if let meter {
                progress = { done, total in meter.report(done, of: total) }
            }
            let result = try MonteCarlo.simulate(workload, catalog: catalog, options: options, progress: progress)
            meter?.finish()
            try output.emit(result.render(output.format))
        }
    }
}

/// Progress of a long run on a terminal: `simulating: 4,500 of 10,000 months (45 %)`, rewritten in
/// place on standard error. Silent unless standard error is a terminal, and for runs shorter than
/// half a second, so piped and captured output never contain it.
final class ProgressMeter: @unchecked Sendable {
    private let lock = NSLock()
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastShown: UInt64 = 0
    private var shown = false

    /// A meter when standard error is a terminal, else nil.
    static func forStandardError() -> ProgressMeter? {
        isatty(STDERR_FILENO) == 1 ? ProgressMeter() : nil
    }

    func report(_ done: Int, of total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - start > 500_000_000, now - lastShown > 100_000_000 || done == total else { return }
        lastShown = now
        shown = true
        let percent = total > 0 ? done * 100 / total : 100
        let text = "\rsimulating: \(NumberFormat.quantity(Decimal(done))) of \(NumberFormat.quantity(Decimal(total))) months (\(percent) %)"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Clears the progress line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
