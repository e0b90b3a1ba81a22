import Foundation

extension Price {
    /// The exact charge for a month's `total` quantity of a meter when `included` units are free.
    ///
    /// Unit: overage × price. Block: ⌈overage / per⌉ × amount. Prorated: overage × amount / per.
    /// Tiers: bands of the *total*; units up to `included` are free, each unit above is charged
    /// at the rate of the band it falls in.
    /// `Price.block(per: 1_000_000, amount: 50).charge(total: 2_000_001, included: 1_000_000)` is 100.
    /// - Complexity: O(number of tiers).
    public func charge(total: Decimal, included: Decimal) -> Decimal {
        let overage = max(0, total - included)
        guard overage > 0 else { return 0 }
        switch self {
        case .unit(let price):
            return overage * price
        case .block(let per, let amount):
            return (overage / per).ceiled() * amount
        case .prorated(let per, let amount):
            return overage * amount / per
        case .tiers(let tiers):
            var lower = Decimal(0)
            var sum = Decimal(0)
            for tier in tiers {
                let upper = tier.upTo
                let from = max(lower, included)
                let to = upper.map { min($0, total) } ?? total
                if to > from { sum += (to - from) * tier.price }
                guard let upper, total > upper else { break }
                lower = upper
            }
            return sum
        }
    }

    /// The marginal price of one more unit at `total` (for explanations and breakeven slopes);
    /// for blocks, the amount per unit averaged over a block.
    public func marginalRate(at total: Decimal) -> Decimal {
        switch self {
        case .unit(let price): return price
        case .block(let per, let amount), .prorated(let per, let amount): return amount / per
        case .tiers(let tiers):
            for tier in tiers {
                if let upTo = tier.upTo, total >= upTo { continue }
                return tier.price
            }
            return tiers.last?.price ?? 0
        }
    }
}
