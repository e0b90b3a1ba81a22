import Foundation
import Testing
@testable import CostModel

// MARK: - Generators

extension SplitMix64 {
    /// A price per unit between 0.000001 and 9.99.
    mutating func unitPrice() -> Decimal { decimal(0...999, scales: 2...6) }

    /// 1 to 4 bands with increasing whole bounds below `maxBound`, the last open.
    mutating func tiers(maxBound: Int = 200) -> [Price.Tier] {
        let count = int(1...4)
        var bounds = Set<Int>()
        while bounds.count < count - 1 { bounds.insert(int(1...maxBound)) }
        var tiers = bounds.sorted().map { Price.Tier(upTo: Decimal($0), price: unitPrice()) }
        tiers.append(Price.Tier(upTo: nil, price: unitPrice()))
        return tiers
    }

    /// Any of the four price mechanics, with small figures.
    mutating func price() -> Price {
        switch int(0...3) {
        case 0: return .unit(unitPrice())
        case 1: return .block(per: Decimal(int(1...50)), amount: decimal(0...500, scales: 0...2))
        case 2: return .prorated(per: Decimal(int(1...50)), amount: decimal(0...500, scales: 0...2))
        default: return .tiers(tiers())
        }
    }

    /// A total that is sometimes fractional.
    mutating func quantity(upTo limit: Int) -> Decimal {
        int(0...3) == 0 ? decimal(0...(limit * 100), scales: 2...2) : Decimal(int(0...limit))
    }
}

/// The rate of the band unit number `unit` (1-based) falls in: the first band whose bound
/// is at or above it.
private func bandRate(ofUnit unit: Int, in tiers: [Price.Tier]) -> Decimal {
    for tier in tiers {
        guard let upTo = tier.upTo else { return tier.price }
        if Decimal(unit) <= upTo { return tier.price }
    }
    return tiers.last?.price ?? 0
}

private func describe(_ tiers: [Price.Tier]) -> String {
    tiers.map { "\($0.upTo.map { "\($0)" } ?? "open")@\($0.price)" }.joined(separator: ", ")
}

// MARK: - Properties

/// Properties of `Price.charge` over random prices, checked against brute-force references.
@Suite("Price.charge properties")
struct PriceChargePropertyTests {
    @Test("the charge never decreases as the total grows", arguments: propertySeeds)
    func monotone(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let price = random.price()
            let included = random.quantity(upTo: 150)
            let totals = (0..<12).map { _ in random.quantity(upTo: 300) }.sorted()
            var previous = Decimal(0)
            for total in totals {
                let charge = price.charge(total: total, included: included)
                #expect(charge >= previous, "seed \(seed): \(price) included \(included) total \(total): \(charge) < \(previous)")
                #expect(charge >= 0, "seed \(seed): \(price) negative charge at \(total)")
                previous = charge
            }
        }
    }

    @Test("the charge is 0 whenever the total is within the included quantity", arguments: propertySeeds)
    func freeWithinIncluded(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let price = random.price()
            let included = random.quantity(upTo: 300)
            let below = random.int(0...1) == 0 ? 0 : random.quantity(upTo: 300)
            let total = max(0, included - below)
            #expect(price.charge(total: total, included: included) == 0,
                    "seed \(seed): \(price) total \(total) included \(included)")
        }
    }

    @Test("tiers: equal to a unit-by-unit sum of band rates", arguments: propertySeeds)
    func tiersMatchBruteForce(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let tiers = random.tiers()
            let included = random.int(0...250)
            let total = random.int(0...300)
            var expected = Decimal(0)
            if total > included {
                for unit in (included + 1)...total { expected += bandRate(ofUnit: unit, in: tiers) }
            }
            let charge = Price.tiers(tiers).charge(total: Decimal(total), included: Decimal(included))
            #expect(charge == expected, "seed \(seed): tiers [\(describe(tiers))] total \(total) included \(included)")
        }
    }

    @Test("tiers: charging from `included` equals the difference of charges from zero", arguments: propertySeeds)
    func tiersAreAdditive(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let price = Price.tiers(random.tiers())
            let a = random.quantity(upTo: 300), b = random.quantity(upTo: 300)
            let (included, total) = (min(a, b), max(a, b))
            let difference = price.charge(total: total, included: 0) - price.charge(total: included, included: 0)
            #expect(price.charge(total: total, included: included) == difference,
                    "seed \(seed): \(price) total \(total) included \(included)")
        }
    }

    @Test("tiers with one rate in every band equal a unit price", arguments: propertySeeds)
    func uniformTiersAreUnit(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let rate = random.unitPrice()
            let tiers = random.tiers().map { Price.Tier(upTo: $0.upTo, price: rate) }
            let included = random.quantity(upTo: 200), total = random.quantity(upTo: 300)
            #expect(Price.tiers(tiers).charge(total: total, included: included)
                        == Price.unit(rate).charge(total: total, included: included),
                    "seed \(seed): tiers [\(describe(tiers))] total \(total) included \(included)")
        }
    }

    @Test("blocks: whole blocks by integer ceiling division", arguments: propertySeeds)
    func blocksMatchIntegerCeiling(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let per = random.int(1...1_000), amount = random.decimal(0...10_000, scales: 0...2)
            let included = random.int(0...5_000), total = random.int(0...20_000)
            let overage = max(0, total - included)
            let blocks = (overage + per - 1) / per
            #expect(Price.block(per: Decimal(per), amount: amount).charge(total: Decimal(total), included: Decimal(included))
                        == Decimal(blocks) * amount,
                    "seed \(seed): per \(per) amount \(amount) total \(total) included \(included)")
        }
    }

    @Test("unit prices: exactly overage × price", arguments: propertySeeds)
    func unitIsLinear(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let rate = random.unitPrice()
            let included = random.quantity(upTo: 10_000), total = random.quantity(upTo: 20_000)
            #expect(Price.unit(rate).charge(total: total, included: included) == max(0, total - included) * rate,
                    "seed \(seed): rate \(rate) total \(total) included \(included)")
        }
    }

    @Test("blocks never charge less than the pro-rata price, nor a block more", arguments: propertySeeds)
    func blockBracketsProrated(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let per = Decimal(random.int(1...100)), amount = random.decimal(0...1_000, scales: 0...2)
            let included = random.quantity(upTo: 500), total = random.quantity(upTo: 1_000)
            let block = Price.block(per: per, amount: amount).charge(total: total, included: included)
            let prorated = Price.prorated(per: per, amount: amount).charge(total: total, included: included)
            #expect(block >= prorated, "seed \(seed): per \(per) amount \(amount) total \(total) included \(included)")
            #expect(block - prorated <= amount, "seed \(seed): per \(per) amount \(amount) total \(total) included \(included)")
        }
    }
}
