import Foundation
import Yams

extension PricingFile {
    static let topLevelKeys = ["version", "kind", "provider", "name", "catalog", "effective", "source", "confidence",
                               "currency", "notes", "execution", "runs_on", "meters", "machines", "default_machine", "plans"]
    static let planKeys = ["name", "monthly_fee", "included", "price", "credit", "production", "custom", "limits",
                           "note", "source", "effective", "confidence"]
    static let limitKeys = ["max_duration_seconds", "memory_mb", "concurrency", "history_days", "max_steps_per_run", "max_quantity", "max_usage"]
    static let machineKeys = ["vcpu", "memory_mb", "per_second", "confidence"]
    static let confidences = ["published", "unverified"]

    /// Parses and validates a pricing file, reporting every problem at once.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the path shown in diagnostics.
    ///   - relativePath: the path recorded in reports, relative to the pricing root.
    /// - Throws: `InputError.invalid` with one diagnostic per problem.
    public static func parse(_ text: String, file: String, relativePath: String? = nil, sha256: String? = nil) throws(InputError) -> PricingFile {
        guard let root = try YAMLReader.compose(text, file: file) else {
            throw .invalid([Diagnostic(file: file, line: 1, column: 1, keyPath: "", message: "the file is empty",
                                       hint: "a pricing file starts with 'version: 1' and 'provider: <id>'")])
        }
        let reader = YAMLReader(file: file)
        let result = PricingFileParser(reader: reader).parse(root, sha256: sha256 ?? SHA256.hex(of: Array(text.utf8)),
                                                              relativePath: relativePath ?? file)
        try reader.throwIfInvalid()
        guard let result else { throw .invalid(reader.diagnostics) }
        return result
    }
}

/// The field-by-field reading of one pricing file.
private struct PricingFileParser {
    let reader: YAMLReader

    func parse(_ root: Node, sha256: String, relativePath: String) -> PricingFile? {
        guard let top = reader.mapping(root, at: "", allowed: PricingFile.topLevelKeys) else { return nil }
        if let version = top.required("version", in: reader, hint: "add 'version: 1' at the top"),
           let number = reader.integer(version, at: "version"), number != 1 {
            reader.report(version, "version", "unsupported version \(number)", hint: "this costsim reads version 1")
        }
        let kind = top["kind"].flatMap { reader.choice($0, at: "kind", among: ["provider", "platform"]) }
            .flatMap(PricingFile.Kind.init(rawValue:)) ?? .provider
        let provider = top.required("provider", in: reader).flatMap { node -> String? in
            guard let id = reader.string(node, at: "provider") else { return nil }
            if !Self.isIdentifier(id) {
                reader.report(node, "provider", "'\(id)' is not a valid id", hint: "use lowercase letters, digits and '-', e.g. trigger-dev")
            }
            return id
        }
        let name = top["name"].flatMap { reader.string($0, at: "name") }
        let catalog = top.required("catalog", in: reader).flatMap { reader.string($0, at: "catalog") }
        let effective = top.required("effective", in: reader, hint: "add the date the prices were published or observed, e.g. effective: 2025-01-08")
            .flatMap { reader.date($0, at: "effective") }
        let source = top.required("source", in: reader, hint: "cite where the figures come from").flatMap { node -> String? in
            guard let text = reader.string(node, at: "source") else { return nil }
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                reader.report(node, "source", "must not be empty", hint: "cite where the figures come from")
            }
            return text
        }
        let confidence = top.required("confidence", in: reader, hint: "published, or unverified for third-party or undated figures")
            .flatMap { reader.choice($0, at: "confidence", among: PricingFile.confidences) }
        let currency = top["currency"].flatMap { reader.string($0, at: "currency") } ?? "USD"
        if currency != "USD", let node = top["currency"] {
            reader.report(node, "currency", "unsupported currency \(currency)", hint: "this costsim prices in USD only")
        }
        let notes = top["notes"].flatMap { reader.string($0, at: "notes") }

        var execution = PricingFile.Execution.steps
        var runsOn = PricingFile.RunsOn.platform
        if kind == .platform {
            _ = top["execution"].flatMap { reader.choice($0, at: "execution", among: ["steps", "runs"]) }
            _ = top["runs_on"].flatMap { reader.choice($0, at: "runs_on", among: ["platform", "provider"]) }
        }
        if kind == .provider {
            if let node = top.required("execution", in: reader, hint: "steps (a retry re-runs the failed step) or runs (the whole run)"),
               let value = reader.choice(node, at: "execution", among: ["steps", "runs"]) {
                execution = PricingFile.Execution(rawValue: value) ?? .steps
            }
            if let node = top.required("runs_on", in: reader, hint: "platform (your serverless functions) or provider (its machines)"),
               let value = reader.choice(node, at: "runs_on", among: ["platform", "provider"]) {
                runsOn = PricingFile.RunsOn(rawValue: value) ?? .platform
            }
        }
        let meters = top["meters"].map(parseMeters) ?? []
        if kind == .provider && top["meters"] == nil {
            reader.report(top.node, "meters", "missing required key 'meters'", hint: "e.g. meters: {steps: {steps: 1}}")
        }
        let machines = top["machines"].map(parseMachines) ?? []
        var defaultMachine: String?
        if let node = top["default_machine"], let value = reader.string(node, at: "default_machine") {
            if machines.contains(where: { $0.name == value }) {
                defaultMachine = value
            } else {
                reader.report(node, "default_machine", "unknown machine '\(value)'",
                              hint: YAMLReader.suggestion(for: value, among: machines.map(\.name)))
            }
        } else if !machines.isEmpty {
            reader.report(top.node, "default_machine", "missing required key 'default_machine'", hint: "name the preset used when a job names none")
        }
        if !machines.isEmpty && !meters.contains(where: { $0.name == PricingFile.machineMeterName }) {
            reader.report(top["machines"], "machines", "machines need a meter named '\(PricingFile.machineMeterName)' to price",
                          hint: "add meters: {compute_seconds: {compute_seconds: 1}}")
        }
        var plans: [Plan] = []
        if let node = top.required("plans", in: reader), let items = reader.sequence(node, at: "plans") {
            for (index, item) in items.enumerated() {
                let path = Fields.index("plans", index)
                if let plan = parsePlan(item, at: path, kind: kind, meters: meters, machinePriced: !machines.isEmpty) {
                    if plans.contains(where: { $0.name == plan.name }) {
                        reader.report(item, path + ".name", "duplicate plan name '\(plan.name)'", hint: "plan names must be unique within a file")
                    }
                    plans.append(plan)
                }
            }
            if items.isEmpty { reader.report(node, "plans", "expected at least one plan") }
        }
        guard let provider, let catalog, let effective, let source, let confidence else { return nil }
        return PricingFile(kind: kind, provider: provider, name: name ?? provider, catalog: catalog, effective: effective,
                           source: source, confidence: confidence, currency: currency, notes: notes, execution: execution,
                           runsOn: runsOn, meters: meters, machines: machines, defaultMachine: defaultMachine, plans: plans,
                           file: relativePath, sha256: sha256)
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    func parseMeters(_ node: Node) -> [Meter] {
        guard case .mapping(let mapping) = node else {
            reader.report(node, "meters", "expected a mapping of meter names, found \(YAMLReader.describe(node))")
            return []
        }
        var meters: [Meter] = []
        for (keyNode, value) in mapping {
            guard let name = reader.string(keyNode, at: "meters") else { continue }
            let path = Fields.join("meters", name)
            guard let fields = reader.mapping(value, at: path, allowed: Quantity.allCases.map(\.rawValue)) else { continue }
            var terms: [(quantity: Quantity, coefficient: Decimal)] = []
            for entry in fields.entries {
                guard let quantity = Quantity(rawValue: entry.key),
                      let coefficient = reader.decimal(entry.value, at: fields.path(entry.key)) else { continue }
                terms.append((quantity, coefficient))
            }
            if fields.entries.isEmpty {
                reader.report(value, path, "a meter needs at least one quantity", hint: "e.g. {runs: 1, steps: 1}")
            }
            meters.append(Meter(name: name, terms: terms))
        }
        return meters
    }

    func parseMachines(_ node: Node) -> [Machine] {
        guard case .mapping(let mapping) = node else {
            reader.report(node, "machines", "expected a mapping of machine presets, found \(YAMLReader.describe(node))")
            return []
        }
        var machines: [Machine] = []
        for (keyNode, value) in mapping {
            guard let name = reader.string(keyNode, at: "machines") else { continue }
            let path = Fields.join("machines", name)
            guard let fields = reader.mapping(value, at: path, allowed: PricingFile.machineKeys) else { continue }
            let vcpu = fields.required("vcpu", in: reader).flatMap { reader.decimal($0, at: fields.path("vcpu"), allowZero: false) }
            let memory = fields.required("memory_mb", in: reader).flatMap { reader.decimal($0, at: fields.path("memory_mb"), allowZero: false) }
            let price = fields.required("per_second", in: reader).flatMap { reader.decimal($0, at: fields.path("per_second")) }
            let confidence = fields["confidence"].flatMap { reader.choice($0, at: fields.path("confidence"), among: PricingFile.confidences) }
            if let vcpu, let memory, let price {
                machines.append(Machine(name: name, vcpu: vcpu, memoryMB: memory, perSecond: price, confidence: confidence))
            }
        }
        return machines
    }

    func parsePlan(_ node: Node, at path: String, kind: PricingFile.Kind, meters: [Meter], machinePriced: Bool) -> Plan? {
        guard let fields = reader.mapping(node, at: path, allowed: PricingFile.planKeys) else { return nil }
        guard let name = fields.required("name", in: reader).flatMap({ reader.string($0, at: fields.path("name")) }) else { return nil }
        let custom = fields["custom"].flatMap { reader.bool($0, at: fields.path("custom")) } ?? false
        let production = fields["production"].flatMap { reader.bool($0, at: fields.path("production")) } ?? true
        var fee: Decimal?
        if let node = fields["monthly_fee"] {
            fee = reader.decimal(node, at: fields.path("monthly_fee"))
        } else if !custom && kind == .provider && !fields.hasNearMiss(for: ["monthly_fee"]) {
            reader.report(node, fields.path("monthly_fee"), "missing required key 'monthly_fee'",
                          hint: "give the plan's base fee (0 for a free plan), or 'custom: true' for contact-sales plans")
        }
        let meterNames = meters.map(\.name)
        let included = fields["included"].map { quantitiesByMeter($0, at: fields.path("included"), meters: meterNames, machinePriced: machinePriced) } ?? [:]
        var prices: [String: Price] = [:]
        if let node = fields["price"], let priceFields = reader.mapping(node, at: fields.path("price"), allowed: meterNames) {
            for entry in priceFields.entries {
                let entryPath = priceFields.path(entry.key)
                if machinePriced && entry.key == PricingFile.machineMeterName {
                    reader.report(entry.keyNode, entryPath, "compute_seconds is priced per machine here",
                                  hint: "remove it: the machines' per_second prices apply")
                    continue
                }
                if let price = parsePrice(entry.value, at: entryPath) { prices[entry.key] = price }
            }
        }
        let credit = fields["credit"].flatMap { reader.decimal($0, at: fields.path("credit")) } ?? 0
        let limits = fields["limits"].map { parseLimits($0, at: fields.path("limits"), meters: meterNames) } ?? Limits()
        let note = fields["note"].flatMap { reader.string($0, at: fields.path("note")) }
        let source = fields["source"].flatMap { reader.string($0, at: fields.path("source")) }
        let effective = fields["effective"].flatMap { reader.date($0, at: fields.path("effective")) }
        let confidence = fields["confidence"].flatMap { reader.choice($0, at: fields.path("confidence"), among: PricingFile.confidences) }
        return Plan(name: name, monthlyFee: fee, included: included, price: prices, credit: credit, production: production,
                    custom: custom, limits: limits, note: note, source: source, effective: effective, confidence: confidence)
    }

    func quantitiesByMeter(_ node: Node, at path: String, meters: [String], machinePriced: Bool) -> [String: Decimal] {
        guard let fields = reader.mapping(node, at: path, allowed: meters) else { return [:] }
        var result: [String: Decimal] = [:]
        for entry in fields.entries {
            if machinePriced && entry.key == PricingFile.machineMeterName && path.hasSuffix("included") {
                reader.report(entry.keyNode, fields.path(entry.key), "included does not apply to a machine-priced meter",
                              hint: "grant a money 'credit' instead")
                continue
            }
            if let value = reader.decimal(entry.value, at: fields.path(entry.key)) { result[entry.key] = value }
        }
        return result
    }

    func parsePrice(_ node: Node, at path: String) -> Price? {
        if case .scalar = node {
            return reader.decimal(node, at: path, what: "a price").map(Price.unit)
        }
        if case .mapping(let mapping) = node, mapping.keys.contains(where: { $0.string == "tiers" }) {
            guard let fields = reader.mapping(node, at: path, allowed: ["tiers"]),
                  let list = fields["tiers"], let items = reader.sequence(list, at: fields.path("tiers")) else { return nil }
            var tiers: [Price.Tier] = []
            var previous: Decimal = 0
            var valid = true
            for (index, item) in items.enumerated() {
                let tierPath = Fields.index(fields.path("tiers"), index)
                guard let tier = reader.mapping(item, at: tierPath, allowed: ["up_to", "price"]) else { valid = false; continue }
                let upTo = tier["up_to"].flatMap { reader.decimal($0, at: tier.path("up_to"), allowZero: false) }
                guard let price = tier.required("price", in: reader).flatMap({ reader.decimal($0, at: tier.path("price")) }) else {
                    valid = false; continue
                }
                let isLast = index == items.count - 1
                if let upTo {
                    if upTo <= previous {
                        reader.report(item, tier.path("up_to"), "tier bounds must increase: \(upTo) is not above \(previous)")
                        valid = false
                    }
                    previous = upTo
                } else if !isLast || tier["up_to"] != nil {
                    if tier["up_to"] == nil {
                        reader.report(item, tierPath, "only the last tier may omit up_to", hint: "give this tier an upper bound")
                    }
                    valid = false
                }
                if isLast && upTo != nil {
                    reader.report(item, tier.path("up_to"), "the last tier must be open (no up_to)",
                                  hint: "remove up_to from the last tier, or add an open tier after it; use limits.max_quantity for a cap")
                    valid = false
                }
                tiers.append(Price.Tier(upTo: upTo, price: price))
            }
            if items.isEmpty { reader.report(list, fields.path("tiers"), "expected at least one tier"); valid = false }
            return valid ? .tiers(tiers) : nil
        }
        guard let fields = reader.mapping(node, at: path, allowed: ["per", "amount", "partial"]) else { return nil }
        let per = fields.required("per", in: reader, hint: "the block size, e.g. per: 1000000").flatMap { reader.decimal($0, at: fields.path("per"), allowZero: false) }
        let amount = fields.required("amount", in: reader, hint: "the price of one block").flatMap { reader.decimal($0, at: fields.path("amount")) }
        let partial = fields["partial"].flatMap { reader.bool($0, at: fields.path("partial")) } ?? false
        guard let per, let amount else { return nil }
        return partial ? .prorated(per: per, amount: amount) : .block(per: per, amount: amount)
    }

    func parseLimits(_ node: Node, at path: String, meters: [String]) -> Limits {
        guard let fields = reader.mapping(node, at: path, allowed: PricingFile.limitKeys) else { return Limits() }
        func value(_ key: String) -> Decimal? {
            fields[key].flatMap { reader.decimal($0, at: fields.path(key), allowZero: false) }
        }
        var limits = Limits(maxDurationSeconds: value("max_duration_seconds"), memoryMB: value("memory_mb"),
                            concurrency: value("concurrency"), historyDays: value("history_days"),
                            maxStepsPerRun: value("max_steps_per_run"))
        limits.maxUsage = fields["max_usage"].flatMap { reader.decimal($0, at: fields.path("max_usage")) }
        if let caps = fields["max_quantity"] {
            limits.maxQuantity = quantitiesByMeter(caps, at: fields.path("max_quantity"), meters: meters, machinePriced: false)
        }
        return limits
    }
}
