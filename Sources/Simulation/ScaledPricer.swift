import CostModel
import Foundation
import Workload

/// A non-negative amount of money held exactly in fixed point: whole cents plus a sub-cent
/// remainder counted in units of 10⁻ᴱ (E = `MoneyScale.digits`). Two words, no allocation.
struct ScaledMoney: Comparable, Sendable {
    var cents: UInt64
    /// In [0, `MoneyScale.subUnit`).
    var sub: UInt64

    static let zero = ScaledMoney(cents: 0, sub: 0)

    static func < (lhs: ScaledMoney, rhs: ScaledMoney) -> Bool {
        lhs.cents != rhs.cents ? lhs.cents < rhs.cents : lhs.sub < rhs.sub
    }
}

/// The fixed-point scale of a simulation's money: amounts are integers × 10⁻ᴱ, split into cents
/// and a remainder so that 64-bit words hold them. Every operation is exact or reports overflow.
struct MoneyScale: Sendable {
    /// E, the decimal places kept (2…20).
    let digits: Int
    /// 10^(E − 2): remainder units per cent.
    let subUnit: UInt64

    static let largestDigits = 20

    init?(digits: Int) {
        guard digits >= 2 && digits <= Self.largestDigits else { return nil }
        self.digits = digits
        var unit: UInt64 = 1
        for _ in 0..<(digits - 2) { unit *= 10 }
        subUnit = unit
    }

    /// a × b × 10⁻ᴱ for non-negative integers a and b; nil on overflow.
    @inline(__always)
    func product(_ a: UInt64, _ b: UInt64) -> ScaledMoney? {
        let (high, low) = a.multipliedFullWidth(by: b)
        guard high < subUnit else { return nil }   // the quotient must fit in 64 bits
        let (quotient, remainder) = subUnit.dividingFullWidth((high, low))
        return ScaledMoney(cents: quotient, sub: remainder)
    }

    @inline(__always)
    func add(_ a: ScaledMoney, _ b: ScaledMoney) -> ScaledMoney? {
        var sub = a.sub + b.sub
        var carry: UInt64 = 0
        if sub >= subUnit {
            sub -= subUnit
            carry = 1
        }
        let (cents, overflow1) = a.cents.addingReportingOverflow(b.cents)
        let (total, overflow2) = cents.addingReportingOverflow(carry)
        guard !overflow1 && !overflow2 else { return nil }
        return ScaledMoney(cents: total, sub: sub)
    }

    /// a − b, for a ≥ b.
    @inline(__always)
    func subtract(_ a: ScaledMoney, _ b: ScaledMoney) -> ScaledMoney {
        assert(b <= a, "subtract needs a ≥ b")
        if a.sub >= b.sub { return ScaledMoney(cents: a.cents - b.cents, sub: a.sub - b.sub) }
        return ScaledMoney(cents: a.cents - b.cents - 1, sub: a.sub + subUnit - b.sub)
    }

    /// Rounded to cents, half away from zero (`Money.round` for non-negative amounts).
    @inline(__always)
    func rounded(_ a: ScaledMoney) -> ScaledMoney {
        ScaledMoney(cents: a.cents + (a.sub >= subUnit - a.sub ? (a.sub == 0 ? 0 : 1) : 0), sub: 0)
    }

    /// The amount as a `Decimal`, exactly.
    func decimal(_ a: ScaledMoney) -> Decimal {
        var value = Decimal(sign: .plus, exponent: -2, significand: Decimal(a.cents))
        if a.sub != 0 { value += Decimal(sign: .plus, exponent: -digits, significand: Decimal(a.sub)) }
        return value
    }

    /// An exact decimal amount in this scale; nil when it is negative, has more than E decimals
    /// or does not fit.
    func amount(_ value: Decimal) -> ScaledMoney? {
        guard value >= 0, let units = Self.integer(value, shiftedBy: digits) else { return nil }
        return ScaledMoney(cents: units / subUnit, sub: units % subUnit)
    }

    /// `value × 10^shift` as an unsigned integer, when that is a whole number below 2⁶⁴.
    static func integer(_ value: Decimal, shiftedBy shift: Int) -> UInt64? {
        guard value >= 0 else { return nil }
        if value.isZero { return 0 }
        let scaled = Decimal(sign: .plus, exponent: shift, significand: value)
        guard scaled.isWhole, scaled < Decimal(sign: .plus, exponent: 19, significand: 1) else { return nil }
        return UInt64("\(scaled)")
    }

    /// Decimal places of `value` (0 for integers): `0.0000675` has 7.
    static func fractionDigits(_ value: Decimal) -> Int {
        guard !value.isZero else { return 0 }
        var digits = 0
        var scaled = value.magnitude
        while !scaled.isWhole && digits < 40 {
            scaled *= 10
            digits += 1
        }
        return digits
    }
}

/// The fast exact pricing path for sampled months: `MeterPricer`'s semantics (the cost engine's)
/// in 64-bit fixed point. Quantities are whole millionths, prices and allowances are scaled to
/// integers once, and money is `ScaledMoney`; no `Decimal` arithmetic per month.
///
/// It exists only when every figure of the provider fits the fixed point exactly (allowances,
/// caps and tier bounds with at most 6 decimals, integer meter coefficients, pro-rata prices
/// per a power of ten, …); `price` returns nil on overflow, and the simulation then prices every
/// month with `MeterPricer` instead. Tests check both against `CostEngine`.
final class ScaledPricer: Sendable {
    enum Charge: Sendable {
        /// Overage × P (P = price × 10^(E−6)).
        case unit(UInt64)
        /// ⌈overage / per⌉ × A (per in millionths, A = amount × 10ᴱ).
        case block(per: UInt64, amount: UInt64)
        /// Graduated bands: bounds in millionths, prices as P.
        case tiers([(upTo: UInt64?, price: UInt64)])

        /// `Price.charge(total:included:)` in fixed point; nil on overflow.
        @inline(__always)
        func amount(total: UInt64, included: UInt64, _ scale: MoneyScale) -> ScaledMoney? {
            guard total > included else { return .zero }
            let overage = total - included
            switch self {
            case .unit(let price): return scale.product(overage, price)
            case .block(let per, let amount):
                let blocks = overage / per + (overage % per == 0 ? 0 : 1)
                return scale.product(blocks, amount)
            case .tiers(let tiers):
                var lower: UInt64 = 0
                var sum = ScaledMoney.zero
                for tier in tiers {
                    let from = Swift.max(lower, included)
                    let to = tier.upTo.map { Swift.min($0, total) } ?? total
                    if to > from {
                        guard let band = scale.product(to - from, tier.price), let next = scale.add(sum, band) else { return nil }
                        sum = next
                    }
                    guard let upper = tier.upTo, total > upper else { break }
                    lower = upper
                }
                return sum
            }
        }
    }

    final class Plan: Sendable {
        let custom: Bool
        let fee: ScaledMoney
        let roundedFee: ScaledMoney
        let credit: ScaledMoney
        let hasCredit: Bool
        let maxUsage: ScaledMoney?
        /// Per meter (same indices as `MeterPricer.meters`): included millionths and charge.
        let included: [UInt64]
        let charges: [Charge?]
        let includedCaps: [(meter: Int, included: UInt64)]
        /// `max_quantity` caps in millionths; meter -1 is the machine meter.
        let caps: [(meter: Int, cap: UInt64)]
        /// Concurrency limit × seconds in the month, in millionths of a compute second.
        let concurrencySeconds: UInt64?
        let platformIncluded: [UInt64]
        let platformCharges: [Charge?]

        init(custom: Bool, fee: ScaledMoney, roundedFee: ScaledMoney, credit: ScaledMoney, hasCredit: Bool, maxUsage: ScaledMoney?,
             included: [UInt64], charges: [Charge?], includedCaps: [(meter: Int, included: UInt64)], caps: [(meter: Int, cap: UInt64)],
             concurrencySeconds: UInt64?, platformIncluded: [UInt64], platformCharges: [Charge?]) {
            self.custom = custom
            self.fee = fee
            self.roundedFee = roundedFee
            self.credit = credit
            self.hasCredit = hasCredit
            self.maxUsage = maxUsage
            self.included = included
            self.charges = charges
            self.includedCaps = includedCaps
            self.caps = caps
            self.concurrencySeconds = concurrencySeconds
            self.platformIncluded = platformIncluded
            self.platformCharges = platformCharges
        }
    }

    let base: MeterPricer
    let scale: MoneyScale
    let plans: [Plan]
    /// Per machine of the provider: price per second as P.
    let machinePrices: [UInt64]
    let meterCoefficients: [[(quantity: Int, coefficient: UInt64)]]
    let machineCoefficients: [(quantity: Int, coefficient: UInt64)]
    let platformCoefficients: [[(quantity: Int, coefficient: UInt64)]]

    /// The scale (decimal places) this provider's figures need, or nil when some figure cannot
    /// be held exactly in fixed point.
    static func digitsNeeded(_ pricer: MeterPricer, platform: PlatformPlan?) -> Int? {
        var digits = 2
        func price(_ price: Price?) -> Bool {
            guard let price else { return true }
            switch price {
            case .unit(let value): digits = Swift.max(digits, 6 + MoneyScale.fractionDigits(value))
            case .block(let per, let amount):
                guard MoneyScale.fractionDigits(per) <= 6, per > 0 else { return false }
                digits = Swift.max(digits, MoneyScale.fractionDigits(amount))
            case .prorated(let per, let amount):
                guard let power = powerOfTen(per) else { return false }
                digits = Swift.max(digits, 6 + power + MoneyScale.fractionDigits(amount))
            case .tiers(let tiers):
                for tier in tiers {
                    guard MoneyScale.fractionDigits(tier.upTo ?? 0) <= 6 else { return false }
                    digits = Swift.max(digits, 6 + MoneyScale.fractionDigits(tier.price))
                }
            }
            return true
        }
        for plan in pricer.plans where !plan.custom {
            digits = Swift.max(digits, MoneyScale.fractionDigits(plan.fee), MoneyScale.fractionDigits(plan.credit),
                               MoneyScale.fractionDigits(plan.maxUsage ?? 0))
            for index in pricer.meters.indices {
                guard price(plan.prices[index]), MoneyScale.fractionDigits(plan.included[index] ?? 0) <= 6 else { return nil }
            }
            for index in plan.platformPrices.indices {
                guard price(plan.platformPrices[index]), MoneyScale.fractionDigits(plan.platformIncluded[index] ?? 0) <= 6 else { return nil }
            }
        }
        for machine in pricer.file.machines { digits = Swift.max(digits, 6 + MoneyScale.fractionDigits(machine.perSecond)) }
        return digits <= MoneyScale.largestDigits ? digits : nil
    }

    /// `per` = 10^k for k ≥ 0: k; else nil.
    static func powerOfTen(_ per: Decimal) -> Int? {
        var value = per
        var power = 0
        while value > 1 && power < 30 {
            value /= 10
            power += 1
        }
        return value == 1 ? power : nil
    }

    /// Compiles `base` at `scale`; nil when a figure does not fit exactly.
    init?(_ base: MeterPricer, scale: MoneyScale) {
        self.base = base
        self.scale = scale
        func coefficients(_ meter: MeterPricer.MeterTerms) -> [(quantity: Int, coefficient: UInt64)]? {
            var terms: [(quantity: Int, coefficient: UInt64)] = []
            for term in meter.terms {
                guard let coefficient = MoneyScale.integer(term.coefficient, shiftedBy: 0) else { return nil }
                terms.append((term.quantity, coefficient))
            }
            return terms
        }
        var meters: [[(quantity: Int, coefficient: UInt64)]] = []
        for meter in base.meters {
            guard let terms = coefficients(meter) else { return nil }
            meters.append(terms)
        }
        meterCoefficients = meters
        var platform: [[(quantity: Int, coefficient: UInt64)]] = []
        for meter in base.platformMeters {
            guard let terms = coefficients(meter) else { return nil }
            platform.append(terms)
        }
        platformCoefficients = platform
        if let machineMeter = base.machineMeter {
            guard let terms = coefficients(machineMeter) else { return nil }
            machineCoefficients = terms
        } else {
            machineCoefficients = []
        }
        let perUnit = scale.digits - 6
        func scaledPrice(_ value: Decimal) -> UInt64? {
            perUnit >= 0 ? MoneyScale.integer(value, shiftedBy: perUnit) : nil
        }
        var machinePrices: [UInt64] = []
        for machine in base.file.machines {
            guard let price = scaledPrice(machine.perSecond) else { return nil }
            machinePrices.append(price)
        }
        self.machinePrices = machinePrices
        func charge(_ price: Price?) -> Charge?? {
            guard let price else { return .some(nil) }
            switch price {
            case .unit(let value): return scaledPrice(value).map { .unit($0) }
            case .block(let per, let amount):
                guard let per = MoneyScale.integer(per, shiftedBy: 6), per > 0,
                      let amount = MoneyScale.integer(amount, shiftedBy: scale.digits) else { return nil }
                return .block(per: per, amount: amount)
            case .prorated(let per, let amount):
                guard let power = Self.powerOfTen(per), perUnit - power >= 0,
                      let price = MoneyScale.integer(amount, shiftedBy: perUnit - power) else { return nil }
                return .unit(price)
            case .tiers(let tiers):
                var compiled: [(upTo: UInt64?, price: UInt64)] = []
                for tier in tiers {
                    guard let price = scaledPrice(tier.price) else { return nil }
                    if let upTo = tier.upTo {
                        guard let bound = MoneyScale.integer(upTo, shiftedBy: 6) else { return nil }
                        compiled.append((bound, price))
                    } else {
                        compiled.append((nil, price))
                    }
                }
                return .tiers(compiled)
            }
        }
        var plans: [Plan] = []
        for plan in base.plans {
            guard !plan.custom else {
                plans.append(Plan(custom: true, fee: .zero, roundedFee: .zero, credit: .zero, hasCredit: false, maxUsage: nil, included: [],
                                  charges: [], includedCaps: [], caps: [], concurrencySeconds: nil, platformIncluded: [], platformCharges: []))
                continue
            }
            guard let fee = scale.amount(plan.fee), let roundedFee = scale.amount(plan.roundedFee), let credit = scale.amount(plan.credit) else { return nil }
            var maxUsage: ScaledMoney?
            if let cap = plan.maxUsage {
                guard let scaled = scale.amount(cap) else { return nil }
                maxUsage = scaled
            }
            var included: [UInt64] = []
            var charges: [Charge?] = []
            for index in base.meters.indices {
                guard let allowance = MoneyScale.integer(plan.included[index] ?? 0, shiftedBy: 6), let compiled = charge(plan.prices[index]) else { return nil }
                included.append(allowance)
                charges.append(compiled)
            }
            var includedCaps: [(meter: Int, included: UInt64)] = []
            for cap in plan.includedCaps {
                guard let value = MoneyScale.integer(cap.included, shiftedBy: 6) else { return nil }
                includedCaps.append((cap.meter, value))
            }
            var caps: [(meter: Int, cap: UInt64)] = []
            for cap in plan.caps {
                guard let value = MoneyScale.integer(cap.cap, shiftedBy: 6) else { return nil }
                caps.append((cap.meter, value))
            }
            var concurrency: UInt64?
            if let limit = plan.concurrency {
                guard let value = MoneyScale.integer(limit * base.monthSeconds, shiftedBy: 6) else { return nil }
                concurrency = value
            }
            var platformIncluded: [UInt64] = []
            var platformCharges: [Charge?] = []
            for index in plan.platformPrices.indices {
                guard let allowance = MoneyScale.integer(plan.platformIncluded[index] ?? 0, shiftedBy: 6),
                      let compiled = charge(plan.platformPrices[index]) else { return nil }
                platformIncluded.append(allowance)
                platformCharges.append(compiled)
            }
            plans.append(Plan(custom: false, fee: fee, roundedFee: roundedFee, credit: credit, hasCredit: plan.credit > 0, maxUsage: maxUsage,
                              included: included, charges: charges, includedCaps: includedCaps, caps: caps, concurrencySeconds: concurrency,
                              platformIncluded: platformIncluded, platformCharges: platformCharges))
        }
        self.plans = plans
    }

    /// The result of pricing one month in fixed point.
    struct Outcome: Sendable {
        var chosen: Int?
        var exactCost: ScaledMoney
        var monthlyCost: ScaledMoney
    }

    /// Σ coefficient × total in millionths; nil on overflow.
    @inline(__always)
    static func value(_ terms: [(quantity: Int, coefficient: UInt64)], _ totals: [UInt64]) -> UInt64? {
        var sum: UInt64 = 0
        for term in terms {
            let (product, overflow1) = totals[term.quantity].multipliedReportingOverflow(by: term.coefficient)
            let (next, overflow2) = sum.addingReportingOverflow(product)
            guard !overflow1 && !overflow2 else { return nil }
            sum = next
        }
        return sum
    }

    /// Prices every plan for one month, as `MeterPricer.price` does; nil on overflow.
    ///
    /// - Parameters:
    ///   - totals: the month's workload totals in millionths, by `QuantityIndex`.
    ///   - machineSeconds: per machine × machine-meter term, millionths (used machines only).
    ///   - extremes: the sampled jobs' extremes and provider reasons, as in `ProviderMonth`.
    /// - Complexity: O(plans × meters) integer operations.
    func price(totals: [UInt64], machineQuantities: [UInt64], machineUsed: [Bool], extremes: ProviderMonth,
               masks: inout [UInt32], meterTotals: inout [UInt64]) -> Outcome? {
        for index in meterCoefficients.indices {
            guard let value = Self.value(meterCoefficients[index], totals) else { return nil }
            meterTotals[index] = value
        }
        let terms = machineCoefficients.count
        var machineTotal: UInt64?
        var best: (index: Int, exact: ScaledMoney, monthly: ScaledMoney)?
        let providerMask = base.constantProviderMask | extremes.providerMask | base.sampledPlatformMask(extremes)
        let computeSeconds = totals[QuantityIndex.computeSeconds]
        for index in plans.indices {
            let plan = plans[index]
            if plan.custom {
                masks[index] = 0
                continue
            }
            var mask = base.plans[index].constantMask | providerMask | base.sampledLimitMask(base.plans[index], extremes)
            for cap in plan.includedCaps where meterTotals[cap.meter] > cap.included { mask |= InfeasibilityKind.includedCap.bit }
            for cap in plan.caps {
                let quantity: UInt64
                if cap.meter >= 0 {
                    quantity = meterTotals[cap.meter]
                } else {
                    if machineTotal == nil {
                        // The machine meter over the workload totals, as CostEngine's meterTotals has it.
                        guard let value = Self.value(machineCoefficients, totals) else { return nil }
                        machineTotal = value
                    }
                    quantity = machineTotal ?? 0
                }
                if quantity > cap.cap { mask |= InfeasibilityKind.cap.bit }
            }
            if let limit = plan.concurrencySeconds, computeSeconds > limit { mask |= InfeasibilityKind.concurrency.bit }
            if mask != 0 && plan.maxUsage == nil {
                masks[index] = mask
                continue
            }
            // The bill, line by line.
            var exactUsage = ScaledMoney.zero
            var roundedUsage = ScaledMoney.zero
            for meter in plan.charges.indices {
                guard let charge = plan.charges[meter] else { continue }
                guard let line = charge.amount(total: meterTotals[meter], included: plan.included[meter], scale),
                      let exact = scale.add(exactUsage, line), let rounded = scale.add(roundedUsage, scale.rounded(line)) else { return nil }
                exactUsage = exact
                roundedUsage = rounded
            }
            if terms > 0 {
                for machine in machinePrices.indices where machineUsed[machine] {
                    var seconds: UInt64 = 0
                    for position in 0..<terms {
                        let (product, overflow1) = machineQuantities[machine * terms + position].multipliedReportingOverflow(by: machineCoefficients[position].coefficient)
                        let (next, overflow2) = seconds.addingReportingOverflow(product)
                        guard !overflow1 && !overflow2 else { return nil }
                        seconds = next
                    }
                    guard let line = scale.product(seconds, machinePrices[machine]), let exact = scale.add(exactUsage, line),
                          let rounded = scale.add(roundedUsage, scale.rounded(line)) else { return nil }
                    exactUsage = exact
                    roundedUsage = rounded
                }
            }
            for meter in plan.platformCharges.indices {
                guard let charge = plan.platformCharges[meter] else { continue }
                guard let total = Self.value(platformCoefficients[meter], totals),
                      let line = charge.amount(total: total, included: plan.platformIncluded[meter], scale),
                      let exact = scale.add(exactUsage, line), let rounded = scale.add(roundedUsage, scale.rounded(line)) else { return nil }
                exactUsage = exact
                roundedUsage = rounded
            }
            if let cap = plan.maxUsage, exactUsage > cap { mask |= InfeasibilityKind.usageCap.bit }
            masks[index] = mask
            if mask != 0 { continue }
            // The cheapest by exact cost, ties to the plan listed first (as CostEngine chooses).
            let charged = exactUsage > plan.credit ? scale.subtract(exactUsage, plan.credit) : .zero
            guard let exact = scale.add(plan.fee, charged) else { return nil }
            if let current = best, current.exact <= exact { continue }
            guard var monthly = scale.add(plan.roundedFee, roundedUsage) else { return nil }
            if plan.hasCredit { monthly = scale.subtract(monthly, Swift.min(plan.credit, roundedUsage)) }
            best = (index, exact, monthly)
        }
        guard let best else { return Outcome(chosen: nil, exactCost: .zero, monthlyCost: .zero) }
        return Outcome(chosen: best.index, exactCost: best.exact, monthlyCost: best.monthly)
    }
}
