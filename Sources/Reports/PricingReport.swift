import CostModel
import Foundation

/// `costsim pricing list`: catalogs, providers and plans at a glance.
public struct PricingListReport: Sendable {
    public var library: PricingLibrary
    /// The catalogs to list (all when `costsim pricing list` is given no --catalog).
    public var catalogs: [Catalog]

    public init(library: PricingLibrary, catalogs: [Catalog]) {
        self.library = library
        self.catalogs = catalogs
    }

    struct Row { var catalog, provider, kind, plan, fee, effective, confidence, note: String }

    func rows(money: (Decimal) -> String) -> [Row] {
        catalogs.flatMap { catalog in
            catalog.files.flatMap { file in
                file.plans.map { plan in
                    let fee = plan.custom ? "custom" : plan.monthlyFee.map(money) ?? "-"
                    var notes: [String] = []
                    if !plan.production { notes.append("development only") }
                    if file.kind == .platform, let limit = plan.limits.maxDurationSeconds {
                        notes.append("max \(NumberFormat.quantity(limit)) s")
                    }
                    if plan.credit > 0 { notes.append("credit \(money(plan.credit))") }
                    return Row(catalog: catalog.name, provider: file.provider, kind: file.kind.rawValue, plan: plan.name, fee: fee,
                               effective: plan.effective ?? file.effective, confidence: plan.confidence ?? file.confidence,
                               note: notes.joined(separator: ", "))
                }
            }
        }
    }

    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .table:
            var out = "Catalogs (default: \(library.defaultCatalog ?? "none"))\n"
            var index = TextTable(["catalog", "description"], alignments: [.left, .left])
            for catalog in catalogs { index.add([catalog.name, catalog.description ?? ""]) }
            out += index.render(indent: "  ") + "\n"
            var table = TextTable(["catalog", "provider", "kind", "plan", "monthly fee", "effective", "confidence", "notes"],
                                  alignments: [.left, .left, .left, .left, .right, .left, .left, .left])
            for row in rows(money: NumberFormat.dollars) {
                table.add([row.catalog, row.provider, row.kind, row.plan, row.fee, row.effective, row.confidence, row.note])
            }
            return out + table.render()
        case .markdown:
            return "### costsim pricing catalogs (default: `\(library.defaultCatalog ?? "none")`)\n\n"
                + MarkdownTable.render(header: ["catalog", "provider", "kind", "plan", "monthly fee", "effective", "confidence", "notes"],
                                       rightAligned: [4], rows: rows(money: NumberFormat.dollars).map {
                                           [$0.catalog, $0.provider, $0.kind, $0.plan, $0.fee, $0.effective, $0.confidence, $0.note]
                                       })
        case .csv:
            return CSV.render(header: ["catalog", "provider", "kind", "plan", "monthly_fee", "effective", "confidence", "notes"],
                              rows: rows(money: NumberFormat.money).map { row in
                                  [.text(row.catalog), .text(row.provider), .text(row.kind), .text(row.plan),
                                   row.fee.first?.isNumber == true ? .number(row.fee) : .text(row.fee),
                                   .text(row.effective), .text(row.confidence), .text(row.note)]
                              })
        case .json:
            return JSONValue.object([
                ("default", library.defaultCatalog.map(JSONValue.string) ?? .null),
                ("catalogs", .array(catalogs.map { catalog in
                    .object([("name", .string(catalog.name)), ("description", catalog.description.map(JSONValue.string) ?? .null),
                             ("files", .array(catalog.files.map(PricingShowReport.fileJSON)))])
                })),
            ]).rendered()
        }
    }
}

/// `costsim pricing show PROVIDER[/PLAN]`: every figure of one file with its provenance.
public struct PricingShowReport: Sendable {
    public var file: PricingFile
    /// Only this plan, when given.
    public var plan: String?

    public init(file: PricingFile, plan: String?) {
        self.file = file
        self.plan = plan
    }

    var plans: [Plan] { file.plans.filter { plan == nil || $0.name == plan } }

    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .json:
            return Self.fileJSON(file, plans: plans).rendered()
        case .csv:
            var rows: [[CSV.Cell]] = []
            for plan in plans {
                rows.append([.text(plan.name), .text("monthly_fee"), plan.monthlyFee.map { .number(NumberFormat.money($0)) } ?? .text(plan.custom ? "custom" : ""), .empty])
                for meter in file.meters {
                    rows.append([.text(plan.name), .text(meter.name), plan.included[meter.name].map { .number(NumberFormat.plain($0)) } ?? .empty,
                                 .text(plan.price[meter.name].map(PriceText.describe) ?? "")])
                }
                if plan.credit > 0 { rows.append([.text(plan.name), .text("credit"), .number(NumberFormat.money(plan.credit)), .empty]) }
            }
            return CSV.render(header: ["plan", "item", "included_or_amount", "price"], rows: rows)
        case .table, .markdown:
            let lines = describeLines()
            if format == .markdown {
                return "### \(file.name) (`\(file.provider)`, catalog `\(file.catalog)`)\n\n" + lines.map { $0.isEmpty ? "\n" : "    " + $0 + "\n" }.joined()
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    func describeLines() -> [String] {
        var lines = ["\(file.name) (\(file.provider))\(file.kind == .platform ? ", a platform" : ""), catalog \(file.catalog)",
                     "  file:       \(file.file)",
                     "  effective:  \(file.effective)",
                     "  source:     \(file.source)",
                     "  confidence: \(file.confidence)\(file.confidence == "unverified" ? " (third-party or undated figures: check before relying on them)" : "")"]
        if let notes = file.notes { lines.append("  notes:      \(notes)") }
        if file.kind == .provider {
            lines.append("  execution:  \(file.execution.rawValue) (\(file.execution == .steps ? "a retry re-runs only the failed step" : "a retry re-runs the whole run"))")
            lines.append("  runs on:    \(file.runsOn.rawValue) (\(file.runsOn == .platform ? "steps execute in your serverless functions; the platform's limits apply" : "the provider's machines; its own limits apply"))")
        }
        if !file.meters.isEmpty {
            lines.append("  meters:")
            for meter in file.meters {
                lines.append("    \(meter.name) = " + meter.terms.map { "\(NumberFormat.plain($0.coefficient)) × \($0.quantity.rawValue)" }.joined(separator: " + "))
            }
        }
        if !file.machines.isEmpty {
            lines.append("  machines (compute_seconds priced per second; default \(file.defaultMachine ?? "-")):")
            for machine in file.machines {
                lines.append("    \(machine.name): \(NumberFormat.plain(machine.vcpu)) vCPU, \(NumberFormat.quantity(machine.memoryMB)) MB, \(NumberFormat.price(machine.perSecond)) per second\(machine.confidence == "unverified" ? " (unverified)" : "")")
            }
        }
        for plan in plans {
            lines.append("")
            var title = "  plan \(plan.name)"
            if plan.custom { title += " (custom: contact sales)" }
            if !plan.production { title += " (development only)" }
            lines.append(title)
            if let fee = plan.monthlyFee { lines.append("    monthly fee: \(NumberFormat.dollars(fee))") }
            for meter in file.meters {
                let included = plan.included[meter.name]
                let price = plan.price[meter.name]
                if included == nil && price == nil { continue }
                var text = "    \(meter.name):"
                if let included { text += " \(NumberFormat.quantity(included)) included" }
                if let price { text += included == nil ? " \(PriceText.describe(price)) each" : ", then \(PriceText.describe(price))" }
                else { text += ", capped (no overage price)" }
                lines.append(text)
            }
            if plan.credit > 0 { lines.append("    credit: \(NumberFormat.dollars(plan.credit)) of usage included") }
            let limits = Self.limitTexts(plan.limits)
            if !limits.isEmpty { lines.append("    limits: " + limits.joined(separator: ", ")) }
            if let note = plan.note { lines.append("    note: \(note)") }
            if let source = plan.source { lines.append("    source: \(source)") }
            if let effective = plan.effective { lines.append("    effective: \(effective)") }
            if let confidence = plan.confidence { lines.append("    confidence: \(confidence)") }
        }
        return lines
    }

    static func limitTexts(_ limits: Limits) -> [String] {
        var texts: [String] = []
        if let value = limits.maxDurationSeconds { texts.append("max duration \(NumberFormat.quantity(value)) s") }
        if let value = limits.memoryMB { texts.append("memory \(NumberFormat.quantity(value)) MB") }
        if let value = limits.concurrency { texts.append("concurrency \(NumberFormat.quantity(value))") }
        if let value = limits.historyDays { texts.append("history \(NumberFormat.quantity(value)) days") }
        if let value = limits.maxStepsPerRun { texts.append("\(NumberFormat.quantity(value)) steps per run") }
        for (meter, cap) in limits.maxQuantity.sorted(by: { $0.key < $1.key }) { texts.append("\(meter) at most \(NumberFormat.quantity(cap))") }
        if let value = limits.maxUsage { texts.append("usage at most \(NumberFormat.dollars(value))") }
        return texts
    }

    static func fileJSON(_ file: PricingFile) -> JSONValue { fileJSON(file, plans: file.plans) }

    static func fileJSON(_ file: PricingFile, plans: [Plan]) -> JSONValue {
        func decimal(_ value: Decimal?) -> JSONValue { value.map { .string(NumberFormat.plain($0, scale: 10)) } ?? .null }
        func priceJSON(_ price: Price) -> JSONValue {
            switch price {
            case .unit(let value): return .object([("unit", .string(NumberFormat.price(value)))])
            case .block(let per, let amount): return .object([("per", decimal(per)), ("amount", .string(NumberFormat.price(amount)))])
            case .prorated(let per, let amount): return .object([("per", decimal(per)), ("amount", .string(NumberFormat.price(amount))), ("partial", .bool(true))])
            case .tiers(let tiers): return .object([("tiers", .array(tiers.map { .object([("up_to", decimal($0.upTo)), ("price", .string(NumberFormat.price($0.price)))]) }))])
            }
        }
        return .object([
            ("provider", .string(file.provider)), ("name", .string(file.name)), ("kind", .string(file.kind.rawValue)),
            ("catalog", .string(file.catalog)), ("file", .string(file.file)), ("effective", .string(file.effective)),
            ("source", .string(file.source)), ("confidence", .string(file.confidence)), ("sha256", .string(file.sha256)),
            ("execution", .string(file.execution.rawValue)), ("runs_on", .string(file.runsOn.rawValue)),
            ("meters", .object(file.meters.map { meter in (meter.name, .object(meter.terms.map { ($0.quantity.rawValue, decimal($0.coefficient)) })) })),
            ("machines", .array(file.machines.map { machine in
                .object([("name", .string(machine.name)), ("vcpu", decimal(machine.vcpu)), ("memory_mb", decimal(machine.memoryMB)),
                         ("per_second", .string(NumberFormat.price(machine.perSecond))), ("confidence", machine.confidence.map(JSONValue.string) ?? .null)])
            })),
            ("plans", .array(plans.map { plan in
                .object([
                    ("name", .string(plan.name)), ("custom", .bool(plan.custom)), ("production", .bool(plan.production)),
                    ("monthly_fee", plan.monthlyFee.map { .string(NumberFormat.money($0)) } ?? .null),
                    ("credit", .string(NumberFormat.money(plan.credit))),
                    ("included", .object(plan.included.sorted { $0.key < $1.key }.map { ($0.key, decimal($0.value)) })),
                    ("price", .object(plan.price.sorted { $0.key < $1.key }.map { ($0.key, priceJSON($0.value)) })),
                    ("limits", .object(limitPairs(plan.limits))),
                    ("confidence", .string(plan.confidence ?? file.confidence)),
                    ("effective", .string(plan.effective ?? file.effective)),
                ])
            })),
        ])
        func limitPairs(_ limits: Limits) -> [(String, JSONValue)] {
            var pairs: [(String, JSONValue)] = []
            if let v = limits.maxDurationSeconds { pairs.append(("max_duration_seconds", decimal(v))) }
            if let v = limits.memoryMB { pairs.append(("memory_mb", decimal(v))) }
            if let v = limits.concurrency { pairs.append(("concurrency", decimal(v))) }
            if let v = limits.historyDays { pairs.append(("history_days", decimal(v))) }
            if let v = limits.maxStepsPerRun { pairs.append(("max_steps_per_run", decimal(v))) }
            if let v = limits.maxUsage { pairs.append(("max_usage", .string(NumberFormat.money(v)))) }
            if !limits.maxQuantity.isEmpty {
                pairs.append(("max_quantity", .object(limits.maxQuantity.sorted { $0.key < $1.key }.map { ($0.key, decimal($0.value)) })))
            }
            return pairs
        }
    }
}
