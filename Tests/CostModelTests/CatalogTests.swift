import Foundation
import Testing
@testable import CostModel

/// A valid provider file for catalog `catalog` with one `startup` plan at `fee`.
private func providerYAML(provider: String = "acme", catalog: String, fee: String = "40") -> String {
    """
    version: 1
    provider: \(provider)
    catalog: \(catalog)
    effective: 2025-01-08
    source: "test"
    confidence: published
    execution: steps
    runs_on: platform
    meters: {steps: {steps: 1}}
    plans:
      - {name: startup, monthly_fee: \(fee), included: {steps: 1000000}, price: {steps: 0.00004}}
    """
}

private func load(_ roots: [URL]) throws(InputError) -> PricingLibrary {
    try PricingLibrary.load(roots: roots)
}

/// The diagnostics of a library load that is expected to fail.
private func loadDiagnostics(_ roots: [URL], sourceLocation: SourceLocation = #_sourceLocation) -> [Diagnostic] {
    do {
        _ = try PricingLibrary.load(roots: roots)
        Issue.record("expected the load to fail", sourceLocation: sourceLocation)
        return []
    } catch {
        guard case .invalid(let diagnostics) = error else {
            Issue.record("expected .invalid, got \(error)", sourceLocation: sourceLocation)
            return []
        }
        return diagnostics
    }
}

/// `PricingLibrary.load(roots:)`: folders of catalogs, later roots replacing earlier catalogs.
@Suite("PricingLibrary loading")
struct CatalogTests {
    @Test("a user root replaces a shipped catalog by name, whole")
    func replaceCatalog() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(provider: "inngest", catalog: "seed-2025-01", fee: "45"), to: "seed-2025-01/inngest.yaml", under: root)

        let library = try load([shippedPricingRoot, root])
        #expect(library.catalogs.map(\.name) == ["current-2026-11", "seed-2025-01"])
        let seed = try #require(library.catalog(named: "seed-2025-01"))
        #expect(seed.files.map(\.provider) == ["inngest"], "the whole catalog is replaced, not merged")
        #expect(seed.file("inngest")?.plan(named: "startup")?.monthlyFee == 45)
        #expect(seed.file("inngest")?.file == "seed-2025-01/inngest.yaml")
        #expect(seed.description == nil)
        let current = try #require(library.catalog(named: "current-2026-11"))
        #expect(current.files.map(\.provider) == ["inngest", "trigger-dev", "vercel"])
        // A user root holding exactly one catalog becomes the default.
        #expect(library.defaultCatalog == "seed-2025-01")
    }

    @Test("a user root adds a catalog and may name the default in its catalogs.yaml")
    func addCatalogWithIndex() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(catalog: "mine-a"), to: "mine-a/acme.yaml", under: root)
        try write(providerYAML(catalog: "mine-b"), to: "mine-b/acme.yaml", under: root)
        try write("version: 1\ndefault: mine-b\ncatalogs:\n  - {name: mine-b, description: \"the B one\"}\n", to: "catalogs.yaml", under: root)

        let library = try load([shippedPricingRoot, root])
        #expect(library.catalogs.map(\.name) == ["current-2026-11", "mine-a", "mine-b", "seed-2025-01"])
        #expect(library.defaultCatalog == "mine-b")
        #expect(library.catalog(named: nil)?.name == "mine-b")
        #expect(library.catalog(named: "mine-b")?.description == "the B one")
        #expect(library.catalog(named: "mine-a")?.description == nil)
    }

    @Test("two catalogs in a user root without an index keep the shipped default")
    func twoCatalogsNoIndex() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(catalog: "mine-a"), to: "mine-a/acme.yaml", under: root)
        try write(providerYAML(catalog: "mine-b"), to: "mine-b/acme.yaml", under: root)
        let library = try load([shippedPricingRoot, root])
        #expect(library.defaultCatalog == "current-2026-11")
    }

    @Test("a root may itself be one catalog folder, or a single file")
    func catalogFolderOrFileAsRoot() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(provider: "acme", catalog: "solo"), to: "acme.yaml", under: root)
        try write(providerYAML(provider: "other", catalog: "solo"), to: "other.yml", under: root)
        try write("# not pricing\n", to: "README.md", under: root)

        let folder = try load([root])
        #expect(folder.catalogs.map(\.name) == ["solo"])
        #expect(folder.catalog(named: nil)?.files.map(\.file) == ["acme.yaml", "other.yml"])

        let single = try load([root.appendingPathComponent("acme.yaml")])
        #expect(single.catalogs.map(\.name) == ["solo"])
        #expect(single.catalog(named: "solo")?.files.map(\.file) == ["acme.yaml"])
        // With one catalog and no index, that catalog is used when none is named.
        #expect(single.catalog(named: nil)?.name == "solo")
    }

    @Test("JSON pricing files are read too")
    func jsonFile() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write("""
        {"version": 1, "provider": "j", "catalog": "js", "effective": "2025-01-08", "source": "s", "confidence": "published",
         "execution": "steps", "runs_on": "platform", "meters": {"steps": {"steps": 1}}, "plans": [{"name": "p", "monthly_fee": 1}]}
        """, to: "js/j.json", under: root)
        #expect(try load([root]).catalog(named: "js")?.file("j")?.plan(named: "p")?.monthlyFee == 1)
    }

    @Test("a file whose catalog or provider disagrees with its folder or name is an error")
    func folderAndCatalogDisagree() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(provider: "acme", catalog: "other"), to: "seed-x/acme.yaml", under: root)
        try write(providerYAML(provider: "acme", catalog: "seed-x"), to: "seed-x/copy.yaml", under: root)
        let diagnostics = loadDiagnostics([root])
        #expect(diagnostics.map(\.description) == [
            "\(root.path)/seed-x/acme.yaml:3:1: catalog: catalog 'other' does not match the folder 'seed-x' the file is in\n"
                + "  hint: set catalog: seed-x, or move the file to a folder named 'other'",
            "\(root.path)/seed-x/copy.yaml:2:1: provider: provider 'acme' does not match the file name 'copy.yaml'\n"
                + "  hint: set provider: copy, or rename the file to acme.yaml",
        ])
    }

    @Test("a file named on the command line is not held to the folder layout")
    func explicitFileIsLenient() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(provider: "acme", catalog: "draft"), to: "elsewhere/my-draft.yaml", under: root)
        let library = try load([root.appendingPathComponent("elsewhere/my-draft.yaml")])
        #expect(library.catalog(named: "draft")?.file("acme") != nil)
    }

    @Test("a provider defined twice in one catalog is an error")
    func duplicateProvider() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        // The same provider in one folder can only come as two spellings of its file name.
        try write(providerYAML(provider: "acme", catalog: "dup"), to: "dup/acme.yaml", under: root)
        try write(providerYAML(provider: "acme", catalog: "dup", fee: "50"), to: "dup/acme.yml", under: root)
        let diagnostics = loadDiagnostics([root])
        #expect(diagnostics.map(\.description) == [
            "\(root.path)/dup/acme.yml: provider: provider 'acme' is defined twice in catalog 'dup' (also in dup/acme.yaml)\n  hint: keep one file per provider per catalog",
        ])
    }

    @Test("the same provider in two catalogs is fine")
    func sameProviderTwoCatalogs() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(provider: "acme", catalog: "one"), to: "one/acme.yaml", under: root)
        try write(providerYAML(provider: "acme", catalog: "two"), to: "two/acme.yaml", under: root)
        #expect(try load([root]).catalogs.map(\.name) == ["one", "two"])
    }

    @Test("a missing root is unreadable (exit 66)")
    func missingRoot() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-pricing-\(UUID().uuidString)")
        let error = try #require(throws: InputError.self) { try load([shippedPricingRoot, missing]) }
        #expect(error == .unreadable(file: missing.path, reason: "no such pricing folder"))
        #expect(error.exitCode == 66)
        #expect(error.description == "\(missing.path): no such pricing folder")
    }

    @Test("problems in every file of every root are reported together, with full paths")
    func allFilesReported() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(catalog: "x", fee: "lots"), to: "x/a.yaml", under: root)
        try write(providerYAML(catalog: "x", fee: "-1").replacingOccurrences(of: "provider: acme", with: "provider: other"),
                  to: "x/b.yaml", under: root)
        try write(providerYAML(catalog: "y"), to: "y/acme.yaml", under: root)
        let diagnostics = loadDiagnostics([shippedPricingRoot, root])
        #expect(diagnostics.map(\.description) == [
            "\(root.path)/x/a.yaml:11:34: plans[0].monthly_fee: expected a number, found \"lots\"\n  hint: write a plain decimal number such as 1500 or 0.00004",
            "\(root.path)/x/b.yaml:11:34: plans[0].monthly_fee: must be at least 0, found -1",
        ])
    }

    @Test("diagnostics name files by the root as the user gave it")
    func relativeRoot() throws {
        let base = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: base) }
        try write(providerYAML(catalog: "x", fee: "lots"), to: "mine/x/a.yaml", under: base)
        let root = URL(fileURLWithPath: "mine", isDirectory: true, relativeTo: base)
        #expect(loadDiagnostics([root]).map(\.description) == [
            "mine/x/a.yaml:11:34: plans[0].monthly_fee: expected a number, found \"lots\"\n  hint: write a plain decimal number such as 1500 or 0.00004",
        ])
    }

    @Test("a default catalog without files is an error")
    func defaultWithoutFiles() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(catalog: "mine"), to: "mine/acme.yaml", under: root)
        try write("version: 1\ndefault: mien\n", to: "catalogs.yaml", under: root)
        #expect(loadDiagnostics([root]).map(\.description) == [
            "\(root.path)/catalogs.yaml: default: default catalog 'mien' has no pricing files\n  hint: did you mean 'mine'?",
        ])
    }

    @Test("catalogs.yaml is validated too")
    func invalidIndex() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(providerYAML(catalog: "mine"), to: "mine/acme.yaml", under: root)
        try write("version: 1\ndefualt: mine\n", to: "catalogs.yaml", under: root)
        #expect(loadDiagnostics([root]).map(\.description) == [
            "\(root.path)/catalogs.yaml:2:1: defualt: unknown key 'defualt'\n  hint: did you mean 'default'?",
        ])
    }

    @Test("a file that is not UTF-8 is invalid input (exit 65), naming the file")
    func notUTF8() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("bad/acme.yaml")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([0x76, 0x65, 0x72, 0xFF, 0xFE, 0x0A]).write(to: url)
        let error = try #require(throws: InputError.self) { try load([root]) }
        #expect(error.exitCode == 65)
        #expect(error == .invalid([
            Diagnostic(file: url.path, line: nil, column: nil, keyPath: "", message: "not UTF-8 text",
                       hint: "save the file as UTF-8 text"),
        ]))
        #expect(error.description == "\(url.path): not UTF-8 text\n  hint: save the file as UTF-8 text")
    }

    @Test("the recorded digest is of the file's bytes on disk")
    func digestOfBytes() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let text = providerYAML(catalog: "d")
        try write(text, to: "d/acme.yaml", under: root)
        let file = try #require(try load([root]).catalog(named: "d")?.file("acme"))
        #expect(file.sha256 == SHA256.hex(of: Array(text.utf8)))
    }

    @Test("a file with CRLF line ends loads, its digest of its bytes")
    func crlf() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let text = providerYAML(catalog: "d").replacingOccurrences(of: "\n", with: "\r\n")
        try write(text, to: "d/acme.yaml", under: root)
        let file = try #require(try load([root]).catalog(named: "d")?.file("acme"))
        #expect(file.plan(named: "startup")?.monthlyFee == 40)
        #expect(file.sha256 == SHA256.hex(of: Array(text.utf8)))
    }

    /// The digest was once of the decoded text, which drops a leading UTF-8 BOM; it is now of
    /// the file's bytes, BOM included, so it agrees with sha256sum.
    @Test("a file with a UTF-8 byte order mark loads, its digest of its bytes, BOM included")
    func byteOrderMark() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(providerYAML(catalog: "d").utf8)
        let url = root.appendingPathComponent("d/acme.yaml")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        let file = try #require(try load([root]).catalog(named: "d")?.file("acme"))
        #expect(file.plan(named: "startup")?.monthlyFee == 40)
        #expect(file.sha256 == SHA256.hex(of: bytes))
        #expect(file.sha256 != SHA256.hex(of: Array(bytes.dropFirst(3))), "the BOM is part of the digest")
    }

    @Test("no roots: an empty library")
    func noRoots() throws {
        let library = try load([])
        #expect(library.catalogs.isEmpty)
        #expect(library.defaultCatalog == nil)
        #expect(library.catalog(named: nil) == nil)
    }
}

/// `PricingLibrary(files:)` and `Catalog` lookups.
@Suite("Catalog lookups")
struct CatalogLookupTests {
    private func file(_ provider: String, catalog: String, kind: PricingFile.Kind = .provider) throws -> PricingFile {
        var text = providerYAML(provider: provider, catalog: catalog)
        if kind == .platform { text = text.replacingOccurrences(of: "version: 1", with: "version: 1\nkind: platform") }
        return try PricingFile.parse(text, file: "\(catalog)/\(provider).yaml")
    }

    @Test("files are grouped by catalog and ordered by provider")
    func grouping() throws {
        let library = PricingLibrary(files: [
            try file("zeta", catalog: "b"), try file("alpha", catalog: "b"), try file("mid", catalog: "a"),
        ])
        #expect(library.catalogs.map(\.name) == ["a", "b"])
        #expect(library.catalog(named: "b")?.files.map(\.provider) == ["alpha", "zeta"])
        #expect(library.defaultCatalog == "a")
        #expect(PricingLibrary(files: [try file("x", catalog: "a"), try file("y", catalog: "b")], defaultCatalog: "b")
                    .catalog(named: nil)?.name == "b")
    }

    @Test("named lookups")
    func lookups() throws {
        let library = PricingLibrary(files: [try file("acme", catalog: "a"), try file("host", catalog: "a", kind: .platform)])
        let catalog = try #require(library.catalog(named: "a"))
        #expect(library.catalog(named: "nope") == nil)
        #expect(catalog.file("acme")?.provider == "acme")
        #expect(catalog.file("nope") == nil)
        #expect(catalog.providers.map(\.provider) == ["acme"])
        #expect(catalog.platforms.map(\.provider) == ["host"])
    }
}
