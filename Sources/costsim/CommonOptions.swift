import ArgumentParser
import CostModel
import Foundation
import Reports
import Simulation
import Workload

extension ReportFormat: ExpressibleByArgument {}

/// Options shared by every command that prices a workload.
struct PricingOptions: ParsableArguments {
    @Option(name: .customLong("pricing"), help: ArgumentHelp(
        "A pricing folder to add (repeatable). Its catalogs add to, or replace by name, the shipped ones.",
        valueName: "dir"))
    var pricingRoots: [String] = []

    @Option(help: ArgumentHelp("The catalog to price with (default: the shipped default, see `costsim pricing list`).", valueName: "name"))
    var catalog: String?

    /// Loads the shipped catalog plus `--pricing` folders and picks the catalog.
    func loadCatalog() throws -> Catalog {
        let library = try loadLibrary()
        guard let chosen = library.catalog(named: catalog) else {
            let names = library.catalogs.map(\.name)
            guard let catalog else {
                let source = ProcessInfo.processInfo.environment["COSTSIM_PRICING"].map { " (COSTSIM_PRICING=\($0))" } ?? ""
                throw CostsimError.usage("no default catalog in the pricing folders\(source)",
                                         hint: names.isEmpty ? "the pricing folders hold no pricing files" : "pass --catalog NAME; catalogs: \(names.joined(separator: ", "))")
            }
            throw CostsimError.usage("unknown catalog '\(catalog)'",
                                     hint: YAMLReader.suggestion(for: catalog, among: names, noun: "catalogs"))
        }
        return chosen
    }

    func loadLibrary() throws -> PricingLibrary {
        var roots: [URL] = []
        if let shipped = ShippedPricing.locate() { roots.append(shipped) }
        roots += pricingRoots.map { URL(fileURLWithPath: $0) }
        guard !roots.isEmpty else {
            throw InputError.unreadable(file: "pricing/", reason: "cannot find the pricing catalog shipped with costsim; pass --pricing DIR or set COSTSIM_PRICING")
        }
        return try PricingLibrary.load(roots: roots)
    }
}

/// Options of every report.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output format: table, json, csv or markdown (Markdown suits a CI job summary).", valueName: "format"))
    var format: ReportFormat = .table

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "path"))
    var outFile: String?

    /// Writes the report where asked. Always called before a failing exit.
    func emit(_ text: String) throws {
        try Self.emit(text, to: outFile)
    }

    /// Writes `text` to `outFile`, or to standard output when there is none; `option` names the
    /// file's option in the error.
    static func emit(_ text: String, to outFile: String?, option: String = "--out-file") throws {
        if let outFile {
            do {
                try text.write(toFile: outFile, atomically: true, encoding: .utf8)
            } catch {
                throw CostsimError.usage("cannot write \(option) \(outFile): \(error.localizedDescription)", hint: "check the folder exists and is writable")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

/// Provider and platform selection.
struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("provider"), help: ArgumentHelp("Only price this provider (repeatable), e.g. --provider inngest.", valueName: "id"))
    var providers: [String] = []

    @Option(help: ArgumentHelp("Platform plan for providers whose steps run in your functions, e.g. vercel/hobby; overrides the workload's `platform:`.", valueName: "provider/plan"))
    var platform: String?

    @Flag(help: "Add the platform plan's own usage charges (e.g. Vercel invocations, GB-hours) to providers whose steps run in your functions.")
    var withPlatformCosts = false

    func platformReference() throws -> PlatformReference? {
        try Self.parsePlatform(platform)
    }

    static func parsePlatform(_ platform: String?) throws -> PlatformReference? {
        guard let platform else { return nil }
        guard let reference = PlatformReference(parsing: platform) else {
            throw CostsimError.usage("--platform: expected provider/plan, found '\(platform)'", hint: "e.g. --platform vercel/pro")
        }
        return reference
    }
}

/// Runs a command body, turning library errors into messages on stderr and the documented
/// exit codes (SPEC §6). The only place the CLI maps errors to exits.
func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as InputError {
        if case .invalid(let diagnostics) = error {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            let count = diagnostics.count
            printError("\(count) problem\(count == 1 ? "" : "s") found")
        } else {
            printError(error.description)
        }
        throw ExitCode(error.exitCode)
    } catch let error as CostsimError {
        printError(error.description)
        throw ExitCode(error.exitCode)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
}

func loadWorkload(_ path: String) throws -> Workload {
    try Workload.load(path: path)
}
