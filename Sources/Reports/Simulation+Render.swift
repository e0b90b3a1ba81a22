import CostModel
import Foundation
import Simulation
import Workload

extension SimulationResult {
    /// The report in the requested format. CSV holds the cost figures only (one row per provider,
    /// then one per plan); the sensitivity ranking is in the table, JSON and Markdown.
    public func render(_ format: ReportFormat) -> String {
        rendered(as: format)
    }

    /// One sentence: which provider is cheapest in most months, and its cost figures.
    public var verdict: String {
        let ranked = providers.enumerated().max {
            $0.element.cheapestOverallTrials != $1.element.cheapestOverallTrials
                ? $0.element.cheapestOverallTrials < $1.element.cheapestOverallTrials : $0.offset > $1.offset
        }?.element
        guard let best = ranked, best.cheapestOverallTrials > 0, let cost = best.cost else {
            return "No provider has a feasible plan in any simulated month (see why plans fail)."
        }
        var text = "\(best.provider) is the cheapest provider in \(percent(best.cheapestOverallTrials)) of months"
        text += " (mean \(NumberFormat.dollars(cost.mean)), p95 \(NumberFormat.dollars(cost.p95)), max \(NumberFormat.dollars(cost.max)))"
        if let budget, let over = best.overBudgetTrials {
            text += "; its bill exceeds \(NumberFormat.dollars(budget)) in \(percent(over)) of months"
        }
        return text + "."
    }

    /// `12.3%` of the trials.
    func percent(_ count: Int) -> String {
        NumberFormat.percent(share(count) * 100)
    }

    /// A share of the trials for JSON and CSV: a plain decimal, at most 6 places (`0.0123`).
    func shareText(_ count: Int) -> String {
        NumberFormat.plain(share(count), scale: 6)
    }

    var headerLines: [String] {
        let uncertain = inputs.count
        return [
            "costsim simulate: \(workload.name) (\(workload.file))",
            ReportText.contextLine(catalog: catalog, platform: platform),
            "\(NumberFormat.quantity(Decimal(trials))) simulated months, seed \(seed); \(workload.jobs.count) job\(workload.jobs.count == 1 ? "" : "s"), "
                + "\(uncertain) uncertain input\(uncertain == 1 ? "" : "s")",
        ]
    }

    /// Compare's cost at expected values for a provider (its cheapest feasible plan's bill).
    func expectedCost(_ provider: String) -> Decimal? {
        expected.providers.first { $0.provider == provider }?.cheapest?.monthlyCost
    }

    var budgetHeader: String {
        budget.map { "over \(NumberFormat.dollars($0))" } ?? ""
    }

    func costRow(_ provider: ProviderSimulation) -> [String] {
        let money = { (value: Decimal?) in value.map(NumberFormat.dollars) ?? "-" }
        var row = [provider.provider, money(provider.cost?.mean), money(provider.cost?.p50), money(provider.cost?.p90),
                   money(provider.cost?.p95), money(provider.cost?.p99), money(provider.cost?.max)]
        if budget != nil { row.append(provider.overBudgetTrials.map(percent) ?? "-") }
        row += [percent(provider.infeasibleTrials(of: trials)), percent(provider.cheapestOverallTrials), money(expectedCost(provider.provider))]
        return row
    }

    var costHeader: [String] {
        ["provider", "mean", "p50", "p90", "p95", "p99", "max"] + (budget == nil ? [] : [budgetHeader])
            + ["no feasible plan", "cheapest overall", "compare"]
    }

    func planRows() -> [[String]] {
        providers.flatMap { provider in
            provider.plans.map { plan in
                plan.custom
                    ? [provider.provider, plan.name, "-", "-", "custom: contact sales"]
                    : [provider.provider, plan.name, percent(plan.cheapestTrials), percent(plan.cheapestOverallTrials), percent(plan.infeasibleTrials)]
            }
        }
    }

    func reasonLines() -> [String] {
        providers.flatMap { provider in
            provider.plans.flatMap { plan in
                plan.reasons.map { "\(provider.provider)/\(plan.name): \(percent($0.trials)) of months: \($0.example)" }
            }
        }
    }

    func renderTable() -> String {
        var out = headerLines.joined(separator: "\n") + "\n"
        if !inputs.isEmpty {
            var table = TextTable(["uncertain input", "drawn", "distribution"], alignments: [.left, .left, .left])
            for input in inputs { table.add([input.name, "per " + input.drawnPer, input.distribution]) }
            out += "\n" + table.render()
        }
        out += "\nMonthly cost of each provider's cheapest feasible plan (percentiles over the months it has one):\n"
        var costs = TextTable(costHeader, alignments: [.left] + Array(repeating: .right, count: costHeader.count - 1))
        for provider in providers { costs.add(costRow(provider)) }
        out += costs.render()
        out += "\nHow often each plan is the cheapest:\n"
        var plans = TextTable(["provider", "plan", "cheapest of provider", "cheapest overall", "infeasible"],
                              alignments: [.left, .left, .right, .right, .right])
        for row in planRows() { plans.add(row) }
        out += plans.render()
        out += "\n" + verdict + "\n"
        let reasons = reasonLines()
        if !reasons.isEmpty {
            out += "\nWhy plans fail in some months (with the first such month):\n" + reasons.map { "  \($0)\n" }.joined()
        }
        if let sensitivity {
            out += "\n" + sensitivityTable(sensitivity)
        }
        out += ReportText.notesSection(notes)
        return out
    }

    func sensitivityTable(_ analysis: SensitivityAnalysis) -> String {
        var out = "Sensitivity (tornado: each input at its p10 and p90 monthly value, the others at their mean):\n"
        let baseline = analysis.baseline.map { "\($0.provider) \($0.low.map(NumberFormat.dollars) ?? "no feasible plan")" }
        out += "  all inputs at their mean: " + baseline.joined(separator: ", ") + "\n"
        guard !analysis.entries.isEmpty else { return out + "  (no uncertain input)\n" }
        var header = ["#", "input", "p10", "p90"]
        for effect in analysis.baseline { header.append("\(effect.provider) at p10 → p90 (swing, ρ²)") }
        var table = TextTable(header, alignments: [.right, .left, .right, .right] + analysis.baseline.map { _ in .left })
        for (index, entry) in analysis.entries.enumerated() {
            var row = ["\(index + 1)", entry.input.name, NumberFormat.quantity(entry.low, scale: 4), NumberFormat.quantity(entry.high, scale: 4)]
            for effect in entry.effects { row.append(Self.effectText(effect)) }
            table.add(row)
        }
        return out + table.render(indent: "  ")
    }

    static func effectText(_ effect: SensitivityAnalysis.Effect) -> String {
        let low = effect.low.map(NumberFormat.dollars) ?? "infeasible"
        let high = effect.high.map(NumberFormat.dollars) ?? "infeasible"
        var text = "\(low) → \(high)"
        var details: [String] = []
        if let swing = effect.swing { details.append(NumberFormat.dollars(swing)) }
        if let share = effect.varianceShare { details.append("ρ² " + NumberFormat.fixed(share, scale: 2)) }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        return text
    }

    func renderMarkdown() -> String {
        var out = "### costsim simulate: \(workload.name)\n\n"
        out += ReportText.markdownContext(catalog: catalog, platform: platform) + " "
        out += "\(NumberFormat.quantity(Decimal(trials))) simulated months, seed \(seed).\n\n"
        out += "**\(verdict)**\n\n"
        out += MarkdownTable.render(header: costHeader, rightAligned: Set(1..<costHeader.count), rows: providers.map(costRow))
        out += "\n" + MarkdownTable.render(header: ["provider", "plan", "cheapest of provider", "cheapest overall", "infeasible"],
                                           rightAligned: [2, 3, 4], rows: planRows())
        if !inputs.isEmpty {
            out += "\n<details><summary>Uncertain inputs</summary>\n\n"
            out += MarkdownTable.render(header: ["input", "drawn", "distribution"],
                                        rows: inputs.map { [$0.name, "per " + $0.drawnPer, $0.distribution] })
            out += "\n</details>\n"
        }
        let reasons = reasonLines()
        if !reasons.isEmpty {
            out += "\n<details><summary>Why plans fail in some months</summary>\n\n" + reasons.map { "- \($0)\n" }.joined() + "\n</details>\n"
        }
        if let sensitivity {
            out += "\n#### Sensitivity (tornado)\n\nEach input at its p10 and p90 monthly value, the others at their mean.\n\n"
            var header = ["#", "input", "p10", "p90"]
            for effect in sensitivity.baseline { header.append(effect.provider) }
            out += MarkdownTable.render(header: header, rightAligned: [0, 2, 3], rows: sensitivity.entries.enumerated().map { index, entry in
                ["\(index + 1)", entry.input.name, NumberFormat.quantity(entry.low, scale: 4), NumberFormat.quantity(entry.high, scale: 4)]
                    + entry.effects.map(Self.effectText)
            })
        }
        out += ReportText.markdownNotes(notes)
        return out
    }

    func renderCSV() -> String {
        let header = ["provider", "plan", "mean", "p50", "p90", "p95", "p99", "max", "probability_over_budget",
                      "probability_no_feasible_plan", "cheapest_share", "cheapest_overall_share", "infeasible_share"]
        var rows: [[CSV.Cell]] = []
        let money = { (value: Decimal?) -> CSV.Cell in value.map { .number(NumberFormat.money($0)) } ?? .empty }
        for provider in providers {
            rows.append([.text(provider.provider), .text("cheapest feasible"), money(provider.cost?.mean), money(provider.cost?.p50),
                         money(provider.cost?.p90), money(provider.cost?.p95), money(provider.cost?.p99), money(provider.cost?.max),
                         provider.overBudgetTrials.map { .number(shareText($0)) } ?? .empty,
                         .number(shareText(provider.infeasibleTrials(of: trials))), .empty,
                         .number(shareText(provider.cheapestOverallTrials)), .empty])
            for plan in provider.plans {
                rows.append([.text(provider.provider), .text(plan.name), .empty, .empty, .empty, .empty, .empty, .empty, .empty, .empty,
                             plan.custom ? .empty : .number(shareText(plan.cheapestTrials)),
                             plan.custom ? .empty : .number(shareText(plan.cheapestOverallTrials)),
                             plan.custom ? .empty : .number(shareText(plan.infeasibleTrials))])
            }
        }
        return CSV.render(header: header, rows: rows)
    }

    /// The JSON document: `{"trials", "seed", "providers": [{"provider", "mean", "p50", "p90",
    /// "p95", "p99", "max", "probability_over_budget", …}], …}`, money as decimal strings.
    public func jsonValue() -> JSONValue {
        let money = { (value: Decimal?) -> JSONValue in value.map { .string(NumberFormat.money($0)) } ?? .null }
        let providerJSON: [JSONValue] = providers.map { provider in
            .object([
                ("provider", .string(provider.provider)),
                ("mean", money(provider.cost?.mean)),
                ("p50", money(provider.cost?.p50)),
                ("p90", money(provider.cost?.p90)),
                ("p95", money(provider.cost?.p95)),
                ("p99", money(provider.cost?.p99)),
                ("max", money(provider.cost?.max)),
                ("probability_over_budget", provider.overBudgetTrials.map { .number(shareText($0)) } ?? .null),
                ("trials_over_budget", provider.overBudgetTrials.map { .number("\($0)") } ?? .null),
                ("feasible_trials", .number("\(provider.feasibleTrials)")),
                ("probability_no_feasible_plan", .number(shareText(provider.infeasibleTrials(of: trials)))),
                ("cheapest_overall_share", .number(shareText(provider.cheapestOverallTrials))),
                ("compare_cost", money(expectedCost(provider.provider))),
                ("plans", .array(provider.plans.map { plan in
                    .object([
                        ("plan", .string(plan.name)),
                        ("status", .string(plan.custom ? "custom" : "priced")),
                        ("cheapest_share", plan.custom ? .null : .number(shareText(plan.cheapestTrials))),
                        ("cheapest_overall_share", plan.custom ? .null : .number(shareText(plan.cheapestOverallTrials))),
                        ("infeasible_share", plan.custom ? .null : .number(shareText(plan.infeasibleTrials))),
                        ("reasons", .array(plan.reasons.map { reason in
                            .object([("kind", .string(reason.kind.rawValue)), ("share", .number(shareText(reason.trials))),
                                     ("example", .string(reason.example))])
                        })),
                    ])
                })),
            ])
        }
        var sensitivityJSON: JSONValue = .null
        if let sensitivity {
            let effect = { (effect: SensitivityAnalysis.Effect) -> JSONValue in
                .object([("provider", .string(effect.provider)), ("cost_low", money(effect.low)), ("cost_high", money(effect.high)),
                         ("swing", money(effect.swing)),
                         ("variance_share", effect.varianceShare.map { .number(NumberFormat.plain($0, scale: 4)) } ?? .null)])
            }
            sensitivityJSON = .object([
                ("method", .string("tornado: each input at its p10 and p90 monthly value, the others at their mean")),
                ("baseline", .array(sensitivity.baseline.map { .object([("provider", .string($0.provider)), ("cost", money($0.low))]) })),
                ("inputs", .array(sensitivity.entries.enumerated().map { index, entry in
                    .object([
                        ("rank", .number("\(index + 1)")),
                        ("input", .string(entry.input.name)),
                        ("p10", .string(NumberFormat.plain(entry.low))),
                        ("mean", .string(NumberFormat.plain(entry.mean))),
                        ("p90", .string(NumberFormat.plain(entry.high))),
                        ("swing", money(entry.swing)),
                        ("changes_feasibility", .bool(entry.changesFeasibility)),
                        ("providers", .array(entry.effects.map(effect))),
                    ])
                })),
            ])
        }
        return .object([
            ("version", .number("1")),
            ("command", .string("simulate")),
            ("workload", Comparison.workloadJSON(workload, platform: platform)),
            ("catalog", .string(catalog.name)),
            ("currency", .string("USD")),
            ("trials", .number("\(trials)")),
            ("seed", .number("\(seed)")),
            ("budget", money(budget)),
            ("inputs", .array(inputs.map { input in
                .object([("input", .string(input.name)), ("job", .string(input.job)), ("field", .string(input.field)),
                         ("drawn", .string("per_" + input.drawnPer)), ("distribution", .string(input.distribution))])
            })),
            ("providers", .array(providerJSON)),
            ("sampling", .object([
                ("exact_totals", .number("\(approximation.exactTotals)")),
                ("approximated_totals", .number("\(approximation.approximatedTotals)")),
                ("largest_error_bound", .number(NumberFormat.plain(approximation.largestBound))),
                ("largest_error_bound_input", approximation.largestBoundInput.map(JSONValue.string) ?? .null),
            ])),
            ("sensitivity", sensitivityJSON),
            ("notes", .array(notes.map(JSONValue.string))),
        ])
    }
}

extension SimulationResult: FormatRenderers {}
