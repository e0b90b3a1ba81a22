import ArgumentParser
import CostModel
import Foundation
import Reports
import Simulation
import Workload

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Price a workload on every provider and plan; name the cheapest.",
        discussion: """
        Prices each plan of each provider in the catalog: fee, one line per meter, credit.
        Plans a limit rules out (a step longer than the platform allows, a capped meter, a
        development-only plan) are shown with the reason; custom plans are listed, never priced.

        Example: costsim compare Fixtures/seed-article.yaml --catalog seed-2025-01
        """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "workload"))
    var workload: String

    @OptionGroup var pricing: PricingOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting {
            let comparison = try Comparison.compare(try loadWorkload(workload), catalog: try pricing.loadCatalog(),
                                                    providers: selection.providers, platform: try selection.platformReference(),
                                                    withPlatformCosts: selection.withPlatformCosts)
            try output.emit(comparison.render(output.format))
        }
    }
}

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Price a workload on one plan, one line per job and meter.",
        discussion: """
        Shows each job's monthly quantities under the provider's execution model, the plan's
        bill (fee, meters over their included quantity, credit) and whether the plan is feasible.
        --explain writes out every formula with its numbers.

        Example: costsim estimate Fixtures/saas.yaml --plan trigger-dev/pro --explain
        """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "workload"))
    var workload: String

    @Option(help: ArgumentHelp("The plan to price, as provider/plan (see `costsim pricing list`).", valueName: "provider/plan"))
    var plan: String

    @Flag(help: "Show each quantity's formula with its numbers.")
    var explain = false

    @OptionGroup var pricing: PricingOptions
    @Option(help: ArgumentHelp("Platform plan for providers whose steps run in your functions, e.g. vercel/hobby.", valueName: "provider/plan"))
    var platform: String?
    @Flag(help: "Add the platform plan's own usage charges (e.g. Vercel invocations, GB-hours) to the bill.")
    var withPlatformCosts = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting {
            let estimate = try Estimate.make(try loadWorkload(workload), catalog: try pricing.loadCatalog(), plan: plan,
                                             platform: try SelectionOptions.parsePlatform(platform), withPlatformCosts: withPlatformCosts)
            try output.emit(estimate.render(output.format, explain: explain))
        }
    }
}
