import Foundation
import Testing
@testable import CostModel

/// The catalog shipped in `pricing/`, loaded once per test (loading is pure and cheap).
private func shipped() throws -> PricingLibrary {
    try PricingLibrary.load(roots: [shippedPricingRoot])
}

private func plan(_ catalog: String, _ provider: String, _ name: String,
                  sourceLocation: SourceLocation = #_sourceLocation) throws -> Plan {
    let file = try #require(try shipped().catalog(named: catalog)?.file(provider), "\(catalog)/\(provider)", sourceLocation: sourceLocation)
    return try #require(file.plan(named: name), "\(catalog)/\(provider) plan \(name)", sourceLocation: sourceLocation)
}

/// The shipped catalog loads cleanly and carries its provenance (SPEC §3).
@Suite("Shipped catalog")
struct ShippedCatalogTests {
    @Test("loads with no diagnostics")
    func loadsCleanly() throws {
        do {
            _ = try PricingLibrary.load(roots: [shippedPricingRoot])
        } catch {
            Issue.record("the shipped catalog has problems:\n\(error)")
        }
    }

    @Test("has seed-2025-01 and current-2026-11, current-2026-11 by default")
    func catalogs() throws {
        let library = try shipped()
        #expect(library.catalogs.map(\.name) == ["current-2026-11", "seed-2025-01"])
        #expect(library.defaultCatalog == "current-2026-11")
        #expect(library.catalog(named: nil)?.name == "current-2026-11")
        for catalog in library.catalogs {
            #expect(catalog.description?.isEmpty == false, "\(catalog.name) has a description")
            #expect(catalog.files.map(\.provider) == ["inngest", "trigger-dev", "vercel"], "\(catalog.name)")
            #expect(catalog.platforms.map(\.provider) == ["vercel"], "\(catalog.name)")
        }
    }

    @Test("every file names its source, date and confidence, and lives where its ids say")
    func provenance() throws {
        for catalog in try shipped().catalogs {
            for file in catalog.files {
                #expect(!file.source.trimmingCharacters(in: .whitespaces).isEmpty, "\(file.file) source")
                #expect(YAMLReader.isISODate(file.effective), "\(file.file) effective \(file.effective)")
                #expect(PricingFile.confidences.contains(file.confidence), "\(file.file) confidence \(file.confidence)")
                #expect(file.currency == "USD", "\(file.file)")
                #expect(file.catalog == catalog.name, "\(file.file)")
                #expect(file.file == "\(catalog.name)/\(file.provider).yaml", "\(file.file)")
                for plan in file.plans {
                    if let effective = plan.effective { #expect(YAMLReader.isISODate(effective), "\(file.file) \(plan.name)") }
                    if let confidence = plan.confidence { #expect(PricingFile.confidences.contains(confidence), "\(file.file) \(plan.name)") }
                }
            }
        }
    }

    @Test("each recorded digest is the SHA-256 of the file on disk")
    func digests() throws {
        for catalog in try shipped().catalogs {
            for file in catalog.files {
                let bytes = try Data(contentsOf: shippedPricingRoot.appendingPathComponent(file.file))
                #expect(file.sha256 == SHA256.hex(of: [UInt8](bytes)), "\(file.file)")
            }
        }
    }

    @Test("every priced provider plan is priced or custom, and production plans are chosen among")
    func planShapes() throws {
        for catalog in try shipped().catalogs {
            for file in catalog.providers {
                for plan in file.plans {
                    #expect(plan.custom == (plan.monthlyFee == nil), "\(file.file) \(plan.name)")
                }
                #expect(file.plans.contains { $0.production && !$0.custom }, "\(file.file) has a production plan")
            }
        }
    }
}

/// The seed article's figures, exactly as published (SPEC §3, §8; pricing-facts).
@Suite("Seed catalog figures")
struct SeedCatalogTests {
    @Test("Inngest: step-billed, runs on the platform")
    func inngestFile() throws {
        let file = try #require(try shipped().catalog(named: "seed-2025-01")?.file("inngest"))
        #expect(file.kind == .provider)
        #expect(file.execution == .steps)
        #expect(file.runsOn == .platform)
        #expect(file.effective == "2025-01-08")
        #expect(file.confidence == "published")
        #expect(file.meters == [Meter(name: "steps", terms: [(.steps, 1)])])
        #expect(file.plans.map(\.name) == ["free", "startup", "team", "enterprise"])
    }

    @Test("Inngest Startup: $40, 1,000,000 steps included, $0.00004 per step")
    func inngestStartup() throws {
        let startup = try plan("seed-2025-01", "inngest", "startup")
        #expect(startup.monthlyFee == 40)
        #expect(startup.included == ["steps": 1_000_000])
        #expect(startup.price == ["steps": .unit(Decimal(sign: .plus, exponent: -5, significand: 4))])
        #expect(startup.credit == 0)
        #expect(startup.production && !startup.custom)
        #expect(startup.limits == Limits(historyDays: 30))
    }

    @Test("Inngest Team: $175, 5,000,000 steps, $0.000035 per step")
    func inngestTeam() throws {
        let team = try plan("seed-2025-01", "inngest", "team")
        #expect(team.monthlyFee == 175)
        #expect(team.included == ["steps": 5_000_000])
        #expect(team.price == ["steps": .unit(Decimal(sign: .plus, exponent: -6, significand: 35))])
        #expect(team.limits == Limits(historyDays: 90))
    }

    @Test("the free plans are development only, enterprise is custom")
    func freeAndEnterprise() throws {
        for provider in ["inngest", "trigger-dev"] {
            let free = try plan("seed-2025-01", provider, "free")
            #expect(free.monthlyFee == 0, "\(provider)")
            #expect(!free.production, "\(provider)")
            #expect(free.included.isEmpty && free.price.isEmpty, "\(provider): unlimited")
            let enterprise = try plan("seed-2025-01", provider, "enterprise")
            #expect(enterprise.custom, "\(provider)")
            #expect(enterprise.monthlyFee == nil, "\(provider)")
        }
    }

    @Test("Trigger.dev: run-billed, on its own machines")
    func triggerDevFile() throws {
        let file = try #require(try shipped().catalog(named: "seed-2025-01")?.file("trigger-dev"))
        #expect(file.execution == .runs)
        #expect(file.runsOn == .provider)
        #expect(file.meters == [Meter(name: "runs", terms: [(.runs, 1)])])
        #expect(!file.isMachinePriced)
        #expect(file.plans.map(\.name) == ["free", "startup", "pro", "enterprise"])
    }

    @Test("Trigger.dev Startup: $20, 500 runs, $0.04 per run")
    func triggerDevStartup() throws {
        let startup = try plan("seed-2025-01", "trigger-dev", "startup")
        #expect(startup.monthlyFee == 20)
        #expect(startup.included == ["runs": 500])
        #expect(startup.price == ["runs": .unit(Decimal(sign: .plus, exponent: -2, significand: 4))])
        #expect(startup.limits == Limits(historyDays: 30))
    }

    @Test("Trigger.dev Pro: $100, 5,000 runs, $0.02 per run")
    func triggerDevPro() throws {
        let pro = try plan("seed-2025-01", "trigger-dev", "pro")
        #expect(pro.monthlyFee == 100)
        #expect(pro.included == ["runs": 5_000])
        #expect(pro.price == ["runs": .unit(Decimal(sign: .plus, exponent: -2, significand: 2))])
        #expect(pro.limits == Limits(historyDays: 90))
    }

    @Test("Vercel: Hobby 10 s, Pro 60 s, Pro 300 s where extended; no prices")
    func vercel() throws {
        let file = try #require(try shipped().catalog(named: "seed-2025-01")?.file("vercel"))
        #expect(file.kind == .platform)
        #expect(file.meters.isEmpty)
        #expect(file.plans.map(\.name) == ["hobby", "pro", "pro-extended"])
        #expect(file.plans.map(\.limits) == [Limits(maxDurationSeconds: 10), Limits(maxDurationSeconds: 60), Limits(maxDurationSeconds: 300)])
        #expect(file.plans.allSatisfy { $0.monthlyFee == nil && $0.price.isEmpty })
    }

    @Test("SPEC §8: 100,000 runs of a 3-step job: $40 on Inngest Startup, $4,000 / $2,000 on Trigger.dev")
    func seedScenario() throws {
        func cost(_ plan: Plan, meter: String, quantity: Decimal) throws -> Decimal {
            let fee = try #require(plan.monthlyFee)
            let price = try #require(plan.price[meter])
            let usage = price.charge(total: quantity, included: plan.included[meter] ?? 0)
            return Money.round(fee + max(0, usage - plan.credit))
        }
        let runs: Decimal = 100_000
        let inngest = try cost(try plan("seed-2025-01", "inngest", "startup"), meter: "steps", quantity: runs * 3)
        let startup = try cost(try plan("seed-2025-01", "trigger-dev", "startup"), meter: "runs", quantity: runs)
        let pro = try cost(try plan("seed-2025-01", "trigger-dev", "pro"), meter: "runs", quantity: runs)
        #expect(inngest == 40)
        #expect(startup == 4_000)
        #expect(pro == 2_000)
        #expect(startup - inngest == 3_960)
        #expect(pro - inngest == 1_960)
    }
}

/// The current catalog against pricing-facts.
@Suite("Current catalog figures")
struct CurrentCatalogTests {
    @Test("Inngest 2026: executions = runs + steps; free capped, Pro $99 + $50 per started 1M")
    func inngest2026() throws {
        let file = try #require(try shipped().catalog(named: "current-2026-11")?.file("inngest"))
        #expect(file.meter(named: "executions") == Meter(name: "executions", terms: [(.runs, 1), (.steps, 1)]))
        let free = try plan("current-2026-11", "inngest", "free")
        #expect(free.monthlyFee == 0)
        #expect(free.included == ["executions": 50_000, "events": 500_000])
        #expect(free.price.isEmpty, "no price: a hard cap")
        let pro = try plan("current-2026-11", "inngest", "pro-2026")
        #expect(pro.monthlyFee == 99)
        #expect(pro.included == ["executions": 1_000_000, "events": 5_000_000])
        #expect(pro.price == ["executions": .block(per: 1_000_000, amount: 50)])
        let business = try plan("current-2026-11", "inngest", "business-2026")
        #expect(business.monthlyFee == 499)
        #expect(business.included == ["executions": 10_000_000, "events": 50_000_000])
        #expect(business.price == ["executions": .block(per: 1_000_000, amount: 50)])
    }

    @Test("Inngest 2025 calculator: graduated bands, capped at 100M")
    func inngest2025() throws {
        let pro = try plan("current-2026-11", "inngest", "pro-2025")
        #expect(pro.monthlyFee == 75)
        #expect(pro.included == ["executions": 1_000_000])
        #expect(pro.price == ["executions": .tiers([
            Price.Tier(upTo: 5_000_000, price: exact("0.00005")),
            Price.Tier(upTo: 15_000_000, price: exact("0.000025")),
            Price.Tier(upTo: 50_000_000, price: exact("0.00002")),
            Price.Tier(upTo: nil, price: exact("0.000015")),
        ])])
        #expect(pro.limits.maxQuantity == ["executions": 100_000_000])
        #expect(pro.source != nil && pro.effective == "2025-01-01")
    }

    @Test("Trigger.dev v4: per-run fee, machines per second, money credits, unverified")
    func triggerDev() throws {
        let file = try #require(try shipped().catalog(named: "current-2026-11")?.file("trigger-dev"))
        #expect(file.confidence == "unverified")
        #expect(file.isMachinePriced)
        #expect(file.defaultMachine == "small-1x")
        let prices = Dictionary(uniqueKeysWithValues: file.machines.map { ($0.name, $0.perSecond) })
        #expect(prices == [
            "micro": exact("0.0000169"), "small-1x": exact("0.0000338"), "small-2x": exact("0.0000675"),
            "medium-1x": exact("0.000085"), "medium-2x": exact("0.00017"), "large-1x": exact("0.00034"),
            "large-2x": exact("0.00068"),
        ])
        for (name, fee) in [("free", 0), ("hobby", 10), ("pro", 50)] {
            let plan = try plan("current-2026-11", "trigger-dev", name)
            #expect(plan.monthlyFee == Decimal(fee), "\(name)")
            #expect(plan.credit == (name == "free" ? 5 : Decimal(fee)), "\(name)")
            #expect(plan.price == ["runs": .unit(exact("0.000025"))], "\(name)")
            #expect(plan.included.isEmpty, "\(name)")
        }
        // The free tier stops at its $5 of included usage.
        #expect(try plan("current-2026-11", "trigger-dev", "free").limits.maxUsage == 5)
    }

    @Test("Vercel Fluid: limits, and Pro usage prices pro rata")
    func vercel() throws {
        let hobby = try plan("current-2026-11", "vercel", "hobby")
        #expect(hobby.limits == Limits(maxDurationSeconds: 300, memoryMB: 2048))
        let pro = try plan("current-2026-11", "vercel", "pro")
        #expect(pro.limits == Limits(maxDurationSeconds: 800, memoryMB: 4096))
        #expect(pro.included == ["invocations": 1_000_000, "memory_gb_seconds": 5_184_000])
        #expect(pro.price == [
            "invocations": .prorated(per: 1_000_000, amount: exact("0.60")),
            "memory_gb_seconds": .prorated(per: 3_600, amount: exact("0.0106")),
        ])
    }
}
