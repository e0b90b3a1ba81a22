import Foundation

/// One catalog snapshot: the pricing files that belong together (`seed-2025-01`).
public struct Catalog: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// Every file of the catalog, ordered by provider id.
    public var files: [PricingFile]

    /// Orchestrators and queues that price workloads.
    public var providers: [PricingFile] { files.filter { $0.kind == .provider } }
    /// Platforms whose limits bound `runs_on: platform` providers.
    public var platforms: [PricingFile] { files.filter { $0.kind == .platform } }

    /// The file with this provider id.
    public func file(_ provider: String) -> PricingFile? {
        files.first(where: { $0.provider == provider })
    }
}

/// All catalogs costsim knows of: the shipped ones, plus or replaced by those under `--pricing`.
public struct PricingLibrary: Sendable {
    public private(set) var catalogs: [Catalog]
    /// The catalog used when none is named.
    public private(set) var defaultCatalog: String?

    /// Loads every pricing file under the given roots, later roots adding or replacing whole
    /// catalogs of earlier ones. Every problem in every file is reported together.
    ///
    /// A root is a folder of catalog folders (with an optional `catalogs.yaml` naming the default)
    /// or a single catalog folder. Files are read in path order, so results are deterministic.
    /// - Throws: `InputError.unreadable` for a missing root, `.invalid` with all diagnostics.
    public static func load(roots: [URL]) throws(InputError) -> PricingLibrary {
        var library = PricingLibrary(catalogs: [], defaultCatalog: nil)
        var diagnostics: [Diagnostic] = []
        for (position, root) in roots.enumerated() {
            let isUserRoot = position > 0
            let (catalogs, defaultName, problems) = try loadRoot(root)
            diagnostics += problems
            for catalog in catalogs {
                library.catalogs.removeAll(where: { $0.name == catalog.name })
                library.catalogs.append(catalog)
            }
            if let defaultName {
                library.defaultCatalog = defaultName
            } else if isUserRoot, catalogs.count == 1 {
                library.defaultCatalog = catalogs[0].name
            }
        }
        if !diagnostics.isEmpty { throw .invalid(diagnostics) }
        library.catalogs.sort { $0.name < $1.name }
        return library
    }

    /// Builds a library from already parsed files (tests, benchmarks).
    public init(files: [PricingFile], defaultCatalog: String? = nil) {
        var byName: [String: [PricingFile]] = [:]
        for file in files { byName[file.catalog, default: []].append(file) }
        catalogs = byName.keys.sorted().map { Catalog(name: $0, description: nil, files: byName[$0]!.sorted { $0.provider < $1.provider }) }
        self.defaultCatalog = defaultCatalog ?? catalogs.first?.name
    }

    private init(catalogs: [Catalog], defaultCatalog: String?) {
        self.catalogs = catalogs
        self.defaultCatalog = defaultCatalog
    }

    /// The named catalog, or the default one.
    public func catalog(named name: String?) -> Catalog? {
        guard let wanted = name ?? defaultCatalog ?? (catalogs.count == 1 ? catalogs.first?.name : nil) else { return nil }
        return catalogs.first(where: { $0.name == wanted })
    }

    static func loadRoot(_ root: URL) throws(InputError) -> ([Catalog], String?, [Diagnostic]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw .unreadable(file: root.path, reason: "no such pricing folder")
        }
        var diagnostics: [Diagnostic] = []
        var descriptions: [String: String] = [:]
        var defaultName: String?
        let paths: [String]
        if isDirectory.boolValue {
            guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
                throw .unreadable(file: root.path, reason: "cannot list the pricing folder")
            }
            paths = (enumerator.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
                .sorted()
        } else {
            paths = [""]
        }
        var files: [PricingFile] = []
        for relative in paths {
            let url = relative.isEmpty ? root : root.appendingPathComponent(relative)
            let shown = relative.isEmpty ? root.relativePath : (root.relativePath as NSString).appendingPathComponent(relative)
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .unreadable(file: shown, reason: "cannot read: \(error.localizedDescription)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(Diagnostic(file: shown, line: nil, column: nil, keyPath: "", message: "not UTF-8 text",
                                              hint: "save the file as UTF-8 text"))
                continue
            }
            if (relative as NSString).lastPathComponent == "catalogs.yaml" {
                do {
                    let index = try CatalogIndex.parse(text, file: shown)
                    defaultName = index.defaultName
                    for (name, description) in index.descriptions { descriptions[name] = description }
                } catch {
                    if case .invalid(let problems) = error { diagnostics += problems }
                }
                continue
            }
            do {
                let file = try PricingFile.parse(text, file: shown, relativePath: relative.isEmpty ? url.lastPathComponent : relative,
                                                 sha256: SHA256.hex(of: Array(data)))
                let misplaced = relative.isEmpty ? [] : Self.placementProblems(file, relative: relative, text: text, shown: shown)
                diagnostics += misplaced
                if misplaced.isEmpty { files.append(file) }
            } catch {
                switch error {
                case .invalid(let problems): diagnostics += problems
                case .unreadable: throw error
                }
            }
        }
        var byName: [String: [PricingFile]] = [:]
        for file in files {
            if let existing = byName[file.catalog]?.first(where: { $0.provider == file.provider }) {
                diagnostics.append(Diagnostic(file: (root.relativePath as NSString).appendingPathComponent(file.file), line: nil, column: nil,
                                              keyPath: "provider",
                                              message: "provider '\(file.provider)' is defined twice in catalog '\(file.catalog)' (also in \(existing.file))",
                                              hint: "keep one file per provider per catalog"))
                continue
            }
            byName[file.catalog, default: []].append(file)
        }
        let catalogs = byName.keys.sorted().map { name in
            Catalog(name: name, description: descriptions[name], files: byName[name]!.sorted { $0.provider < $1.provider })
        }
        if let name = defaultName, !byName.keys.contains(name) {
            diagnostics.append(Diagnostic(file: (root.relativePath as NSString).appendingPathComponent("catalogs.yaml"), line: nil, column: nil,
                                          keyPath: "default", message: "default catalog '\(name)' has no pricing files",
                                          hint: YAMLReader.suggestion(for: name, among: byName.keys.sorted())))
        }
        return (catalogs, defaultName, diagnostics)
    }
}

extension PricingLibrary {
    /// A file found in a pricing folder lives at `<catalog>/<provider>.yaml` (SPEC §3): a file
    /// whose `catalog:` or `provider:` says otherwise was most likely copied and not updated,
    /// and would otherwise land silently in another catalog or under another name. Files
    /// directly in the folder given are checked for their name only, and a file named on the
    /// command line is not checked.
    static func placementProblems(_ file: PricingFile, relative: String, text: String, shown: String) -> [Diagnostic] {
        let components = (relative as NSString).pathComponents
        let stem = ((components.last ?? relative) as NSString).deletingPathExtension
        var problems: [Diagnostic] = []
        if components.count >= 2 {
            let folder = components[components.count - 2]
            if folder != file.catalog {
                problems.append(Diagnostic(file: shown, line: keyLine(text, "catalog"), column: 1, keyPath: "catalog",
                                           message: "catalog '\(file.catalog)' does not match the folder '\(folder)' the file is in",
                                           hint: "set catalog: \(folder), or move the file to a folder named '\(file.catalog)'"))
            }
        }
        if stem != file.provider {
            let name = (components.last ?? relative)
            problems.append(Diagnostic(file: shown, line: keyLine(text, "provider"), column: 1, keyPath: "provider",
                                       message: "provider '\(file.provider)' does not match the file name '\(name)'",
                                       hint: "set provider: \(stem), or rename the file to \(file.provider).\((name as NSString).pathExtension)"))
        }
        return problems
    }

    /// The 1-based line of a top-level `key:` in YAML text, when there is one.
    static func keyLine(_ text: String, _ key: String) -> Int? {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if line.hasPrefix(key + ":") { return number }
        }
        return nil
    }
}

/// `pricing/catalogs.yaml`: which catalog is the default, and what each one is.
struct CatalogIndex {
    var defaultName: String?
    var descriptions: [(String, String)]

    static func parse(_ text: String, file: String) throws(InputError) -> CatalogIndex {
        guard let root = try YAMLReader.compose(text, file: file) else { return CatalogIndex(defaultName: nil, descriptions: []) }
        let reader = YAMLReader(file: file)
        var index = CatalogIndex(defaultName: nil, descriptions: [])
        if let top = reader.mapping(root, at: "", allowed: ["version", "default", "catalogs"]) {
            index.defaultName = top["default"].flatMap { reader.string($0, at: "default") }
            if let list = top["catalogs"], let items = reader.sequence(list, at: "catalogs") {
                for (position, item) in items.enumerated() {
                    let path = Fields.index("catalogs", position)
                    guard let fields = reader.mapping(item, at: path, allowed: ["name", "description"]),
                          let name = fields.required("name", in: reader).flatMap({ reader.string($0, at: fields.path("name")) }) else { continue }
                    let description = fields["description"].flatMap { reader.string($0, at: fields.path("description")) } ?? ""
                    index.descriptions.append((name, description))
                }
            }
        }
        try reader.throwIfInvalid()
        return index
    }
}
