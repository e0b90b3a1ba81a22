import ArgumentParser
import CostModel
import Foundation
import Reports
import Simulation
import Workload

struct Place: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the cheapest assignment of jobs to providers (hybrid placement), proven optimal.",
        discussion: """
        Assigns every job to one provider, each provider at the plan that is cheapest for the jobs \
        it receives (allowances, credits and fees are shared by those jobs), so that the monthly \
        total is minimal under every limit: platform time and memory limits, machines, plan caps, \
        pins and at most --max-providers providers. Branch and bound over plan choices proves the \
        result optimal; the report says so, or gives the gap when the search budget runs out.

        Each job's line says what it adds to its provider's bill, the next-best place and the \
        difference, or the limit that rules the other providers out. The total is compared with \
        the best single provider and with the seed article's rule of thumb (short jobs to the \
        step-billed provider, jobs over 60 s to the run-billed one).

        Examples:
          costsim place Fixtures/placement-article.yaml --catalog seed-2025-01
          costsim place Fixtures/saas.yaml --max-providers 1
          costsim place Fixtures/saas.yaml --pin pdf-export=trigger-dev --format json
        """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "workload"))
    var workload: String

    @Option(help: ArgumentHelp("Use at most this many providers.", valueName: "k"))
    var maxProviders: Int?

    @Option(name: .customLong("pin"), help: ArgumentHelp("Keep a job on a provider (repeatable), e.g. --pin pdf-render=trigger-dev.", valueName: "job=provider"))
    var pins: [String] = []

    @Option(help: ArgumentHelp("Search nodes before the exact search stops and reports its gap.", valueName: "n"))
    var nodeLimit: Int = Placement.defaultNodeLimit

    @OptionGroup var pricing: PricingOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        for pin in pins where PlacementPin(parsing: pin) == nil {
            throw ValidationError("--pin: expected JOB=PROVIDER, found '\(pin)'")
        }
        if let maxProviders, maxProviders < 1 {
            throw ValidationError("--max-providers must be at least 1, found \(maxProviders)")
        }
        if nodeLimit < 1 {
            throw ValidationError("--node-limit must be at least 1, found \(nodeLimit)")
        }
    }

    func run() throws {
        try runReporting {
            let request = PlacementRequest(providers: selection.providers, platform: try selection.platformReference(),
                                           withPlatformCosts: selection.withPlatformCosts, maxProviders: maxProviders,
                                           pins: pins.compactMap(PlacementPin.init(parsing:)), nodeLimit: nodeLimit)
            let placement = try Placement.place(try loadWorkload(workload), catalog: try pricing.loadCatalog(), request: request)
            try output.emit(placement.render(output.format))
        }
    }
}
