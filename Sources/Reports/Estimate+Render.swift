import CostModel
import Foundation
import Simulation
import Workload

extension Estimate {
    /// The report in the requested format; `explain` adds each formula with its numbers.
    public func render(_ format: ReportFormat, explain: Bool = false) -> String {
        switch format {
        case .table: return renderTable(explain: explain)
        case .markdown: return renderMarkdown(explain: explain)
        case .json: return jsonValue(explain: explain).rendered()
        case .csv: return renderCSV()
        }
    }

    var title: String { "\(workload.name) on \(evaluation.id)" }

    var modelLine: String {
        let execution = provider.execution == .steps ? "a retry re-runs only the failed step"
                                                     : "a retry re-runs the whole run"
        let runsOn = provider.runsOn == .platform
            ? "steps run in your functions (platform \(platform?.id ?? "not given: time limits not checked"))"
            : "runs on \(provider.name)'s machines"
        return "\(provider.name): \(execution); \(runsOn)"
    }

    var statusLine: String {
        switch evaluation.status {
        case .feasible: return "feasible"
        case .custom: return "custom plan: contact sales, not priced"
        case .infeasible: return "INFEASIBLE: " + evaluation.reasons.joined(separator: "; ")
        }
    }

    var meterNames: [String] { provider.meters.map(\.name) }

    func usageRows() -> [[String]] {
        var rows: [[String]] = []
        for (index, job) in workload.jobs.enumerated() {
            let values = jobMeterValues(job: index)
            rows.append([job.name, NumberFormat.quantity(job.runsPerMonth)] + values.map { NumberFormat.quantity($0.quantity) })
        }
        let totals = meterNames.map { name in usage.meterTotals[name].map { NumberFormat.quantity($0) } ?? "" }
        rows.append(["total", NumberFormat.quantity(usage.totals[.runs])] + totals)
        return rows
    }

    func billRows() -> [[String]] {
        evaluation.lines.map { line in
            [line.name, line.quantity.map { NumberFormat.quantity($0) } ?? "", line.included.map { NumberFormat.quantity($0) } ?? "",
             PriceText.describe(line) ?? "", NumberFormat.dollars(line.amount)]
        } + [["total", "", "", "", evaluation.monthlyCost.map(NumberFormat.dollars) ?? "-"]]
    }

    func renderTable(explain: Bool) -> String {
        var out = "costsim estimate: \(title) (catalog \(catalog.name))\n\(modelLine)\n\n"
        var usageTable = TextTable(["job", "runs/month"] + meterNames.map { meterLabel($0) },
                                   alignments: [.left] + Array(repeating: .right, count: meterNames.count + 1))
        usageRows().forEach { usageTable.add($0) }
        out += "Usage per month\n" + usageTable.render(indent: "  ") + "\n"
        if evaluation.status != .custom {
            var bill = TextTable(["line", "quantity", "included", "price", "amount"], alignments: [.left, .right, .right, .left, .right])
            billRows().forEach { bill.add($0) }
            out += "Bill\n" + bill.render(indent: "  ") + "\n"
        }
        out += "Status: \(statusLine)\n"
        if explain {
            out += "\nHow each figure is computed\n" + explanation().map { "  " + $0 + "\n" }.joined()
        }
        return out
    }

    func renderMarkdown(explain: Bool) -> String {
        var out = "### costsim estimate: \(title)\n\nCatalog `\(catalog.name)`. \(modelLine).\n\n**Status:** \(statusLine)\n\n"
        out += MarkdownTable.render(header: ["job", "runs/month"] + meterNames.map { meterLabel($0) },
                                    rightAligned: Set(1...(meterNames.count + 1)), rows: usageRows())
        if evaluation.status != .custom {
            out += "\n" + MarkdownTable.render(header: ["line", "quantity", "included", "price", "amount"], rightAligned: [1, 2, 4], rows: billRows())
        }
        if explain {
            out += "\n<details><summary>How each figure is computed</summary>\n\n```\n" + explanation().joined(separator: "\n") + "\n```\n\n</details>\n"
        }
        return out
    }

    func meterLabel(_ name: String) -> String {
        provider.isMachinePriced && name == PricingFile.machineMeterName ? "compute_seconds" : name
    }

    func renderCSV() -> String {
        var rows: [[CSV.Cell]] = []
        for (index, job) in workload.jobs.enumerated() {
            for value in jobMeterValues(job: index) {
                rows.append([.text("usage"), .text(job.name), .text(value.meter), .number(NumberFormat.plain(value.quantity)), .empty, .empty, .empty])
            }
        }
        for line in evaluation.lines {
            rows.append([.text("bill"), .empty, .text(line.name), line.quantity.map { .number(NumberFormat.plain($0)) } ?? .empty,
                         line.included.map { .number(NumberFormat.plain($0)) } ?? .empty,
                         PriceText.describe(line).map(CSV.Cell.text) ?? .empty, .number(NumberFormat.money(line.amount))])
        }
        if let total = evaluation.monthlyCost {
            rows.append([.text("total"), .empty, .text("monthly_cost"), .empty, .empty, .empty, .number(NumberFormat.money(total))])
        }
        return CSV.render(header: ["section", "job", "name", "quantity", "included", "unit_price", "amount"], rows: rows)
    }

    func jsonValue(explain: Bool) -> JSONValue {
        let jobs: [JSONValue] = workload.jobs.enumerated().map { index, job in
            let quantities = usage.jobQuantities[index]
            var pairs: [(String, JSONValue)] = [("job", .string(job.name))]
            if provider.isMachinePriced { pairs.append(("machine", usage.jobMachines[index].map(JSONValue.string) ?? .null)) }
            pairs.append(("quantities", .object(Quantity.allCases.map { ($0.rawValue, .string(NumberFormat.plain(quantities[$0]))) })))
            pairs.append(("meters", .object(jobMeterValues(job: index).map { ($0.meter, .string(NumberFormat.plain($0.quantity))) })))
            return .object(pairs)
        }
        var pairs: [(String, JSONValue)] = [
            ("version", .number("1")),
            ("workload", .object([("name", .string(workload.name)), ("file", .string(workload.file)),
                                  ("platform", platform.map { .string($0.id) } ?? .null)])),
            ("catalog", .string(catalog.name)),
            ("currency", .string("USD")),
            ("pricing", .array([Comparison.pricingJSON(provider)] + (platform.map { [Comparison.pricingJSON($0.file)] } ?? []))),
            ("provider", .string(provider.provider)),
            ("plan", .string(evaluation.plan.name)),
            ("status", .string(evaluation.status.rawValue)),
            ("feasible", .bool(evaluation.isFeasible)),
            ("monthly_cost", evaluation.monthlyCost.map { .string(NumberFormat.money($0)) } ?? .null),
            ("reasons", .array(evaluation.reasons.map(JSONValue.string))),
            ("lines", .array(evaluation.lines.map(Comparison.lineJSON))),
            ("jobs", .array(jobs)),
        ]
        if explain { pairs.append(("explain", .array(explanation().map(JSONValue.string)))) }
        return .object(pairs)
    }

    /// Every figure's formula with its numbers, job by job, then meter by meter.
    func explanation() -> [String] {
        var lines: [String] = []
        let q = NumberFormat.quantity
        for (index, job) in workload.jobs.enumerated() {
            let quantities = usage.jobQuantities[index]
            lines.append("\(job.name):")
            let runs = quantities[.runs]
            switch job.volume {
            case .perMonth(let value): lines.append("  runs = runs_per_month = \(q(value, 6))")
            case .perDay(let value): lines.append("  runs = runs_per_day × month_hours / 24 = \(q(value, 6)) × \(q(workload.monthHours, 6)) / 24 = \(q(runs, 6))")
            case .perHour(let value): lines.append("  runs = runs_per_hour × month_hours = \(q(value, 6)) × \(q(workload.monthHours, 6)) = \(q(runs, 6))")
            case .schedule(let cron): lines.append("  runs = average firings of \"\(cron)\" per \(q(workload.monthHours, 6))-hour month = \(q(runs, 6))")
            }
            let failures = job.failuresPerRun
            let active = job.activeSecondsPerRun
            let activeText = job.runSeconds != nil ? "run_seconds \(q(active, 6))"
                : "(steps − sleeps) × step_seconds = (\(q(job.stepsPerRun, 6)) − \(q(job.sleepsPerRun, 6))) × \(q(job.stepSeconds ?? 0, 6)) = \(q(active, 6))"
            lines.append("  active seconds per run = \(activeText)")
            lines.append("  steps = runs × steps_per_run = \(q(runs, 6)) × \(q(job.stepsPerRun, 6)) = \(q(quantities[.steps], 6))")
            lines.append("  sleeps = runs × sleeps_per_run = \(q(runs, 6)) × \(q(job.sleepsPerRun, 6)) = \(q(quantities[.sleeps], 6))")
            switch provider.execution {
            case .steps:
                lines.append("  step_attempts = steps + runs × (steps − sleeps) × retry_rate = \(q(quantities[.steps], 6)) + \(q(runs, 6)) × \(q(failures, 6)) = \(q(quantities[.stepAttempts], 6))")
                lines.append("  compute_seconds = runs × active × (1 + retry_rate) = \(q(runs, 6)) × \(q(active, 6)) × \(q(1 + job.retryRate, 6)) = \(q(quantities[.computeSeconds], 6))")
                lines.append("  invocations = runs + step_attempts = \(q(runs, 6)) + \(q(quantities[.stepAttempts], 6)) = \(q(quantities[.invocations], 6))")
            case .runs:
                lines.append("  run_attempts = runs × (1 + (steps − sleeps) × retry_rate) = \(q(runs, 6)) × \(q(1 + failures, 6)) = \(q(quantities[.runAttempts], 6))")
                lines.append("  step_attempts = steps × (1 + (steps − sleeps) × retry_rate) = \(q(quantities[.stepAttempts], 6))")
                lines.append("  compute_seconds = run_attempts × active (a failed attempt billed as a whole run) = \(q(quantities[.runAttempts], 6)) × \(q(active, 6)) = \(q(quantities[.computeSeconds], 6))")
            }
            let memory = job.memoryMB.map { NumberFormat.plain($0) } ?? "\(NumberFormat.plain(Job.defaultMemoryMB)) (default)"
            lines.append("  gb_seconds = compute_seconds × memory_mb / 1024 = \(q(quantities[.computeSeconds], 6)) × \(memory) / 1024 = \(q(quantities[.gbSeconds], 6))")
            if job.eventsPerRun > 0 { lines.append("  events = runs × events_per_run = \(q(quantities[.events], 6))") }
            if provider.isMachinePriced, let machine = usage.jobMachines[index] {
                lines.append("  machine = \(machine) (\(job.machine != nil ? "named by the job" : job.memoryMB != nil ? "smallest preset with at least \(q(job.memoryMB ?? 0, 0)) MB" : "the provider's default"))")
            }
        }
        lines.append("meters (summed over jobs):")
        for meter in provider.meters {
            let terms = meter.terms.map { "\(q($0.coefficient, 6)) × \($0.quantity.rawValue)" }.joined(separator: " + ")
            if provider.isMachinePriced && meter.name == PricingFile.machineMeterName {
                lines.append("  \(meter.name) = \(terms), priced per second by each job's machine")
                continue
            }
            lines.append("  \(meter.name) = \(terms) = \(q(usage.meterTotals[meter.name] ?? 0, 6))")
        }
        if evaluation.status != .custom {
            lines.append("bill:")
            for line in evaluation.lines {
                lines.append("  " + billExplanation(line))
            }
            lines.append("  total = sum of the rounded lines = \(NumberFormat.dollars(evaluation.monthlyCost ?? 0))")
        }
        return lines
    }

    func billExplanation(_ line: CostLine) -> String {
        let q = NumberFormat.quantity
        switch line.kind {
        case .fee: return "monthly_fee = \(NumberFormat.dollars(line.amount))"
        case .credit:
            return "credit = −min(credit \(NumberFormat.dollars(evaluation.plan.credit)), usage) = \(NumberFormat.dollars(line.amount))"
        case .compute:
            return "\(line.name) = \(q(line.quantity ?? 0, 6)) s × \(NumberFormat.price(line.perSecond ?? 0)) = \(NumberFormat.dollars(line.exactAmount)) (exact \(NumberFormat.plain(line.exactAmount, scale: 8)))"
        case .usage:
            let quantity = line.quantity ?? 0
            let included = line.included ?? 0
            guard let price = line.price else {
                return "\(line.name) = \(q(quantity, 6)) (\(line.included == nil ? "free on this plan" : "capped at \(q(included, 6)) included")) = $0.00"
            }
            let overage = max(0, quantity - included)
            let over = "max(0, \(q(quantity, 6)) − \(q(included, 6))) = \(q(overage, 6)) over"
            switch price {
            case .unit(let unit): return "\(line.name): \(over) × \(NumberFormat.price(unit)) = \(NumberFormat.dollars(line.amount))"
            case .block(let per, let amount):
                return "\(line.name): \(over); ⌈\(q(overage, 6)) / \(q(per, 6))⌉ = \(q((overage / per).ceiled(), 0)) blocks × \(NumberFormat.price(amount)) = \(NumberFormat.dollars(line.amount))"
            case .prorated(let per, let amount):
                return "\(line.name): \(over) × \(NumberFormat.price(amount)) / \(q(per, 6)) = \(NumberFormat.dollars(line.amount))"
            case .tiers:
                return "\(line.name): \(over), charged by band (\(PriceText.describe(price))) = \(NumberFormat.dollars(line.amount))"
            }
        }
    }
}
