import CostModel
import Foundation
import Simulation
import Workload

extension Placement {
    /// The report in the requested format: table, JSON, CSV (one row per job) or Markdown.
    ///
    /// `try Placement.place(workload, catalog: seed).render(.json)` starts with
    /// `{"version": 1, "workload": …, "monthly_cost": "440.61", "proven_optimal": true, …`.
    public func render(_ format: ReportFormat) -> String {
        rendered(as: format)
    }

    // MARK: - Sentences shared by table and Markdown

    var optionsLine: String {
        var text = "options: " + options.map(\.provider).joined(separator: ", ")
        if maxProviders < options.count { text += " (at most \(maxProviders) used)" }
        if !pins.isEmpty { text += "; pinned: " + pins.map(\.description).joined(separator: ", ") }
        return text
    }

    /// `Placement: $440.61/month, proven optimal (branch and bound: …)`.
    public var verdict: String {
        var text = "Placement: \(NumberFormat.dollars(monthlyCost))/month, "
        if search.provenOptimal {
            text += "proven optimal (\(search.method): \(NumberFormat.quantity(Decimal(search.nodes))) node\(search.nodes == 1 ? "" : "s"), "
            text += "\(search.profilesSearched) of \(search.profiles) plan profile\(search.profiles == 1 ? "" : "s") searched)"
        } else {
            text += "NOT proven optimal (\(search.method)): the optimum costs at least \(NumberFormat.dollars(search.lowerBound))"
        }
        return text
    }

    /// The comparisons with the best single provider and the rule of thumb.
    var comparisonLines: [String] {
        var lines: [String] = []
        if let single = bestSingleProvider, let evaluation = single.evaluation, let cost = evaluation.monthlyCost {
            lines.append("best single provider: \(evaluation.id) at \(NumberFormat.dollars(cost))/month; \(difference(cost))")
        } else {
            lines.append("best single provider: none takes every job")
        }
        for single in singleProviders where single.evaluation == nil {
            lines.append("  \(single.provider) alone: \(single.reason ?? "cannot take every job")")
        }
        if let rule = ruleOfThumb {
            let text = "seed rule of thumb (\(rule.stepProvider) for short jobs, \(rule.runProvider) for jobs over \(NumberFormat.quantity(rule.thresholdSeconds)) s)"
            if let cost = rule.monthlyCost {
                lines.append("\(text): \(NumberFormat.dollars(cost))/month; \(difference(cost))")
                if !rule.redirected.isEmpty {
                    lines.append("  the rule's short jobs \(rule.stepProvider) cannot take were sent to \(rule.runProvider): \(rule.redirected.joined(separator: ", "))")
                }
            } else {
                lines.append("\(text): infeasible: \(rule.reason ?? "")")
            }
        } else {
            lines.append("seed rule of thumb: not applicable (it needs a step-billed and a run-billed provider among the options)")
        }
        return lines
    }

    func difference(_ other: Decimal) -> String {
        let saving = other - monthlyCost
        if saving > 0 { return "the placement saves \(NumberFormat.dollars(saving))/month" }
        if saving == 0 { return "the placement costs the same" }
        return "the placement costs \(NumberFormat.dollars(-saving))/month more (pins or --max-providers)"
    }

    /// One sentence per job: where it goes and why.
    func reasonLines() -> [String] {
        assignments.enumerated().map { index, assignment in
            var text = "\(assignment.job) -> \(assignment.provider)/\(assignment.plan)"
            if assignment.pinned { text += " (pinned)" }
            guard let added = assignment.addedCost, let without = assignment.providerCostWithout else { return text + "." }
            text += ": adds \(NumberFormat.dollars(added))"
            if added == 0 {
                text += " (it fits what \(assignment.provider)/\(assignment.plan) already pays for)"
            } else if without == 0 {
                text += ", the whole bill of \(assignment.provider): its only job"
            } else {
                text += " to \(assignment.provider)'s bill (\(NumberFormat.dollars(assignment.providerCost)) with it, \(NumberFormat.dollars(without)) without)"
            }
            if let next = assignment.nextBest, let extra = next.extraCost {
                text += extra == 0
                    ? "; moving it to \(next.provider)/\(next.plan ?? "") costs the same"
                    : "; on \(next.provider)/\(next.plan ?? "") the total would be \(NumberFormat.dollars(extra)) higher"
            }
            let ruledOut = assignment.alternatives.filter { $0.extraCost == nil }
            for alternative in ruledOut {
                text += "; \(alternative.provider) ruled out: \(alternative.reason ?? "")"
            }
            if let rule = ruleOfThumb, rule.reason == nil, rule.assignment[index] != assignment.provider {
                text += " (the rule of thumb sends this \(NumberFormat.quantity(assignment.runSeconds)) s job to \(rule.assignment[index]))"
            }
            return text + "."
        }
    }

    func jobRows() -> [[String]] {
        assignments.map { assignment in
            let next = assignment.nextBest
            return [assignment.job, assignment.provider, assignment.plan + (assignment.pinned ? " (pinned)" : ""),
                    assignment.addedCost.map(NumberFormat.dollars) ?? "-",
                    next.map { "\($0.provider)/\($0.plan ?? "")" } ?? "none",
                    next?.extraCost.map { "+" + NumberFormat.dollars($0) } ?? "-"]
        }
    }

    func billRows() -> [[String]] {
        shares.map { share in
            [share.provider, share.evaluation.plan.name, "\(share.jobs.count)", NumberFormat.dollars(share.monthlyCost)]
        } + [["total", "", "\(workload.jobs.count)", NumberFormat.dollars(monthlyCost)]]
    }

    static let jobHeader = ["job", "provider", "plan", "adds", "next best", "difference"]
    static let billHeader = ["provider", "plan", "jobs", "monthly cost"]

    // MARK: - Table

    func renderTable() -> String {
        var out = "costsim place: \(workload.name) (\(workload.file))\n"
        out += ReportText.contextLine(catalog: catalog, platform: platform) + "\n"
        out += workload.volumeLine + "; " + optionsLine + "\n\n"
        out += verdict + "\n\n"
        var jobs = TextTable(Self.jobHeader, alignments: [.left, .left, .left, .right, .left, .right])
        jobRows().forEach { jobs.add($0) }
        out += jobs.render() + "\nBills (each provider at its cheapest plan for its jobs):\n"
        var bills = TextTable(Self.billHeader, alignments: [.left, .left, .right, .right])
        billRows().forEach { bills.add($0) }
        out += bills.render(indent: "  ") + "\nCompared with:\n"
        out += comparisonLines.map { "  " + $0 + "\n" }.joined()
        out += "\nWhy each job goes where it does:\n"
        out += reasonLines().map { "  " + $0 + "\n" }.joined()
        out += ReportText.notesSection(notes)
        return out
    }

    // MARK: - Markdown

    func renderMarkdown() -> String {
        var out = "### costsim place: \(workload.name)\n\n"
        out += ReportText.markdownContext(catalog: catalog, platform: platform) + " "
        out += workload.volumeLine + "; " + optionsLine + ".\n\n"
        out += "**\(verdict).**\n\n"
        out += MarkdownTable.render(header: Self.jobHeader, rightAligned: [3, 5], rows: jobRows())
        out += "\n" + MarkdownTable.render(header: Self.billHeader, rightAligned: [2, 3], rows: billRows())
        out += "\n" + comparisonLines.map { line in
            line.hasPrefix("  ") ? "  - " + line.dropFirst(2) + "\n" : "- " + line + "\n"
        }.joined()
        out += "\n<details><summary>Why each job goes where it does</summary>\n\n"
        out += reasonLines().map { "- " + $0 + "\n" }.joined()
        out += "\n</details>\n"
        out += ReportText.markdownNotes(notes)
        return out
    }

    // MARK: - CSV

    func renderCSV() -> String {
        let header = ["job", "provider", "plan", "pinned", "adds", "next_best_provider", "next_best_plan", "next_best_difference",
                      "ruled_out", "rule_of_thumb_provider", "provider_monthly_cost", "placement_monthly_cost", "proven_optimal"]
        let byProvider = Dictionary(uniqueKeysWithValues: shares.map { ($0.provider, $0.monthlyCost) })
        let rows: [[CSV.Cell]] = assignments.enumerated().map { index, assignment in
            let next = assignment.nextBest
            let ruledOut = assignment.alternatives.filter { $0.extraCost == nil }.map { "\($0.provider): \($0.reason ?? "")" }
            let rule = ruleOfThumb.flatMap { $0.reason == nil ? $0.assignment[index] : nil }
            return [.text(assignment.job), .text(assignment.provider), .text(assignment.plan),
                    .text(assignment.pinned ? "true" : "false"), assignment.addedCost.map { .number(NumberFormat.money($0)) } ?? .empty,
                    next.map { .text($0.provider) } ?? .empty, next.flatMap { $0.plan.map(CSV.Cell.text) } ?? .empty,
                    next?.extraCost.map { .number(NumberFormat.money($0)) } ?? .empty,
                    .text(ruledOut.joined(separator: "; ")), rule.map(CSV.Cell.text) ?? .empty,
                    .number(NumberFormat.money(byProvider[assignment.provider] ?? 0)), .number(NumberFormat.money(monthlyCost)),
                    .text(search.provenOptimal ? "true" : "false")]
        }
        return CSV.render(header: header, rows: rows)
    }

    // MARK: - JSON

    /// The JSON document: money as decimal strings with two decimals.
    public func jsonValue() -> JSONValue {
        var pricing: [JSONValue] = options.map(Comparison.pricingJSON)
        if let platform { pricing.append(Comparison.pricingJSON(platform.file)) }
        let money = { (amount: Decimal) -> JSONValue in .string(NumberFormat.money(amount)) }
        let assignmentsJSON: [JSONValue] = assignments.map { assignment in
            let next: JSONValue = assignment.nextBest.map { alternative in
                .object([("provider", .string(alternative.provider)), ("plan", alternative.plan.map(JSONValue.string) ?? .null),
                         ("difference", alternative.extraCost.map(money) ?? .null)])
            } ?? .null
            return .object([
                ("job", .string(assignment.job)),
                ("provider", .string(assignment.provider)),
                ("plan", .string(assignment.plan)),
                ("pinned", .bool(assignment.pinned)),
                ("adds", assignment.addedCost.map(money) ?? .null),
                ("run_seconds", .number(NumberFormat.plain(assignment.runSeconds))),
                ("next_best", next),
                ("alternatives", .array(assignment.alternatives.map { alternative in
                    .object([("provider", .string(alternative.provider)), ("plan", alternative.plan.map(JSONValue.string) ?? .null),
                             ("difference", alternative.extraCost.map(money) ?? .null),
                             ("reason", alternative.reason.map(JSONValue.string) ?? .null)])
                })),
            ])
        }
        let providersJSON: [JSONValue] = shares.map { share in
            .object([("provider", .string(share.provider)), ("plan", .string(share.evaluation.plan.name)),
                     ("jobs", .array(share.jobs.map(JSONValue.string))), ("monthly_cost", money(share.monthlyCost)),
                     ("lines", .array(share.evaluation.lines.map(Comparison.lineJSON)))])
        }
        let bestSingle: JSONValue = bestSingleProvider.flatMap { single in
            single.evaluation.map { evaluation in
                .object([("provider", .string(single.provider)), ("plan", .string(evaluation.plan.name)),
                         ("monthly_cost", money(evaluation.monthlyCost ?? 0)),
                         ("saving", money((evaluation.monthlyCost ?? 0) - monthlyCost))])
            }
        } ?? .null
        let singles: [JSONValue] = singleProviders.map { single in
            .object([("provider", .string(single.provider)), ("plan", single.evaluation.map { .string($0.plan.name) } ?? .null),
                     ("monthly_cost", single.evaluation.map { money($0.monthlyCost ?? 0) } ?? .null),
                     ("reason", single.reason.map(JSONValue.string) ?? .null)])
        }
        let rule: JSONValue = ruleOfThumb.map { rule in
            .object([
                ("step_provider", .string(rule.stepProvider)),
                ("run_provider", .string(rule.runProvider)),
                ("threshold_seconds", .number(NumberFormat.plain(rule.thresholdSeconds))),
                ("feasible", .bool(rule.reason == nil)),
                ("monthly_cost", rule.monthlyCost.map(money) ?? .null),
                ("saving", rule.monthlyCost.map { money($0 - monthlyCost) } ?? .null),
                ("assignments", .array(zip(workload.jobs, rule.assignment).map { job, provider in
                    .object([("job", .string(job.name)), ("provider", .string(provider))])
                })),
                ("redirected", .array(rule.redirected.map(JSONValue.string))),
                ("reason", rule.reason.map(JSONValue.string) ?? .null),
            ])
        } ?? .null
        return .object([
            ("version", .number("1")),
            ("workload", Comparison.workloadJSON(workload, platform: platform)),
            ("catalog", .string(catalog.name)),
            ("currency", .string("USD")),
            ("pricing", .array(pricing)),
            ("options", .array(options.map { .string($0.provider) })),
            ("max_providers", .number("\(maxProviders)")),
            ("pins", .array(pins.map { .object([("job", .string($0.job)), ("provider", .string($0.provider))]) })),
            ("monthly_cost", money(monthlyCost)),
            ("proven_optimal", .bool(search.provenOptimal)),
            ("lower_bound", search.provenOptimal ? .null : money(search.lowerBound)),
            ("search", .object([("method", .string(search.method)), ("nodes", .number("\(search.nodes)")),
                                ("profiles", .number("\(search.profiles)")), ("profiles_searched", .number("\(search.profilesSearched)")),
                                ("exact_evaluations", .number("\(search.exactEvaluations)")),
                                ("node_limit", .number("\(search.nodeLimit)"))])),
            ("assignments", .array(assignmentsJSON)),
            ("providers", .array(providersJSON)),
            ("best_single_provider", bestSingle),
            ("single_providers", .array(singles)),
            ("rule_of_thumb", rule),
            ("notes", .array(notes.map(JSONValue.string))),
        ])
    }
}

extension Placement: FormatRenderers {}
