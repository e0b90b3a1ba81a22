import Foundation

/// One plan of a provider: fee, allowances, prices, credit and limits (SPEC §3).
public struct Plan: Sendable, Equatable {
    public var name: String
    /// Nil only for custom plans and fee-less platform plans.
    public var monthlyFee: Decimal?
    /// Included quantity per meter name.
    public var included: [String: Decimal]
    /// Price per meter name for usage over the included quantity.
    public var price: [String: Price]
    /// Included usage in money, deducted from usage charges (never below the fee).
    public var credit: Decimal
    /// False for development-only plans: priced, never recommended.
    public var production: Bool
    /// Contact-sales plans: listed, never priced or chosen.
    public var custom: Bool
    public var limits: Limits
    public var note: String?
    /// Per-plan provenance when it differs from the file's.
    public var source: String?
    public var effective: String?
    public var confidence: String?
}

/// Hard limits of a plan; they decide feasibility (SPEC §5).
public struct Limits: Sendable, Equatable {
    public var maxDurationSeconds: Decimal?
    public var memoryMB: Decimal?
    public var concurrency: Decimal?
    public var historyDays: Decimal?
    public var maxStepsPerRun: Decimal?
    /// Cap per meter name.
    public var maxQuantity: [String: Decimal]
    /// Most usage charges (in money, before credit) the plan allows: a free tier that stops at
    /// its included credit.
    public var maxUsage: Decimal?

    public init(maxDurationSeconds: Decimal? = nil, memoryMB: Decimal? = nil, concurrency: Decimal? = nil,
                historyDays: Decimal? = nil, maxStepsPerRun: Decimal? = nil, maxQuantity: [String: Decimal] = [:]) {
        self.maxDurationSeconds = maxDurationSeconds
        self.memoryMB = memoryMB
        self.concurrency = concurrency
        self.historyDays = historyDays
        self.maxStepsPerRun = maxStepsPerRun
        self.maxQuantity = maxQuantity
    }

    public var isEmpty: Bool {
        maxDurationSeconds == nil && memoryMB == nil && concurrency == nil && historyDays == nil
            && maxStepsPerRun == nil && maxQuantity.isEmpty && maxUsage == nil
    }
}

/// How usage above the included quantity is charged.
public enum Price: Sendable, Equatable {
    /// Each unit of overage at this price.
    case unit(Decimal)
    /// Each started block of `per` units costs `amount` (ceiling).
    case block(per: Decimal, amount: Decimal)
    /// Pro rata: overage / per × amount ("$0.25 per 10,000 runs").
    case prorated(per: Decimal, amount: Decimal)
    /// Graduated bands of the total monthly quantity; the last band is open (`upTo` nil).
    case tiers([Tier])

    public struct Tier: Sendable, Equatable {
        public var upTo: Decimal?
        public var price: Decimal
        public init(upTo: Decimal?, price: Decimal) {
            self.upTo = upTo
            self.price = price
        }
    }
}
