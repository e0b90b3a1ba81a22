import CostModel
import Foundation
import Workload

/// A workload priced on every provider and plan of a catalog: the result of `costsim compare`.
public struct Comparison: Sendable, Equatable {
    public var workload: Workload
    public var catalog: Catalog
    /// The platform plan used for step limits, when known.
    public var platform: PlatformPlan?
    /// One entry per provider, in catalog order.
    public var providers: [ProviderChoice]
    /// Things the reader must know to trust the figures ("step limits were not checked").
    public var notes: [String]

    /// Every plan of every provider, in catalog then file order.
    public var evaluations: [PlanEvaluation] { providers.flatMap(\.plans) }

    /// Providers with a feasible plan, cheapest first (ties by provider id).
    public var ranking: [ProviderChoice] {
        providers.filter { $0.cheapest != nil }.sorted {
            let a = $0.cheapest?.exactCost ?? 0, b = $1.cheapest?.exactCost ?? 0
            return a != b ? a < b : $0.provider < $1.provider
        }
    }

    /// The cheapest feasible plan overall.
    public var cheapest: PlanEvaluation? { ranking.first?.cheapest }

    /// The cheapest plan of the next provider, to say by how much the winner wins.
    public var runnerUp: PlanEvaluation? {
        let ranked = ranking
        return ranked.count > 1 ? ranked[1].cheapest : nil
    }

    /// Prices the workload on the catalog's providers (all, or those named).
    ///
    /// - Parameters:
    ///   - providers: provider ids to keep; empty keeps all.
    ///   - platform: overrides the workload's `platform:`.
    /// - Throws: `CostsimError` for an unknown provider or platform.
    /// - Complexity: O(providers × (jobs × meters + plans × meters)).
    public static func compare(_ workload: Workload, catalog: Catalog, providers filter: [String] = [],
                               platform override: PlatformReference? = nil,
                               withPlatformCosts: Bool = false) throws(CostsimError) -> Comparison {
        let selected = try catalog.selectProviders(filter)
        let platform = try catalog.resolvePlatform(override ?? workload.platform, fromCommandLine: override != nil, workloadFile: workload.file)
        let engine = CostEngine(workload: workload, platform: platform, withPlatformCosts: withPlatformCosts)
        return Comparison(workload: workload, catalog: catalog, platform: platform,
                          providers: engine.evaluateInParallel(selected),
                          notes: notes(workload: workload, catalog: catalog, selected: selected, platform: platform,
                                       withPlatformCosts: withPlatformCosts))
    }

    /// The notes of a comparison of `selected` (what was not checked or not included, unverified
    /// figures, how to split steps over the platform's limit), without pricing anything; shared
    /// with `Placement.place`.
    /// - Complexity: O(providers + jobs).
    static func notes(workload: Workload, catalog: Catalog, selected: [PricingFile], platform: PlatformPlan?,
                      withPlatformCosts: Bool) -> [String] {
        var notes: [String] = []
        if withPlatformCosts {
            if let platform {
                notes.append("platform costs included: \(platform.displayName)'s usage charges are added to providers whose steps run in your functions")
            } else {
                notes.append(platformCostsWithoutPlatformNote)
            }
        }
        if platform == nil && selected.contains(where: { $0.runsOn == .platform }) {
            notes.append(noPlatformNote(names: selected.filter { $0.runsOn == .platform }.map(\.name)))
        }
        if let platform, !withPlatformCosts, !platform.file.meters.isEmpty {
            for file in selected where file.runsOn == .platform {
                let meters = platform.file.meters.map(\.name).joined(separator: ", ")
                notes.append("\(file.name) totals leave out what its steps cost on \(platform.displayName) (\(meters)): add --with-platform-costs to include them")
            }
        }
        notes += selected.compactMap(unverifiedNote)
        if let platform, let limit = platform.plan.limits.maxDurationSeconds {
            notes += splitAdvice(workload, platform: platform, limit: limit, catalog: catalog,
                                 providers: selected.filter { $0.runsOn == .platform })
        }
        return notes
    }

    // MARK: Note sentences (shared with `Breakeven`)

    static let platformCostsWithoutPlatformNote = "--with-platform-costs has no effect without a platform"

    /// `no platform given: step time limits of Inngest were not checked (…)`, the names as given.
    static func noPlatformNote(names: [String]) -> String {
        "no platform given: step time limits of \(names.joined(separator: ", ")) were not checked (add 'platform: vercel/pro' or --platform)"
    }

    /// The note for a provider whose figures are partly unverified; nil when every figure is verified.
    static func unverifiedNote(_ file: PricingFile) -> String? {
        guard file.confidence == "unverified" || file.plans.contains(where: { $0.confidence == "unverified" }) else { return nil }
        return "\(file.name) figures are partly unverified (third-party or undated): see `costsim pricing show \(file.provider)`"
    }

    /// What to do about steps longer than the platform allows (SPEC §8): split them, or pick a
    /// platform plan whose limit fits. At most five jobs are named.
    static func splitAdvice(_ workload: Workload, platform: PlatformPlan, limit: Decimal, catalog: Catalog,
                            providers: [PricingFile]) -> [String] {
        guard !providers.isEmpty else { return [] }
        let names = providers.map(\.name).joined(separator: ", ")
        let tooLong = workload.jobs.filter { $0.maxStepSeconds > limit }
        return tooLong.prefix(5).map { job in
            var advice = "\(job.name): to run on \(names) under \(platform.displayName), split its \(CostEngine.number(job.maxStepSeconds)) s step into steps of at most \(CostEngine.number(limit)) s"
            let longer = platform.file.plans.filter { ($0.limits.maxDurationSeconds ?? 0) >= job.maxStepSeconds }
            if let first = longer.first {
                advice += ", or use \(platform.file.provider)/\(first.name) (\(CostEngine.number(first.limits.maxDurationSeconds ?? 0)) s)"
            }
            return advice
        } + (tooLong.count > 5 ? ["… and \(tooLong.count - 5) more jobs with steps over \(CostEngine.number(limit)) s"] : [])
    }
}

/// Errors of the costsim library that are not about an input file's contents.
public enum CostsimError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A command-line value is wrong (exit 64).
    case usage(String, hint: String?)
    /// An input file names something that does not exist (exit 65).
    case input(Diagnostic)

    public var description: String {
        switch self {
        case .usage(let message, let hint):
            return message + (hint.map { "\n  hint: " + $0 } ?? "")
        case .input(let diagnostic):
            return diagnostic.description
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .usage: return 64
        case .input: return 65
        }
    }
}

extension Catalog {
    /// The provider files named (or all providers when `ids` is empty).
    public func selectProviders(_ ids: [String]) throws(CostsimError) -> [PricingFile] {
        guard !ids.isEmpty else { return providers }
        var selected: [PricingFile] = []
        for id in ids {
            guard let file = providers.first(where: { $0.provider == id }) else {
                throw .usage("unknown provider '\(id)' in catalog \(name)",
                             hint: YAMLReader.suggestion(for: id, among: providers.map(\.provider), noun: "providers"))
            }
            if !selected.contains(where: { $0.provider == id }) { selected.append(file) }
        }
        return selected
    }

    /// Finds `provider/plan` among the catalog's providers.
    public func findPlan(_ reference: String) throws(CostsimError) -> (PricingFile, Plan) {
        guard let parsed = PlatformReference(parsing: reference) else {
            throw .usage("expected provider/plan, found '\(reference)'", hint: "e.g. --plan inngest/startup")
        }
        guard let file = providers.first(where: { $0.provider == parsed.provider }) else {
            throw .usage("unknown provider '\(parsed.provider)' in catalog \(name)",
                         hint: YAMLReader.suggestion(for: parsed.provider, among: providers.map(\.provider), noun: "providers"))
        }
        guard let plan = file.plan(named: parsed.plan) else {
            throw .usage("unknown plan '\(parsed.plan)' of \(file.provider) in catalog \(name)",
                         hint: YAMLReader.suggestion(for: parsed.plan, among: file.plans.map(\.name), noun: "plans"))
        }
        return (file, plan)
    }

    /// Resolves `vercel/pro` to a platform plan of this catalog.
    public func resolvePlatform(_ reference: PlatformReference?, fromCommandLine: Bool, workloadFile: String) throws(CostsimError) -> PlatformPlan? {
        guard let reference else { return nil }
        func fail(_ message: String, _ hint: String?) -> CostsimError {
            if fromCommandLine { return .usage(message, hint: hint) }
            return .input(Diagnostic(file: workloadFile, line: reference.line, column: reference.column, keyPath: "platform",
                                     message: message, hint: hint))
        }
        guard let file = platforms.first(where: { $0.provider == reference.provider }) else {
            let names = platforms.flatMap { file in file.plans.map { "\(file.provider)/\($0.name)" } }
            throw fail("unknown platform '\(reference.provider)' in catalog \(name)",
                       names.isEmpty ? "this catalog has no platform files" : "platforms: \(names.joined(separator: ", "))")
        }
        guard let plan = file.plan(named: reference.plan) else {
            throw fail("unknown plan '\(reference.plan)' of platform \(file.provider) in catalog \(name)",
                       YAMLReader.suggestion(for: reference.plan, among: file.plans.map(\.name), noun: "plans"))
        }
        return PlatformPlan(file: file, plan: plan)
    }
}
