import ArgumentParser
import CostModel
import Foundation
import Reports
import Simulation
import Workload

extension WorkloadAxis: ExpressibleByArgument {}

/// Options shared by `breakeven` and `sweep`: the axis, the job, the options compared, the
/// platform and the chart.
struct AxisOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        The workload field to vary: runs (runs_per_month), steps (steps_per_run), duration \
        (step_seconds, or run_seconds), memory (memory_mb) or scale (multiplies runs).
        """, valueName: "axis"))
    var axis: WorkloadAxis

    @Option(help: ArgumentHelp("Vary only this job (default: every job).", valueName: "name"))
    var job: String?

    @Option(name: [.customLong("option"), .customLong("provider")], help: ArgumentHelp(
        "An option to compare (repeatable): a provider at its cheapest feasible plan (inngest) or one plan (inngest/startup). Default: every provider.",
        valueName: "option"))
    var options: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Compare exactly these two options, e.g. --between inngest/startup trigger-dev/startup.",
                                                         valueName: "option"))
    var between: [String] = []

    @Option(help: ArgumentHelp("Platform plan for providers whose steps run in your functions, e.g. vercel/hobby; overrides the workload's `platform:`.", valueName: "provider/plan"))
    var platform: String?

    @Flag(help: "Add the platform plan's own usage charges (e.g. Vercel invocations, GB-hours) to providers whose steps run in your functions.")
    var withPlatformCosts = false

    @Option(help: ArgumentHelp("Also draw the cost curves as an SVG chart to this file; '-' writes the chart to standard output instead of the report (which then goes only to --out-file, if given).", valueName: "file.svg"))
    var chart: String?

    func validate() throws {
        if !between.isEmpty && between.count != 2 {
            throw ValidationError("--between takes exactly two options (provider or provider/plan), found \(between.count): \(between.joined(separator: " "))")
        }
        if !between.isEmpty && !options.isEmpty {
            throw ValidationError("give either --between A B or --option/--provider, not both")
        }
        if let chart, chart.isEmpty { throw ValidationError("--chart: give a file name such as costs.svg") }
    }

    /// Writes the report, unless the chart took standard output and no --out-file was given.
    func emit(_ report: String, _ output: OutputOptions) throws {
        if chart == "-" && output.outFile == nil { return }
        try output.emit(report)
    }

    /// The option names to compare, in the order given.
    var names: [String] { between.isEmpty ? options : between }

    static func parseNumber(_ text: String?, flag: String) throws -> Decimal? {
        guard let text else { return nil }
        guard let value = Decimal(exactText: text), text.rangeOfCharacter(from: CharacterSet(charactersIn: "eE")) == nil else {
            throw ValidationError("\(flag): expected a number such as 1000 or 2.5, found '\(text)'")
        }
        guard value >= 0 else { throw ValidationError("\(flag): \(text) is negative; axis values start at 0") }
        return value
    }

    /// Writes the chart where asked.
    func writeChart(_ svg: String) throws {
        guard let chart else { return }
        try OutputOptions.emit(svg, to: chart == "-" ? nil : chart, option: "--chart")
    }
}

struct BreakevenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breakeven",
        abstract: "Find exactly where the cheapest option changes along one workload axis.",
        discussion: """
        Varies one field of the workload (of one job with --job, else of every job; scale multiplies runs) and finds every point where the cheapest option changes: where two cost lines cross (solved exactly on each straight piece), where a block or plan switch makes a cost jump, and where an option becomes infeasible. Options are providers, each at its cheapest feasible plan, or single plans (inngest/startup). Runs and steps are whole numbers: a point is reported at the first whole value with the new order.

        The range is --from to --to; by default from the axis's lowest value to 1,000 times the workload's own value (memory: twice the largest memory size in the pricing).

        Examples:
          costsim breakeven Fixtures/seed-article.yaml --catalog seed-2025-01 --axis runs --between inngest/startup trigger-dev/startup
          costsim breakeven Fixtures/seed-article.yaml --catalog seed-2025-01 --axis steps --chart steps.svg
          costsim breakeven Fixtures/saas.yaml --axis scale --from 0 --to 20 --format json
        """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "workload"))
    var workload: String

    @OptionGroup var axisOptions: AxisOptions

    @Option(help: ArgumentHelp("Lowest axis value to search (default: the axis's lowest).", valueName: "value"))
    var from: String?

    @Option(help: ArgumentHelp("Highest axis value to search (default: 1,000 × the workload's value).", valueName: "value"))
    var to: String?

    @Flag(help: "Draw the chart on logarithmic axes (axis value and cost).")
    var log = false

    @OptionGroup var pricing: PricingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try AxisOptions.parseNumber(from, flag: "--from")
        _ = try AxisOptions.parseNumber(to, flag: "--to")
    }

    func run() throws {
        try runReporting {
            let result = try Breakeven.analyze(try loadWorkload(workload), catalog: try pricing.loadCatalog(), axis: axisOptions.axis,
                                               job: axisOptions.job, options: axisOptions.names,
                                               from: try AxisOptions.parseNumber(from, flag: "--from"),
                                               to: try AxisOptions.parseNumber(to, flag: "--to"),
                                               platform: try SelectionOptions.parsePlatform(axisOptions.platform),
                                               withPlatformCosts: axisOptions.withPlatformCosts)
            if axisOptions.chart != nil {
                try axisOptions.writeChart(result.chart(logScale: log).render())
            }
            try axisOptions.emit(result.render(output.format), output)
        }
    }
}
