import ArgumentParser
import CostModel
import Foundation

/// The `costsim` command: what background jobs cost, and where they should run.
@main
struct Costsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "costsim",
        abstract: "Price background-job workloads on orchestrators, job services and queues.",
        discussion: """
        Plans live in data files (pricing/<catalog>/<provider>.yaml); workloads in YAML files
        (see the README). Every report supports --format table|json|csv|markdown.

        Exit codes: 0 success; 1 a `check` threshold was crossed; 64 bad command-line usage;
        65 invalid input file; 66 input file missing or unreadable; 70 internal error.

        Examples:
          costsim compare Fixtures/seed-article.yaml --catalog seed-2025-01
          costsim estimate Fixtures/saas.yaml --plan inngest/pro-2026 --explain
          costsim check Fixtures/saas.yaml --budget 500 --format markdown
          costsim pricing show trigger-dev
        """,
        version: "0.1.0",
        subcommands: [Compare.self, EstimateCommand.self, Check.self, BreakevenCommand.self, SweepCommand.self, Place.self, Simulate.self, PricingCommand.self, WorkloadCommand.self, Exec.self, Usage.self]
    )
}
