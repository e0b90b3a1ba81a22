import CostModel
import Foundation
import Simulation
import Workload

extension Comparison {
    /// The report in the requested format.
    public func render(_ format: ReportFormat) -> String {
        rendered(as: format)
    }

    /// One sentence naming the winner and its margin over the next provider.
    public var verdict: String {
        guard let best = cheapest, let cost = best.monthlyCost else {
            return "No feasible plan: every plan is infeasible, development-only or custom (see the reasons)."
        }
        var text = "Cheapest: \(best.id) at \(NumberFormat.dollars(cost))/month"
        if ranking.count == 1 && providers.count > 1 {
            text += ", the only provider with a feasible plan"
        } else if let next = runnerUp, let nextCost = next.monthlyCost {
            let gap = nextCost - cost
            text += gap == 0
                ? ", tied with \(next.id), the cheapest \(next.providerName) plan"
                : ", \(NumberFormat.dollars(gap)) less than \(next.id) (\(NumberFormat.dollars(nextCost))), the cheapest \(next.providerName) plan"
        }
        return text + "."
    }

    func status(of evaluation: PlanEvaluation) -> String {
        switch evaluation.status {
        case .custom: return "custom: contact sales"
        case .infeasible: return evaluation.plan.production ? "infeasible" : (evaluation.reasons.count > 1 ? "infeasible" : "development only")
        case .feasible:
            if evaluation == cheapest { return "cheapest overall" }
            if providers.contains(where: { $0.cheapest == evaluation }) { return "cheapest \(evaluation.providerName)" }
            return "feasible"
        }
    }

    var header: String {
        var text = "costsim compare: \(workload.name) (\(workload.file))\n"
        text += ReportText.contextLine(catalog: catalog, platform: platform) + "\n"
        return text + workload.volumeLine + "\n"
    }

    /// Providers at their cheapest feasible plan, cheapest first, then those with none.
    func rankingLines() -> [String] {
        var lines: [String] = []
        var table = TextTable(["#", "option", "monthly cost"], alignments: [.right, .left, .right])
        for (index, choice) in ranking.enumerated() {
            guard let best = choice.cheapest else { continue }
            table.add(["\(index + 1)", best.id, NumberFormat.dollars(best.monthlyCost ?? 0)])
        }
        for choice in providers where choice.cheapest == nil {
            table.add(["-", choice.provider, "no feasible plan"])
        }
        lines.append(contentsOf: table.render(indent: "  ").split(separator: "\n").map(String.init))
        return lines
    }

    func renderTable() -> String {
        var table = TextTable(["provider", "plan", "monthly cost", "status"], alignments: [.left, .left, .right, .left])
        for evaluation in evaluations {
            table.add([evaluation.provider, evaluation.plan.name,
                       evaluation.monthlyCost.map(NumberFormat.dollars) ?? "-", status(of: evaluation)])
        }
        var out = header + "\n" + table.render() + "\nRanking (each provider at its cheapest feasible plan):\n"
        out += rankingLines().joined(separator: "\n") + "\n\n" + verdict + "\n"
        let ruledOut = evaluations.filter { $0.status == .infeasible }
        if !ruledOut.isEmpty {
            out += "\nWhy plans are ruled out:\n"
            for evaluation in ruledOut {
                for reason in evaluation.reasons { out += "  \(evaluation.id): \(reason)\n" }
            }
        }
        out += ReportText.notesSection(notes)
        return out
    }

    func renderMarkdown() -> String {
        var out = "### costsim compare: \(workload.name)\n\n"
        out += ReportText.markdownContext(catalog: catalog, platform: platform) + " \(workload.volumeLine).\n\n"
        out += "**\(verdict)**\n\n"
        out += MarkdownTable.render(header: ["provider", "plan", "monthly cost", "status"], rightAligned: [2], rows: evaluations.map {
            [$0.provider, $0.plan.name, $0.monthlyCost.map(NumberFormat.dollars) ?? "-", status(of: $0)]
        })
        let ruledOut = evaluations.filter { $0.status == .infeasible }
        if !ruledOut.isEmpty {
            out += "\n<details><summary>Why plans are ruled out</summary>\n\n"
            for evaluation in ruledOut {
                for reason in evaluation.reasons { out += "- `\(evaluation.id)`: \(reason)\n" }
            }
            out += "\n</details>\n"
        }
        out += ReportText.markdownNotes(notes)
        return out
    }

    func renderCSV() -> String {
        let header = ["provider", "plan", "status", "monthly_cost", "fee", "usage", "credit",
                      "cheapest_for_provider", "cheapest_overall", "reasons"]
        let rows: [[CSV.Cell]] = evaluations.map { evaluation in
            let fee = evaluation.lines.filter { $0.kind == .fee }.reduce(Decimal(0)) { $0 + $1.amount }
            let usage = evaluation.lines.filter { $0.kind == .usage || $0.kind == .compute }.reduce(Decimal(0)) { $0 + $1.amount }
            let credit = evaluation.lines.filter { $0.kind == .credit }.reduce(Decimal(0)) { $0 + $1.amount }
            let priced = evaluation.monthlyCost != nil
            return [.text(evaluation.provider), .text(evaluation.plan.name), .text(evaluation.status.rawValue),
                    evaluation.monthlyCost.map { .number(NumberFormat.money($0)) } ?? .empty,
                    priced ? .number(NumberFormat.money(fee)) : .empty,
                    priced ? .number(NumberFormat.money(usage)) : .empty,
                    priced ? .number(NumberFormat.money(credit)) : .empty,
                    .text(providers.contains { $0.cheapest == evaluation } ? "true" : "false"),
                    .text(evaluation == cheapest ? "true" : "false"),
                    .text(evaluation.reasons.joined(separator: "; "))]
        }
        return CSV.render(header: header, rows: rows)
    }

    /// The JSON document of SPEC §6.
    public func jsonValue() -> JSONValue {
        var pricing: [JSONValue] = providers.compactMap { choice in catalog.file(choice.provider) }.map(Self.pricingJSON)
        if let platform { pricing.append(Self.pricingJSON(platform.file)) }
        let results: [JSONValue] = evaluations.map(Self.evaluationJSON)
        let cheapestJSON: JSONValue = cheapest.map {
            .object([("provider", .string($0.provider)), ("plan", .string($0.plan.name)),
                     ("monthly_cost", .string(NumberFormat.money($0.monthlyCost ?? 0)))])
        } ?? .null
        let perProvider: [JSONValue] = providers.map { choice in
            .object([("provider", .string(choice.provider)), ("plan", choice.cheapest.map { .string($0.plan.name) } ?? .null),
                     ("monthly_cost", choice.cheapest.map { .string(NumberFormat.money($0.monthlyCost ?? 0)) } ?? .null)])
        }
        var margin: JSONValue = .null
        if let best = cheapest, let next = runnerUp {
            margin = .object([("runner_up", .string(next.id)),
                              ("amount", .string(NumberFormat.money((next.monthlyCost ?? 0) - (best.monthlyCost ?? 0))))])
        }
        return .object([
            ("version", .number("1")),
            ("workload", Self.workloadJSON(workload, platform: platform)),
            ("catalog", .string(catalog.name)),
            ("currency", .string("USD")),
            ("pricing", .array(pricing)),
            ("results", .array(results)),
            ("cheapest_per_provider", .array(perProvider)),
            ("ranking", .array(ranking.compactMap { $0.cheapest.map { .string($0.id) } })),
            ("cheapest", cheapestJSON),
            ("margin", margin),
            ("notes", .array(notes.map(JSONValue.string))),
        ])
    }

    /// `{"name", "file", "jobs", "platform"}`: the workload a report is about.
    static func workloadJSON(_ workload: Workload, platform: PlatformPlan?) -> JSONValue {
        .object([("name", .string(workload.name)), ("file", .string(workload.file)),
                 ("jobs", .number("\(workload.jobs.count)")), ("platform", platform.map { .string($0.id) } ?? .null)])
    }

    static func pricingJSON(_ file: PricingFile) -> JSONValue {
        .object([("file", .string(file.file)), ("provider", .string(file.provider)), ("catalog", .string(file.catalog)),
                 ("effective", .string(file.effective)), ("confidence", .string(file.confidence)), ("sha256", .string(file.sha256))])
    }

    static func evaluationJSON(_ evaluation: PlanEvaluation) -> JSONValue {
        .object([
            ("provider", .string(evaluation.provider)),
            ("plan", .string(evaluation.plan.name)),
            ("status", .string(evaluation.status.rawValue)),
            ("feasible", .bool(evaluation.isFeasible)),
            ("monthly_cost", evaluation.monthlyCost.map { .string(NumberFormat.money($0)) } ?? .null),
            ("reasons", .array(evaluation.reasons.map(JSONValue.string))),
            ("lines", .array(evaluation.lines.map(lineJSON))),
        ])
    }

    static func lineJSON(_ line: CostLine) -> JSONValue {
        .object([
            ("name", .string(line.name)),
            ("quantity", line.quantity.map { .string(NumberFormat.plain($0)) } ?? .null),
            ("included", line.included.map { .string(NumberFormat.plain($0)) } ?? .null),
            ("unit_price", PriceText.describe(line).map(JSONValue.string) ?? .null),
            ("amount", .string(NumberFormat.money(line.amount))),
        ])
    }
}

extension Comparison: FormatRenderers {}
