import CostModel
import Foundation
import Yams

/// Budgets kept in a file for `costsim check --config FILE`, so a repository states its
/// limits once:
///
/// ```yaml
/// version: 1
/// budget: 500               # highest monthly cost
/// max_increase: 10%         # or an amount, against the baseline
/// baseline: main-report.json  # relative to this file
/// plan: inngest/pro-2026    # optional: measure this plan instead of the cheapest
/// providers: [inngest]      # optional
/// ```
/// Command-line options override the file's values.
public struct BudgetConfig: Sendable, Equatable {
    public var budget: Decimal?
    public var maxIncrease: BudgetCheck.Increase?
    /// Resolved against the config file's folder.
    public var baseline: String?
    public var plan: String?
    public var providers: [String]

    static let keys = ["version", "budget", "max_increase", "baseline", "plan", "providers"]

    /// Parses a budget file; every problem is reported with its location.
    public static func parse(_ text: String, file: String) throws(InputError) -> BudgetConfig {
        guard let root = try YAMLReader.compose(text, file: file) else {
            throw .invalid([Diagnostic(file: file, line: 1, column: 1, keyPath: "", message: "the file is empty",
                                       hint: "e.g. 'version: 1' and 'budget: 500'")])
        }
        let reader = YAMLReader(file: file)
        var config = BudgetConfig(budget: nil, maxIncrease: nil, baseline: nil, plan: nil, providers: [])
        if let fields = reader.mapping(root, at: "", allowed: keys) {
            if let node = fields.required("version", in: reader, hint: "add 'version: 1' at the top"),
               let version = reader.integer(node, at: "version"), version != 1 {
                reader.report(node, "version", "unsupported version \(version)", hint: "this costsim reads version 1")
            }
            config.budget = fields["budget"].flatMap { reader.decimal($0, at: "budget", what: "an amount of money") }
            if let node = fields["max_increase"], let text = scalarText(node, reader: reader, path: "max_increase") {
                config.maxIncrease = BudgetCheck.Increase(parsing: text)
                if config.maxIncrease == nil {
                    reader.report(node, "max_increase", "expected an amount (200) or a percentage (10%), found \"\(text)\"")
                }
            }
            if let text = fields["baseline"].flatMap({ reader.string($0, at: "baseline") }) {
                let folder = (file as NSString).deletingLastPathComponent
                config.baseline = text.hasPrefix("/") || folder.isEmpty ? text : (folder as NSString).appendingPathComponent(text)
            }
            config.plan = fields["plan"].flatMap { reader.string($0, at: "plan") }
            if let node = fields["providers"], let items = reader.sequence(node, at: "providers") {
                config.providers = items.enumerated().compactMap { reader.string($1, at: Fields.index("providers", $0)) }
            }
            if config.budget == nil && config.maxIncrease == nil {
                reader.report(root, "", "the file sets no budget", hint: "add 'budget: AMOUNT' and/or 'max_increase: AMOUNT|PCT%'")
            }
            if config.maxIncrease != nil && config.baseline == nil {
                reader.report(fields["max_increase"], "max_increase", "max_increase needs a baseline", hint: "add 'baseline: FILE' (a workload or a saved JSON report)")
            }
        }
        try reader.throwIfInvalid()
        return config
    }

    static func scalarText(_ node: Node, reader: YAMLReader, path: String) -> String? {
        guard case .scalar(let scalar) = node, !YAMLReader.isNull(node) else {
            reader.report(node, path, "expected an amount (200) or a percentage (10%), found \(YAMLReader.describe(node))")
            return nil
        }
        return scalar.string
    }
}
