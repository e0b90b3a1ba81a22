import ArgumentParser
import CostModel
import Foundation
import Simulation
import Workload

extension WorkloadGenerator.Profile: ExpressibleByArgument {}
extension WorkloadGenerator.Size: ExpressibleByArgument {}

/// `costsim workload generate`: a seeded synthetic workload file.
struct WorkloadGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a seeded synthetic workload: a number of jobs, a traffic profile and a size.",
        discussion: """
        Profiles:
          steady-saas      steady event-driven jobs (±10 %) and periodic syncs
          bursty-webhooks  volumes with p95 five times the median, retry bursts
          nightly-batch    scheduled batches of many long steps
          heavy-tail       Poisson volumes, step durations with a long tail
        Sizes: small (hundreds to thousands of runs a day per job), medium
        (thousands to 100,000), large (100,000 to millions). --scale multiplies
        traffic: event-driven volumes, and the steps per run of scheduled jobs.
        Fields are distributions for `simulate` unless --fixed. The same options
        give the same file, and it always passes `costsim workload validate`.

        Examples:
          costsim workload generate --profile steady-saas --jobs 8 --out-file a.yaml
          costsim workload generate --profile steady-saas --jobs 8 --scale 10 \\
            --out-file a-10x.yaml && costsim simulate a-10x.yaml --budget 500
        """
    )

    @Option(help: ArgumentHelp("Traffic profile: \(WorkloadGenerator.Profile.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "profile"))
    var profile: WorkloadGenerator.Profile = .steadySaaS

    @Option(help: ArgumentHelp("Number of jobs, 1 to 10,000.", valueName: "n"))
    var jobs: Int = 5

    @Option(help: ArgumentHelp("Volumes: small, medium or large.", valueName: "size"))
    var size: WorkloadGenerator.Size = .medium

    @Option(help: ArgumentHelp("Traffic multiplier, e.g. 10 for ten times the traffic (above 0, at most 1,000,000).", valueName: "factor"))
    var scale: String = "1"

    @Option(help: ArgumentHelp("Seed: the same seed gives the same file.", valueName: "s"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The workload's name (default: <profile>-<jobs>).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("The platform plan to write, e.g. vercel/hobby; 'none' writes none.", valueName: "provider/plan"))
    var platform: String = "vercel/pro"

    @Flag(help: "Write plain numbers (the distributions' means) instead of distributions.")
    var fixed = false

    @Option(help: ArgumentHelp("Write the workload to this file instead of standard output.", valueName: "path"))
    var outFile: String?

    func validate() throws {
        guard (1...WorkloadGenerator.maxJobs).contains(jobs) else {
            throw ValidationError("--jobs must be between 1 and 10,000, found \(jobs)")
        }
        guard let factor = Decimal(exactText: scale), factor > 0, factor <= WorkloadGenerator.maxScale else {
            throw ValidationError("--scale: expected a number above 0 and at most 1,000,000, such as 10 or 0.5, found '\(scale)'")
        }
        if platform != "none", PlatformReference(parsing: platform) == nil {
            throw ValidationError("--platform: expected provider/plan (e.g. vercel/pro) or none, found '\(platform)'")
        }
    }

    func run() throws {
        try runReporting {
            let generator = WorkloadGenerator(jobs: jobs, profile: profile, size: size, scale: Decimal(exactText: scale) ?? 1, seed: seed,
                                              name: name, platform: platform == "none" ? nil : platform, uncertain: !fixed)
            try OutputOptions.emit(generator.yaml(), to: outFile)
        }
    }
}
