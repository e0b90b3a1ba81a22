import Foundation

/// Why a plan is ruled out in a simulated month: the kinds of `CostEngine`'s reasons, as bits.
///
/// `InfeasibilityKind.platformDuration.rawValue` is `platform_duration`, the `kind` in JSON.
public enum InfeasibilityKind: String, CaseIterable, Sendable {
    /// `production: false`.
    case developmentOnly = "development_only"
    /// A step longer than the platform plan allows (`runs_on: platform` providers).
    case platformDuration = "platform_duration"
    /// Memory above the platform plan's limit.
    case platformMemory = "platform_memory"
    /// A job no machine preset fits (or an unknown machine).
    case machine
    /// A step (or, under `execution: runs`, a run) longer than the plan allows.
    case planDuration = "plan_duration"
    /// Memory above the plan's limit.
    case planMemory = "plan_memory"
    /// More steps in a run than the plan allows.
    case stepsPerRun = "steps_per_run"
    /// Average concurrency above the plan's.
    case concurrency
    /// A meter above the plan's `max_quantity`.
    case cap
    /// A meter above what the plan includes, with no overage price.
    case includedCap = "included_cap"
    /// Usage charges above the plan's `max_usage`.
    case usageCap = "usage_cap"

    /// The kind's bit in a reason mask: 1 << its position in `allCases`.
    var bit: UInt32 { 1 << UInt32(position) }

    /// Its position in `allCases`.
    var position: Int {
        switch self {
        case .developmentOnly: return 0
        case .platformDuration: return 1
        case .platformMemory: return 2
        case .machine: return 3
        case .planDuration: return 4
        case .planMemory: return 5
        case .stepsPerRun: return 6
        case .concurrency: return 7
        case .cap: return 8
        case .includedCap: return 9
        case .usageCap: return 10
        }
    }
}
