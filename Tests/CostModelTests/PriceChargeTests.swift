import Foundation
import Testing
@testable import CostModel

/// The 2025 Inngest calculator bands used throughout: 0.00005 up to 5M, 0.000025 up to 15M,
/// then 0.00002 (open).
private let calculatorTiers = Price.tiers([
    Price.Tier(upTo: 5_000_000, price: exact("0.00005")),
    Price.Tier(upTo: 15_000_000, price: exact("0.000025")),
    Price.Tier(upTo: nil, price: exact("0.00002")),
])

/// SPEC §3, unit prices: overage × price, overage = max(0, total − included).
@Suite("Price.unit")
struct UnitPriceTests {
    @Test("overage × price (seed Inngest Startup: 1,000,001 steps)")
    func overageTimesPrice() {
        let price = Price.unit(exact("0.00004"))
        #expect(price.charge(total: 1_000_001, included: 1_000_000) == exact("0.00004"))
        #expect(price.charge(total: 2_000_000, included: 1_000_000) == 40)
        #expect(price.charge(total: 1_250_000, included: 1_000_000) == 10)
    }

    @Test("seed Trigger.dev at 100,000 runs: startup 3,980 and pro 1,900 of usage")
    func seedTriggerDevScenario() {
        #expect(Price.unit(exact("0.04")).charge(total: 100_000, included: 500) == 3_980)
        #expect(Price.unit(exact("0.02")).charge(total: 100_000, included: 5_000) == 1_900)
    }

    @Test("nothing is charged at or under the included quantity", arguments: [0, 1, 999_999, 1_000_000])
    func noOverage(total: Int) {
        #expect(Price.unit(exact("0.00004")).charge(total: Decimal(total), included: 1_000_000) == 0)
    }

    @Test("with nothing included every unit is charged")
    func nothingIncluded() {
        #expect(Price.unit(exact("0.000025")).charge(total: 10_000, included: 0) == exact("0.25"))
    }

    @Test("fractional (expected-value) quantities are charged exactly")
    func fractionalQuantity() {
        #expect(Price.unit(exact("0.04")).charge(total: exact("500.5"), included: 500) == exact("0.02"))
        #expect(Price.unit(3).charge(total: exact("0.125"), included: 0) == exact("0.375"))
    }

    @Test("a zero price charges nothing")
    func zeroPrice() {
        #expect(Price.unit(0).charge(total: 5_000_000, included: 0) == 0)
    }
}

/// SPEC §3, blocks: ⌈overage / per⌉ × amount; each started block is charged.
@Suite("Price.block")
struct BlockPriceTests {
    let price = Price.block(per: 1_000_000, amount: 50)

    @Test("exactly at a block boundary: one block")
    func exactlyOneBlock() {
        #expect(price.charge(total: 2_000_000, included: 1_000_000) == 50)
    }

    @Test("one unit over a boundary starts another block")
    func oneUnitOver() {
        #expect(price.charge(total: 2_000_001, included: 1_000_000) == 100)
        #expect(price.charge(total: 1_000_001, included: 1_000_000) == 50)
    }

    @Test("one unit under a boundary is still one block")
    func oneUnitUnder() {
        #expect(price.charge(total: 1_999_999, included: 1_000_000) == 50)
    }

    @Test("a fraction of a unit over starts a block")
    func fractionalOverage() {
        #expect(price.charge(total: exact("1000000.001"), included: 1_000_000) == 50)
        #expect(price.charge(total: exact("3000000.5"), included: 1_000_000) == 150)
    }

    @Test("zero overage charges nothing", arguments: [0, 1, 500_000, 1_000_000])
    func zeroOverage(total: Int) {
        #expect(price.charge(total: Decimal(total), included: 1_000_000) == 0)
    }

    @Test("many whole blocks", arguments: [(11_000_000, 500), (11_000_001, 550), (10_999_999, 500)])
    func manyBlocks(total: Int, expected: Int) {
        #expect(price.charge(total: Decimal(total), included: 1_000_000) == Decimal(expected), "total \(total)")
    }

    @Test("blocks of a size that is not a power of ten")
    func oddBlockSize() {
        let perThree = Price.block(per: 3, amount: exact("0.5"))
        #expect(perThree.charge(total: 3, included: 0) == exact("0.5"))
        #expect(perThree.charge(total: 4, included: 0) == 1)
        #expect(perThree.charge(total: 9, included: 0) == exact("1.5"))
        #expect(perThree.charge(total: 10, included: 0) == 2)
        let perSeven = Price.block(per: 7, amount: 1)
        #expect(perSeven.charge(total: 700, included: 0) == 100)
        #expect(perSeven.charge(total: 701, included: 0) == 101)
    }

    @Test("Inngest 2024 model: $5 per started 50,000 runs")
    func inngest2024Blocks() {
        let runs = Price.block(per: 50_000, amount: 5)
        #expect(runs.charge(total: 150_000, included: 100_000) == 5)
        #expect(runs.charge(total: 150_001, included: 100_000) == 10)
    }
}

/// SPEC §3 (Vercel "$0.60 per 1M invocations", pro rata): overage × amount / per.
@Suite("Price.prorated")
struct ProratedPriceTests {
    let price = Price.prorated(per: 1_000_000, amount: exact("0.60"))

    @Test("charged pro rata, no ceiling")
    func proRata() {
        #expect(price.charge(total: 1_500_000, included: 1_000_000) == exact("0.3"))
        #expect(price.charge(total: 1_000_001, included: 1_000_000) == exact("0.0000006"))
        #expect(price.charge(total: 3_000_000, included: 1_000_000) == exact("1.2"))
    }

    @Test("nothing at or under the included quantity")
    func noOverage() {
        #expect(price.charge(total: 1_000_000, included: 1_000_000) == 0)
        #expect(price.charge(total: 10, included: 1_000_000) == 0)
    }

    @Test("GB-hours priced per 3,600 GB-seconds")
    func gbHours() {
        let memory = Price.prorated(per: 3_600, amount: exact("0.0106"))
        #expect(memory.charge(total: 5_184_000 + 7_200, included: 5_184_000) == exact("0.0212"))
        #expect(memory.charge(total: 5_184_000 + 1_800, included: 5_184_000) == exact("0.0053"))
    }
}

/// SPEC §3, tiers: bands of the *total* monthly quantity; units up to `included` are free and
/// each unit above it is charged at the rate of the band it falls in.
@Suite("Price.tiers")
struct TieredPriceTests {
    @Test("included inside the first band (calculator model at 20M executions)")
    func includedInFirstBand() {
        // 1M-5M at 0.00005 = 200; 5M-15M at 0.000025 = 250; 15M-20M at 0.00002 = 100.
        #expect(calculatorTiers.charge(total: 20_000_000, included: 1_000_000) == 550)
    }

    @Test("total inside the first band")
    func totalInFirstBand() {
        #expect(calculatorTiers.charge(total: 3_000_000, included: 1_000_000) == 100)
    }

    @Test("total exactly at a band's upper bound is charged in that band only")
    func totalAtBoundary() {
        #expect(calculatorTiers.charge(total: 5_000_000, included: 1_000_000) == 200)
        #expect(calculatorTiers.charge(total: 15_000_000, included: 1_000_000) == 450)
    }

    @Test("one unit over a band's bound is charged at the next band's rate")
    func oneUnitPastBoundary() {
        #expect(calculatorTiers.charge(total: 5_000_001, included: 1_000_000) == exact("200.000025"))
        #expect(calculatorTiers.charge(total: 15_000_001, included: 1_000_000) == exact("450.00002"))
    }

    @Test("included inside a later band: the earlier bands are wholly free")
    func includedInLaterBand() {
        // 7M-15M at 0.000025 = 200; 15M-20M at 0.00002 = 100.
        #expect(calculatorTiers.charge(total: 20_000_000, included: 7_000_000) == 300)
        // Included exactly at a bound: 5M-15M = 250, 15M-20M = 100.
        #expect(calculatorTiers.charge(total: 20_000_000, included: 5_000_000) == 350)
    }

    @Test("included above every closed band: only the open band charges")
    func includedAboveAllBands() {
        #expect(calculatorTiers.charge(total: 20_000_000, included: 18_000_000) == 40)
    }

    @Test("total at or under included charges nothing, in any band")
    func noOverage() {
        #expect(calculatorTiers.charge(total: 1_000_000, included: 1_000_000) == 0)
        #expect(calculatorTiers.charge(total: 500_000, included: 1_000_000) == 0)
        #expect(calculatorTiers.charge(total: 16_000_000, included: 18_000_000) == 0)
        #expect(calculatorTiers.charge(total: 0, included: 0) == 0)
    }

    @Test("the open last band has no upper end")
    func openLastBand() {
        // 1M-5M 200, 5M-15M 250, 15M-1,000M at 0.00002 = 19,700.
        #expect(calculatorTiers.charge(total: 1_000_000_000, included: 1_000_000) == 20_150)
    }

    @Test("a single open band is a unit price")
    func singleOpenBand() {
        let tiers = Price.tiers([Price.Tier(upTo: nil, price: exact("0.00004"))])
        #expect(tiers.charge(total: 2_000_000, included: 1_000_000) == 40)
        #expect(tiers.charge(total: 2_000_000, included: 1_000_000) == Price.unit(exact("0.00004")).charge(total: 2_000_000, included: 1_000_000))
    }

    @Test("nothing included: every band charges from zero")
    func nothingIncluded() {
        let tiers = Price.tiers([
            Price.Tier(upTo: 10, price: 2),
            Price.Tier(upTo: 20, price: 1),
            Price.Tier(upTo: nil, price: exact("0.5")),
        ])
        #expect(tiers.charge(total: 10, included: 0) == 20)
        #expect(tiers.charge(total: 15, included: 0) == 25)
        #expect(tiers.charge(total: 25, included: 0) == exact("32.5"))
    }

    @Test("fractional totals split across a bound")
    func fractionalAcrossBound() {
        let tiers = Price.tiers([Price.Tier(upTo: 10, price: 2), Price.Tier(upTo: nil, price: 1)])
        // 9.5-10 at 2 = 1; 10-10.5 at 1 = 0.5.
        #expect(tiers.charge(total: exact("10.5"), included: exact("9.5")) == exact("1.5"))
    }

    @Test("a free first band (price 0) charges only above it")
    func freeFirstBand() {
        let tiers = Price.tiers([Price.Tier(upTo: 100, price: 0), Price.Tier(upTo: nil, price: 1)])
        #expect(tiers.charge(total: 150, included: 0) == 50)
        #expect(tiers.charge(total: 100, included: 0) == 0)
    }
}

/// `marginalRate(at:)`: the price of one more unit at a total.
@Suite("Price.marginalRate")
struct MarginalRateTests {
    @Test("a unit price is its own marginal rate")
    func unit() {
        #expect(Price.unit(exact("0.00004")).marginalRate(at: 0) == exact("0.00004"))
        #expect(Price.unit(exact("0.00004")).marginalRate(at: 5_000_000) == exact("0.00004"))
    }

    @Test("blocks and pro-rata prices average amount over the block")
    func blockAndProrated() {
        #expect(Price.block(per: 1_000_000, amount: 50).marginalRate(at: 3) == exact("0.00005"))
        #expect(Price.prorated(per: 1_000_000, amount: exact("0.60")).marginalRate(at: 3) == exact("0.0000006"))
    }

    @Test("tiers: the rate of the band the next unit falls in", arguments: [
        (0, "0.00005"),
        (4_999_999, "0.00005"),
        (5_000_000, "0.000025"),
        (14_999_999, "0.000025"),
        (15_000_000, "0.00002"),
        (900_000_000, "0.00002"),
    ])
    func tiers(total: Int, expected: String) {
        #expect(calculatorTiers.marginalRate(at: Decimal(total)) == exact(expected), "at \(total)")
    }

    @Test("tiers: the marginal rate matches the charge of one more unit")
    func tiersMatchCharge() {
        for total in [0, 4_999_999, 5_000_000, 14_999_999, 15_000_000, 20_000_000] {
            let here = calculatorTiers.charge(total: Decimal(total), included: 0)
            let next = calculatorTiers.charge(total: Decimal(total + 1), included: 0)
            #expect(next - here == calculatorTiers.marginalRate(at: Decimal(total)), "at \(total)")
        }
    }

    @Test("no tiers: a zero rate")
    func emptyTiers() {
        #expect(Price.tiers([]).marginalRate(at: 10) == 0)
        #expect(Price.tiers([]).charge(total: 10, included: 0) == 0)
    }
}
