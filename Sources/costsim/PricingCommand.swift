import ArgumentParser
import CostModel
import Foundation
import Reports
import Simulation
import Workload

struct PricingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pricing",
        abstract: "List, show and validate the plan catalog.",
        discussion: "Every figure carries its source, effective date and confidence (published or unverified).",
        subcommands: [List.self, Show.self, Validate.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List catalogs, providers and plans with their fees.",
                                                        discussion: "Example: costsim pricing list --catalog seed-2025-01")
        @OptionGroup var pricing: PricingOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let library = try pricing.loadLibrary()
                let catalogs = pricing.catalog == nil ? library.catalogs : [try pricing.loadCatalog()]
                try output.emit(PricingListReport(library: library, catalogs: catalogs).render(output.format))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one provider's (or plan's) figures with their sources.",
                                                        discussion: "Examples: costsim pricing show inngest; costsim pricing show trigger-dev/pro --catalog seed-2025-01")
        @Argument(help: ArgumentHelp("A provider id, or provider/plan.", valueName: "provider[/plan]"))
        var target: String
        @OptionGroup var pricing: PricingOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let catalog = try pricing.loadCatalog()
                let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
                guard let id = parts.first, let file = catalog.file(id) else {
                    throw CostsimError.usage("unknown provider '\(target)' in catalog \(catalog.name)",
                                             hint: YAMLReader.suggestion(for: target, among: catalog.files.map(\.provider), noun: "providers"))
                }
                let plan = parts.count > 1 ? parts[1] : nil
                if let plan, file.plan(named: plan) == nil {
                    throw CostsimError.usage("unknown plan '\(plan)' of \(file.provider) in catalog \(catalog.name)",
                                             hint: YAMLReader.suggestion(for: plan, among: file.plans.map(\.name), noun: "plans"))
                }
                try output.emit(PricingShowReport(file: file, plan: plan).render(output.format))
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check pricing files and report every problem with file, line and key.",
            discussion: """
            With no paths, validates the shipped catalog and any --pricing folders. A path may be a
            pricing root, a catalog folder or a single file. Exit 0 when valid, 65 when not.

            Example: costsim pricing validate my-prices/
            """
        )
        @Argument(help: ArgumentHelp("Pricing files or folders (default: the catalog in use).", valueName: "path"))
        var paths: [String] = []
        @OptionGroup var pricing: PricingOptions

        func run() throws {
            try runReporting {
                let library: PricingLibrary
                if paths.isEmpty {
                    library = try pricing.loadLibrary()
                } else {
                    var catalogs: [Catalog] = []
                    var problems: [Diagnostic] = []
                    for path in paths {
                        do {
                            catalogs += try PricingLibrary.load(roots: [URL(fileURLWithPath: path)]).catalogs
                        } catch InputError.invalid(let found) {
                            problems += found
                        }
                    }
                    if !problems.isEmpty { throw InputError.invalid(problems) }
                    library = PricingLibrary(files: catalogs.flatMap(\.files))
                }
                let files = library.catalogs.reduce(0) { $0 + $1.files.count }
                let plans = library.catalogs.reduce(0) { $0 + $1.files.reduce(0) { $0 + $1.plans.count } }
                let names = library.catalogs.map(\.name).joined(separator: ", ")
                print("ok: \(files) pricing file\(files == 1 ? "" : "s"), \(plans) plans in \(library.catalogs.count) catalog\(library.catalogs.count == 1 ? "" : "s") (\(names))")
            }
        }
    }
}

struct WorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Check workload files, or generate synthetic ones.",
        subcommands: [Validate.self, WorkloadGenerate.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a workload file and show each job's monthly volume.",
            discussion: "Exit 0 when valid, 65 when invalid (every problem listed), 66 when missing.\nExample: costsim workload validate Fixtures/saas.yaml"
        )
        @Argument(help: ArgumentHelp("Workload files.", valueName: "workload"))
        var files: [String]

        func run() throws {
            try runReporting {
                var problems: [Diagnostic] = []
                for file in files {
                    do {
                        let workload = try Workload.load(path: file)
                        print("ok: \(file): \(workload.name), \(workload.jobs.count) job\(workload.jobs.count == 1 ? "" : "s")")
                        for job in workload.jobs {
                            let uncertain = job.specs.isEmpty ? "" : " (uncertain: \(job.specs.keys.sorted().joined(separator: ", ")))"
                            print("  \(job.name): \(NumberFormat.quantity(job.runsPerMonth)) runs/month × \(NumberFormat.quantity(job.stepsPerRun)) steps\(uncertain)")
                        }
                    } catch InputError.invalid(let found) {
                        problems += found
                    }
                }
                if !problems.isEmpty { throw InputError.invalid(problems) }
            }
        }
    }
}
