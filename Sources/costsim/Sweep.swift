import ArgumentParser
import CostModel
import Foundation
import Reports
import Simulation
import Workload

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Price every option along one workload axis: one row per value, one column per option.",
        discussion: """
        Visits --points values from --from to --to (evenly spaced, or with --log geometrically) and prints each option's exact monthly cost there: --format csv for a spreadsheet, json for scripts. Empty cells (null in JSON) mark an infeasible option. --chart draws the full curves with the breakeven points between them.

        Examples:
          costsim sweep Fixtures/seed-article.yaml --catalog seed-2025-01 --axis runs --from 0 --to 2000 --points 21 --format csv
          costsim sweep Fixtures/saas.yaml --axis scale --from 0.1 --to 100 --log --chart scale.svg
        """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "workload"))
    var workload: String

    @OptionGroup var axisOptions: AxisOptions

    @Option(help: ArgumentHelp("First axis value.", valueName: "value"))
    var from: String

    @Option(help: ArgumentHelp("Last axis value.", valueName: "value"))
    var to: String

    @Option(help: ArgumentHelp("How many values to visit, ends included (2 to 10,000).", valueName: "n"))
    var points: Int = 21

    @Flag(help: "Space the values geometrically (and draw the chart's axis logarithmically); needs --from above 0.")
    var log = false

    @OptionGroup var pricing: PricingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try AxisOptions.parseNumber(from, flag: "--from")
        _ = try AxisOptions.parseNumber(to, flag: "--to")
    }

    func run() throws {
        try runReporting {
            let sweep = try Sweep.run(try loadWorkload(workload), catalog: try pricing.loadCatalog(), axis: axisOptions.axis,
                                      job: axisOptions.job, options: axisOptions.names,
                                      from: try AxisOptions.parseNumber(from, flag: "--from")!,
                                      to: try AxisOptions.parseNumber(to, flag: "--to")!, points: points, log: log,
                                      platform: try SelectionOptions.parsePlatform(axisOptions.platform),
                                      withPlatformCosts: axisOptions.withPlatformCosts)
            if axisOptions.chart != nil {
                let breakeven = sweep.breakeven
                try axisOptions.writeChart(breakeven.chart(range: (breakeven.lower, breakeven.upper), logScale: log).render())
            }
            try axisOptions.emit(sweep.render(output.format), output)
        }
    }
}
