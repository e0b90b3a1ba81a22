import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

/// Builders and locations shared by the simulation test files (namespaced to avoid clashes).
enum SimFixture {
    /// The repository root, found from this file's path (Tests/SimulationTests/…).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let pricingRoot = repositoryRoot.appendingPathComponent("pricing")
    static func fixture(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// The shipped catalog `name`.
    static func shippedCatalog(_ name: String = "seed-2025-01") throws -> Catalog {
        let library = try PricingLibrary.load(roots: [pricingRoot])
        return try #require(library.catalog(named: name), "catalog \(name) not found under \(pricingRoot.path)")
    }

    /// Exact decimal from text.
    static func d(_ text: String) -> Decimal {
        guard let value = Decimal(exactText: text) else { fatalError("bad decimal literal \(text)") }
        return value
    }

    static func plan(_ name: String, fee: Decimal? = 0, included: [String: Decimal] = [:], price: [String: Price] = [:],
                     credit: Decimal = 0, production: Bool = true, custom: Bool = false, limits: Limits = Limits()) -> Plan {
        Plan(name: name, monthlyFee: custom ? nil : fee, included: included, price: price, credit: credit,
             production: production, custom: custom, limits: limits, note: nil, source: nil, effective: nil, confidence: nil)
    }

    static func meter(_ name: String, _ terms: [(Quantity, Decimal)]) -> Meter {
        Meter(name: name, terms: terms.map { (quantity: $0.0, coefficient: $0.1) })
    }

    static func provider(_ id: String = "acme", name: String = "Acme", catalog: String = "test",
                         kind: PricingFile.Kind = .provider, execution: PricingFile.Execution = .steps,
                         runsOn: PricingFile.RunsOn = .provider, meters: [Meter] = [], machines: [Machine] = [],
                         defaultMachine: String? = nil, plans: [Plan]) -> PricingFile {
        PricingFile(kind: kind, provider: id, name: name, catalog: catalog, effective: "2025-01-01", source: "test",
                    confidence: "published", currency: "USD", notes: nil, execution: execution, runsOn: runsOn,
                    meters: meters, machines: machines, defaultMachine: defaultMachine, plans: plans,
                    file: "\(catalog)/\(id).yaml", sha256: String(repeating: "0", count: 64))
    }

    static func machine(_ name: String, memoryMB: Decimal, perSecond: Decimal, vcpu: Decimal = 1) -> Machine {
        Machine(name: name, vcpu: vcpu, memoryMB: memoryMB, perSecond: perSecond, confidence: nil)
    }

    /// A Vercel-like platform plan with the given limits.
    static func platform(_ plan: String = "hobby", maxDurationSeconds: Decimal? = 10, memoryMB: Decimal? = nil) -> PlatformPlan {
        let limits = Limits(maxDurationSeconds: maxDurationSeconds, memoryMB: memoryMB)
        let file = provider("vercel", name: "Vercel", kind: .platform,
                            plans: [SimFixture.plan(plan, fee: nil, limits: limits)])
        return PlatformPlan(file: file, plan: file.plans[0])
    }

    static func job(_ name: String = "j", runs: Decimal = 1000, steps: Decimal = 1, sleeps: Decimal = 0,
                    stepSeconds: Decimal? = 1, runSeconds: Decimal? = nil, maxStepSeconds: Decimal? = nil,
                    memoryMB: Decimal? = nil, machine: String? = nil, retry: Decimal = 0, events: Decimal = 0) -> Job {
        Job(name: name, volume: .perMonth(runs), runsPerMonth: runs, stepsPerRun: steps, sleepsPerRun: sleeps,
            stepSeconds: stepSeconds, runSeconds: runSeconds, maxStepSeconds: maxStepSeconds, memoryMB: memoryMB,
            machine: machine, retryRate: retry, eventsPerRun: events)
    }

    static func workload(_ jobs: [Job], platform: PlatformReference? = nil, monthHours: Decimal = 730) -> Workload {
        Workload(name: "test", platform: platform, monthHours: monthHours, jobs: jobs, file: "test.yaml")
    }

    /// Evaluates one plan of a one-plan (or named-plan) provider.
    static func evaluate(_ provider: PricingFile, plan name: String? = nil, jobs: [Job],
                         platform: PlatformPlan? = nil, monthHours: Decimal = 730) throws -> PlanEvaluation {
        let engine = CostEngine(workload: workload(jobs, monthHours: monthHours), platform: platform)
        let plan = try #require(name == nil ? provider.plans.first : provider.plan(named: name!), "no plan \(name ?? "(first)")")
        return engine.evaluate(provider: provider, plan: plan)
    }

    /// The line with this name.
    static func line(_ evaluation: PlanEvaluation, _ name: String) -> CostLine? {
        evaluation.lines.first { $0.name == name }
    }
}
