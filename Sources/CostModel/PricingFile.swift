import Foundation

/// One provider's (or platform's) plans in one catalog snapshot: the parsed form of
/// `pricing/<catalog>/<provider>.yaml` (SPEC §3).
public struct PricingFile: Sendable, Equatable {
    /// Whether the file prices an orchestrator/queue or bounds the platform its steps run on.
    public enum Kind: String, Sendable { case provider, platform }
    /// Where a retry goes: only the failed step, or the whole run.
    public enum Execution: String, Sendable { case steps, runs }
    /// Where steps execute: in the workload's own serverless functions, or on the provider's machines.
    public enum RunsOn: String, Sendable { case platform, provider }

    public var kind: Kind
    /// Provider id, unique within a catalog: `inngest`.
    public var provider: String
    /// Display name: `Inngest`.
    public var name: String
    public var catalog: String
    /// When the figures were published or observed (YYYY-MM-DD).
    public var effective: String
    public var source: String
    /// `published` or `unverified`.
    public var confidence: String
    public var currency: String
    public var notes: String?
    public var execution: Execution
    public var runsOn: RunsOn
    public var meters: [Meter]
    public var machines: [Machine]
    public var defaultMachine: String?
    public var plans: [Plan]
    /// Where the file was read from, relative to its pricing root: `seed-2025-01/inngest.yaml`.
    public var file: String
    /// SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String

    /// The plan with this name.
    public func plan(named name: String) -> Plan? {
        plans.first(where: { $0.name == name })
    }

    /// The meter with this name.
    public func meter(named name: String) -> Meter? {
        meters.first(where: { $0.name == name })
    }

    /// True when compute is priced per second by machine preset.
    public var isMachinePriced: Bool { !machines.isEmpty }

    /// The name of the meter priced per machine-second, when machines exist.
    public static let machineMeterName = "compute_seconds"
}

/// A billable meter: a linear combination of workload quantities.
///
/// `executions: {runs: 1, steps: 1}` counts one per run plus one per step.
public struct Meter: Sendable, Equatable {
    public var name: String
    /// Coefficient per quantity, in file order.
    public var terms: [(quantity: Quantity, coefficient: Decimal)]

    public init(name: String, terms: [(quantity: Quantity, coefficient: Decimal)]) {
        self.name = name
        self.terms = terms
    }

    /// Σ coefficient × quantity.
    public func value(_ quantities: (Quantity) -> Decimal) -> Decimal {
        terms.reduce(Decimal(0)) { $0 + $1.coefficient * quantities($1.quantity) }
    }

    public static func == (lhs: Meter, rhs: Meter) -> Bool {
        lhs.name == rhs.name && lhs.terms.map(\.quantity) == rhs.terms.map(\.quantity)
            && lhs.terms.map(\.coefficient) == rhs.terms.map(\.coefficient)
    }
}

/// A compute preset priced per second (Trigger.dev's `small-1x`).
public struct Machine: Sendable, Equatable {
    public var name: String
    public var vcpu: Decimal
    public var memoryMB: Decimal
    public var perSecond: Decimal
    public var confidence: String?
}
