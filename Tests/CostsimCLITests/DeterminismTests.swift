import Foundation
import Testing

/// STYLE rule 10 and SPEC §6: the same inputs give the same bytes, from any working directory.
@Suite("Determinism and working directory")
struct DeterminismTests {
    @Test("compare twice gives byte-identical output", arguments: ["table", "json", "csv", "markdown"])
    func compareTwice(_ format: String) throws {
        let arguments = ["compare", "Fixtures/saas.yaml", "--format", format]
        let first = try CLI.run(arguments)
        let second = try CLI.run(arguments)
        #expect(first.status == 0, "\(first)")
        #expect(Data(first.stdout.utf8) == Data(second.stdout.utf8))
        #expect(first.stderr == second.stderr)
    }

    @Test func estimateTwice() throws {
        let arguments = ["estimate", "Fixtures/saas.yaml", "--plan", "inngest/pro-2026", "--explain", "--format", "json"]
        let first = try CLI.run(arguments)
        let second = try CLI.run(arguments)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout == second.stdout)
    }

    @Test("runs from another working directory with the shipped catalog", arguments: ["table", "json", "csv", "markdown"])
    func fromAnotherDirectory(_ format: String) throws {
        let scratch = try TemporaryDirectory()
        let absolute = CLI.fixtures.appendingPathComponent("seed-article.yaml").path
        let outside = try CLI.run(["compare", absolute, "--catalog", "seed-2025-01", "--format", format], in: scratch.url)
        #expect(outside.status == 0, "\(outside)")
        #expect(outside.stderr == "")
        // Same report as from the package root, apart from the workload path as given.
        let inside = try CLI.run(["compare", "Fixtures/seed-article.yaml", "--catalog", "seed-2025-01", "--format", format])
        #expect(outside.stdout == inside.stdout.replacingOccurrences(of: "Fixtures/seed-article.yaml", with: absolute))
    }

    @Test func pricingListFromTmp() throws {
        let inside = try CLI.run(["pricing", "list"])
        let outside = try CLI.run(["pricing", "list"], in: URL(fileURLWithPath: NSTemporaryDirectory()))
        #expect(outside.status == 0, "\(outside)")
        #expect(outside.stdout == inside.stdout)
        #expect(outside.stdout.contains("seed-2025-01"))
    }

    /// `COSTSIM_PRICING=DIR` replaces the shipped catalog (README): a root holding only the
    /// seed catalog lists only it, and makes it the default.
    @Test func costsimPricingOverridesTheShippedCatalog() throws {
        let scratch = try TemporaryDirectory()
        let root = scratch.url.appendingPathComponent("prices")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent("pricing/seed-2025-01"),
                                         to: root.appendingPathComponent("seed-2025-01"))
        try scratch.write("prices/catalogs.yaml", """
            version: 1
            default: seed-2025-01
            catalogs:
              - {name: seed-2025-01, description: "only the seed"}
            """)
        let list = try CLI.run(["pricing", "list", "--format", "csv"], in: scratch.url, environment: ["COSTSIM_PRICING": root.path])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("seed-2025-01,inngest,provider,startup,40.00,"))
        #expect(!list.stdout.contains("current-2026-11"))
        // With the override the default catalog is the seed one: no --catalog needed.
        let absolute = CLI.fixtures.appendingPathComponent("seed-article.yaml").path
        let compare = try CLI.run(["compare", absolute, "--format", "json"], in: scratch.url, environment: ["COSTSIM_PRICING": root.path])
        #expect(compare.status == 0, "\(compare)")
        #expect(compare.stdout.contains("\"catalog\": \"seed-2025-01\""))
    }

    /// `COSTSIM_PRICING` pointing at a folder with no catalogs once failed with "error: unknown
    /// catalog ''" (exit 64): an empty name, no hint, and nothing about the variable. It now
    /// names the variable and its folder, still as a usage error (exit 64).
    @Test func costsimPricingWithoutCatalogsIsExplained() throws {
        let scratch = try TemporaryDirectory()
        let absolute = CLI.fixtures.appendingPathComponent("seed-article.yaml").path
        let result = try CLI.run(["compare", absolute], in: scratch.url, environment: ["COSTSIM_PRICING": scratch.url.path])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr == """
            error: no default catalog in the pricing folders (COSTSIM_PRICING=\(scratch.url.path))
              hint: the pricing folders hold no pricing files

            """)
    }

    /// Several catalogs and no catalogs.yaml naming a default: the hint lists them.
    @Test func costsimPricingWithoutADefaultNamesTheCatalogs() throws {
        let scratch = try TemporaryDirectory()
        let root = scratch.url.appendingPathComponent("prices")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for catalog in ["seed-2025-01", "current-2026-11"] {
            try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent("pricing/\(catalog)"),
                                             to: root.appendingPathComponent(catalog))
        }
        let absolute = CLI.fixtures.appendingPathComponent("seed-article.yaml").path
        let result = try CLI.run(["compare", absolute], in: scratch.url, environment: ["COSTSIM_PRICING": root.path])
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout == "")
        #expect(result.stderr == """
            error: no default catalog in the pricing folders (COSTSIM_PRICING=\(root.path))
              hint: pass --catalog NAME; catalogs: current-2026-11, seed-2025-01

            """)
        let named = try CLI.run(["compare", absolute, "--catalog", "seed-2025-01"], in: scratch.url, environment: ["COSTSIM_PRICING": root.path])
        #expect(named.status == 0, "\(named)")
    }

    /// A binary copied out of the build tree (as a user might install it by hand) still finds
    /// a catalog when told where it is.
    @Test func copiedBinaryWithCostsimPricing() throws {
        let binary = try #require(CLI.binary)
        let scratch = try TemporaryDirectory()
        let copy = scratch.url.appendingPathComponent("bin/costsim")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: binary, to: copy)
        let absolute = CLI.fixtures.appendingPathComponent("seed-article.yaml").path
        let process = Process()
        process.executableURL = copy
        process.arguments = ["compare", absolute, "--catalog", "seed-2025-01", "--format", "csv"]
        process.currentDirectoryURL = scratch.url
        var env = ProcessInfo.processInfo.environment
        env["COSTSIM_PRICING"] = CLI.packageRoot.appendingPathComponent("pricing").path
        process.environment = env
        let output = scratch.url.appendingPathComponent("out.csv")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        #expect(process.terminationStatus == 0)
        let text = String(decoding: try Data(contentsOf: output), as: UTF8.self)
        #expect(text.contains("trigger-dev,pro,feasible,2000.00,"))
    }

    @Test func reportsDoNotDependOnTheMachine() throws {
        // No absolute paths of this checkout leak into reports run on relative paths.
        let root = CLI.packageRoot.path
        for arguments in [["compare", "Fixtures/saas.yaml", "--format", "json"], ["pricing", "list", "--format", "json"],
                          ["pricing", "show", "trigger-dev"]] {
            let result = try CLI.run(arguments)
            #expect(!result.stdout.contains(root), "\(arguments) mentions \(root)")
        }
    }
}
