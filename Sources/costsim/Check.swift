import ArgumentParser
import CostModel
import Foundation
import Reports
import Simulation
import Workload

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fail (exit 1) when a workload's monthly cost crosses a budget: a CI gate.",
        discussion: """
        Measures the cheapest feasible plan (of the --provider options, or exactly --plan) and
        compares it with --budget and/or --max-increase over a --baseline: a workload file or a
        JSON report saved earlier by `compare` or `check`. The report is written first
        (stdout or --out-file); on failure a one-line reason goes to stderr and the exit code is 1.

        Budgets can live in a file (--config): version: 1, budget, max_increase, baseline (relative
        to the file), plan, providers. Command-line options override it.

        Examples:
          costsim check Fixtures/saas.yaml --budget 500
          costsim check Fixtures/saas.yaml --config Fixtures/budgets/saas-budget.yaml
          costsim check new.yaml --baseline main.json --max-increase 10% --format markdown
        """
    )

    @Argument(help: ArgumentHelp("The workload file (YAML).", valueName: "workload"))
    var workload: String

    @Option(help: ArgumentHelp("Highest allowed monthly cost, e.g. 500 or 1250.50.", valueName: "amount"))
    var budget: String?

    @Option(help: ArgumentHelp("Highest allowed increase over --baseline: an amount (200) or a percentage (10%).", valueName: "amount|pct%"))
    var maxIncrease: String?

    @Option(help: ArgumentHelp("The baseline: a workload file, or a JSON report from `compare`/`check --format json`.", valueName: "file"))
    var baseline: String?

    @Option(help: ArgumentHelp("Measure this plan instead of the cheapest, as provider/plan.", valueName: "provider/plan"))
    var plan: String?

    @Option(help: ArgumentHelp("A budget file (YAML: budget, max_increase, baseline, plan, providers); options given here override it.", valueName: "file"))
    var config: String?

    @OptionGroup var pricing: PricingOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if budget == nil && maxIncrease == nil && config == nil {
            throw ValidationError("give --budget AMOUNT and/or --max-increase AMOUNT|PCT% (with --baseline FILE)")
        }
        if let budget, BudgetCheck.parseAmount(budget) == nil {
            throw ValidationError("--budget: expected an amount of money such as 500 or 1250.50, found '\(budget)'")
        }
        if let maxIncrease, BudgetCheck.Increase(parsing: maxIncrease) == nil {
            throw ValidationError("--max-increase: expected an amount (200) or a percentage (10%), found '\(maxIncrease)'")
        }
        if maxIncrease != nil && baseline == nil && config == nil {
            throw ValidationError("--max-increase needs --baseline FILE (a workload or a saved JSON report)")
        }
    }

    func run() throws {
        var failed = false
        try runReporting {
            let file = try config.map(Self.loadConfig)
            let plan = self.plan ?? file?.plan
            let providers = selection.providers.isEmpty ? file?.providers ?? [] : selection.providers
            let baseline = self.baseline ?? file?.baseline
            let catalog = try pricing.loadCatalog()
            let platform = try selection.platformReference()
            let comparison = try Comparison.compare(try loadWorkload(workload), catalog: catalog, providers: providers,
                                                    platform: platform, withPlatformCosts: selection.withPlatformCosts)
            let subject = try CheckSubject.resolve(plan: plan, in: comparison)
            var rules = BudgetCheck(budget: budget.flatMap(BudgetCheck.parseAmount) ?? file?.budget,
                                    maxIncrease: maxIncrease.flatMap(BudgetCheck.Increase.init(parsing:)) ?? file?.maxIncrease)
            if rules.maxIncrease != nil && baseline == nil {
                throw CostsimError.usage("max_increase needs a baseline", hint: "pass --baseline FILE or set 'baseline:' in the config file")
            }
            if let baseline, rules.maxIncrease != nil {
                rules.baselineCost = try Baseline.cost(of: baseline, plan: plan, catalog: catalog, providers: providers,
                                                       platform: platform, withPlatformCosts: selection.withPlatformCosts)
            }
            let report = CheckReport(comparison: comparison, check: rules, subject: subject.name, cost: subject.cost,
                                     violations: rules.violations(cost: subject.cost, subject: subject.name))
            try output.emit(report.render(output.format))
            if !report.passed {
                FileHandle.standardError.write(Data(("check failed: " + report.violations.map(\.message).joined(separator: "; ") + "\n").utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

extension Check {
    static func loadConfig(_ path: String) throws -> BudgetConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError.unreadable(file: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read the budget file" : "no such file")
        }
        return try BudgetConfig.parse(String(decoding: data, as: UTF8.self), file: path)
    }
}

/// What `check` measures: a named plan, or the cheapest feasible plan.
struct CheckSubject {
    var name: String
    var cost: Decimal?

    static func resolve(plan: String?, in comparison: Comparison) throws -> CheckSubject {
        if let plan {
            let (file, chosen) = try comparison.catalog.findPlan(plan)
            guard let evaluation = comparison.evaluations.first(where: { $0.provider == file.provider && $0.plan.name == chosen.name }) else {
                throw CostsimError.usage("--plan \(plan) is not among the providers selected with --provider", hint: "add --provider \(file.provider)")
            }
            switch evaluation.status {
            case .feasible: return CheckSubject(name: evaluation.id, cost: evaluation.monthlyCost)
            case .custom: return CheckSubject(name: "\(evaluation.id) (a custom plan, not priced)", cost: nil)
            case .infeasible: return CheckSubject(name: "\(evaluation.id) (\(evaluation.reasons.first ?? "infeasible"))", cost: nil)
            }
        }
        guard let cheapest = comparison.cheapest else {
            return CheckSubject(name: "this workload (every plan is infeasible, development-only or custom)", cost: nil)
        }
        return CheckSubject(name: "the cheapest plan (\(cheapest.id))", cost: cheapest.monthlyCost)
    }
}

/// The baseline's monthly cost, from a workload file or a saved JSON report.
enum Baseline {
    static func cost(of path: String, plan: String?, catalog: Catalog, providers: [String], platform: PlatformReference?,
                     withPlatformCosts: Bool) throws -> Decimal {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError.unreadable(file: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read the baseline" : "no such file")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            return try costFromReport(data, path: path, plan: plan)
        }
        let comparison = try Comparison.compare(try Workload.parse(text, file: path), catalog: catalog, providers: providers,
                                                platform: platform, withPlatformCosts: withPlatformCosts)
        let subject = try CheckSubject.resolve(plan: plan, in: comparison)
        guard let cost = subject.cost else {
            throw InputError.invalid([Diagnostic(file: path, line: nil, column: nil, keyPath: "",
                                                 message: "the baseline has no feasible plan to compare with",
                                                 hint: "check the baseline with `costsim compare \(path)`")])
        }
        return cost
    }

    static func costFromReport(_ data: Data, path: String, plan: String?) throws -> Decimal {
        func invalid(_ message: String, _ hint: String) -> InputError {
            .invalid([Diagnostic(file: path, line: nil, column: nil, keyPath: "", message: message, hint: hint)])
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw invalid("not a JSON report", "save one with `costsim compare WORKLOAD --format json --out-file \(path)`")
        }
        var costText: String?
        if let plan, let parts = Optional(plan.split(separator: "/")), parts.count == 2,
           let results = object["results"] as? [[String: Any]] {
            costText = results.first { ($0["provider"] as? String) == String(parts[0]) && ($0["plan"] as? String) == String(parts[1]) }?["monthly_cost"] as? String
        } else if let cheapest = object["cheapest"] as? [String: Any] {
            costText = cheapest["monthly_cost"] as? String
        }
        guard let costText, let cost = Decimal(exactText: costText) else {
            throw invalid("the report has no \(plan.map { "monthly_cost for \($0)" } ?? "cheapest.monthly_cost")",
                          "save the baseline with `costsim compare WORKLOAD --format json`")
        }
        return cost
    }
}
