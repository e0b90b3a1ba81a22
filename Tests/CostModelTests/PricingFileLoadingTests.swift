import Foundation
import Testing
@testable import CostModel

/// A provider file that uses every feature of SPEC §3.
private let fullProvider = """
# comment lines are ignored
version: 1
kind: provider
provider: acme-jobs
name: Acme Jobs
catalog: test-2025
effective: 2025-01-08
source: "unit test fixture"
confidence: unverified
currency: USD
notes: "every feature at once"
execution: runs
runs_on: provider
meters:
  runs: {runs: 1}
  executions: {runs: 1, steps: 1}
  compute_seconds: {compute_seconds: 1}
  weighted: {steps: 0.5, events: 2}
machines:
  micro: {vcpu: 0.25, memory_mb: 256, per_second: 0.0000169, confidence: published}
  small-1x: {vcpu: 0.5, memory_mb: 512, per_second: "0.0000338"}
default_machine: small-1x
plans:
  - name: free
    monthly_fee: 0
    production: false
    included: {executions: 50000}
  - name: startup
    monthly_fee: 40
    included: {executions: 1_000_000, runs: 500}
    price: {executions: 0.00004, runs: "0.04"}
    limits: {history_days: 30, max_duration_seconds: 900, memory_mb: 2048, concurrency: 25, max_steps_per_run: 1000}
  - name: pro-2026
    monthly_fee: 99
    included: {executions: 1000000}
    price:
      executions: {per: 1000000, amount: 50}
      weighted: {per: 10000, amount: 0.25, partial: true}
    limits:
      max_quantity: {executions: 100000000}
  - name: pro-2025
    monthly_fee: 75
    included: {executions: 1000000}
    price:
      executions:
        tiers: [{up_to: 5000000, price: 0.00005}, {up_to: 15000000, price: 0.000025}, {price: 0.00002}]
    source: "calculator"
    effective: 2025-01-01
    confidence: published
    note: "2025 model"
  - name: hobby
    monthly_fee: 10
    credit: 10
    limits: {max_usage: 10}
  - name: enterprise
    custom: true
    note: "Contact sales"
"""

/// Parsing valid pricing files into the model (SPEC §3).
@Suite("PricingFile.parse: valid files")
struct PricingFileLoadingTests {
    @Test("file-level fields")
    func topLevel() throws {
        let file = try parsePricing(fullProvider, file: "pricing/test-2025/acme.yaml")
        #expect(file.kind == .provider)
        #expect(file.provider == "acme-jobs")
        #expect(file.name == "Acme Jobs")
        #expect(file.catalog == "test-2025")
        #expect(file.effective == "2025-01-08")
        #expect(file.source == "unit test fixture")
        #expect(file.confidence == "unverified")
        #expect(file.currency == "USD")
        #expect(file.notes == "every feature at once")
        #expect(file.execution == .runs)
        #expect(file.runsOn == .provider)
        #expect(file.file == "pricing/test-2025/acme.yaml")
        #expect(file.sha256 == SHA256.hex(of: Array(fullProvider.utf8)))
    }

    @Test("relativePath is what reports record")
    func relativePath() throws {
        let file = try PricingFile.parse(fullProvider, file: "/abs/pricing/test-2025/acme.yaml", relativePath: "test-2025/acme.yaml")
        #expect(file.file == "test-2025/acme.yaml")
    }

    @Test("meters keep their terms and coefficients in file order")
    func meters() throws {
        let file = try parsePricing(fullProvider)
        #expect(file.meters.map(\.name) == ["runs", "executions", "compute_seconds", "weighted"])
        let executions = try #require(file.meter(named: "executions"))
        #expect(executions.terms.map(\.quantity) == [.runs, .steps])
        #expect(executions.terms.map(\.coefficient) == [1, 1])
        let weighted = try #require(file.meter(named: "weighted"))
        #expect(weighted == Meter(name: "weighted", terms: [(.steps, exact("0.5")), (.events, 2)]))
        #expect(file.meter(named: "nope") == nil)
    }

    @Test("machines and the default machine")
    func machines() throws {
        let file = try parsePricing(fullProvider)
        #expect(file.isMachinePriced)
        #expect(file.machines == [
            Machine(name: "micro", vcpu: exact("0.25"), memoryMB: 256, perSecond: exact("0.0000169"), confidence: "published"),
            Machine(name: "small-1x", vcpu: exact("0.5"), memoryMB: 512, perSecond: exact("0.0000338"), confidence: nil),
        ])
        #expect(file.defaultMachine == "small-1x")
    }

    @Test("plans in file order")
    func planOrder() throws {
        let file = try parsePricing(fullProvider)
        #expect(file.plans.map(\.name) == ["free", "startup", "pro-2026", "pro-2025", "hobby", "enterprise"])
    }

    @Test("a development-only plan: production false")
    func developmentPlan() throws {
        let free = try #require(try parsePricing(fullProvider).plan(named: "free"))
        #expect(free.monthlyFee == 0)
        #expect(free.production == false)
        #expect(free.custom == false)
        #expect(free.included == ["executions": 50_000])
        #expect(free.price.isEmpty)
        #expect(free.credit == 0)
        #expect(free.limits.isEmpty)
    }

    @Test("unit prices, quoted or not, and every limit")
    func unitPlan() throws {
        let startup = try #require(try parsePricing(fullProvider).plan(named: "startup"))
        #expect(startup.monthlyFee == 40)
        #expect(startup.production)
        #expect(startup.included == ["executions": 1_000_000, "runs": 500])
        #expect(startup.price == ["executions": .unit(exact("0.00004")), "runs": .unit(exact("0.04"))])
        #expect(startup.limits == Limits(maxDurationSeconds: 900, memoryMB: 2048, concurrency: 25, historyDays: 30, maxStepsPerRun: 1000))
        #expect(startup.source == nil && startup.effective == nil && startup.confidence == nil)
    }

    @Test("block and pro-rata prices, max_quantity")
    func blockPlan() throws {
        let pro = try #require(try parsePricing(fullProvider).plan(named: "pro-2026"))
        #expect(pro.monthlyFee == 99)
        #expect(pro.price["executions"] == .block(per: 1_000_000, amount: 50))
        #expect(pro.price["weighted"] == .prorated(per: 10_000, amount: exact("0.25")))
        #expect(pro.limits.maxQuantity == ["executions": 100_000_000])
        #expect(pro.limits.maxDurationSeconds == nil)
    }

    @Test("tiers and per-plan source, effective and confidence")
    func tieredPlan() throws {
        let plan = try #require(try parsePricing(fullProvider).plan(named: "pro-2025"))
        #expect(plan.price["executions"] == .tiers([
            Price.Tier(upTo: 5_000_000, price: exact("0.00005")),
            Price.Tier(upTo: 15_000_000, price: exact("0.000025")),
            Price.Tier(upTo: nil, price: exact("0.00002")),
        ]))
        #expect(plan.source == "calculator")
        #expect(plan.effective == "2025-01-01")
        #expect(plan.confidence == "published")
        #expect(plan.note == "2025 model")
    }

    @Test("credit")
    func creditPlan() throws {
        let hobby = try #require(try parsePricing(fullProvider).plan(named: "hobby"))
        #expect(hobby.monthlyFee == 10)
        #expect(hobby.credit == 10)
        #expect(hobby.included.isEmpty && hobby.price.isEmpty)
        #expect(hobby.limits.maxUsage == 10)
        #expect(!hobby.limits.isEmpty)
    }

    @Test("a custom plan has no fee")
    func customPlan() throws {
        let enterprise = try #require(try parsePricing(fullProvider).plan(named: "enterprise"))
        #expect(enterprise.custom)
        #expect(enterprise.monthlyFee == nil)
        #expect(enterprise.note == "Contact sales")
    }

    @Test("defaults: kind provider, name = provider id, currency USD, no machines")
    func defaults() throws {
        let file = try parsePricing("""
        version: 1
        provider: tiny
        catalog: c
        effective: 2024-12-31
        source: s
        confidence: published
        execution: steps
        runs_on: platform
        meters: {steps: {steps: 1}}
        plans: [{name: only, monthly_fee: 0}]
        """)
        #expect(file.kind == .provider)
        #expect(file.name == "tiny")
        #expect(file.currency == "USD")
        #expect(file.notes == nil)
        #expect(!file.isMachinePriced)
        #expect(file.defaultMachine == nil)
        #expect(file.plans == [Plan(name: "only", monthlyFee: 0, included: [:], price: [:], credit: 0, production: true,
                                    custom: false, limits: Limits(), note: nil, source: nil, effective: nil, confidence: nil)])
    }

    @Test("a platform file needs no meters, execution, runs_on or fees")
    func platformFile() throws {
        let file = try parsePricing("""
        version: 1
        kind: platform
        provider: vercel
        name: Vercel
        catalog: c
        effective: 2025-01-08
        source: s
        confidence: published
        plans:
          - name: hobby
            limits: {max_duration_seconds: 10}
          - name: pro
            limits: {max_duration_seconds: 60, memory_mb: 3009}
        """)
        #expect(file.kind == .platform)
        #expect(file.meters.isEmpty)
        #expect(file.plans.map(\.monthlyFee) == [nil, nil])
        #expect(file.plan(named: "hobby")?.limits.maxDurationSeconds == 10)
        #expect(file.plan(named: "pro")?.limits == Limits(maxDurationSeconds: 60, memoryMB: 3009))
    }

    @Test("JSON is accepted, being YAML")
    func json() throws {
        let file = try parsePricing("""
        {"version": 1, "provider": "j", "catalog": "c", "effective": "2025-01-08", "source": "s",
         "confidence": "published", "execution": "steps", "runs_on": "platform",
         "meters": {"steps": {"steps": 1}},
         "plans": [{"name": "startup", "monthly_fee": 40, "included": {"steps": 1000000}, "price": {"steps": "0.00004"}}]}
        """, file: "j.json")
        #expect(file.plan(named: "startup")?.price["steps"] == .unit(exact("0.00004")))
        #expect(file.plan(named: "startup")?.included["steps"] == 1_000_000)
    }

    @Test("0.00004 and \"0.00004\" mean the same exact number")
    func quotedAndPlainAgree() throws {
        func price(_ text: String) throws -> Price? {
            try parsePricing(providerFile(plans: "  - {name: p, monthly_fee: 1, price: {steps: \(text)}}")).plan(named: "p")?.price["steps"]
        }
        let plain = try price("0.00004")
        let quoted = try price("\"0.00004\"")
        let single = try price("'0.00004'")
        #expect(plain == .unit(Decimal(sign: .plus, exponent: -5, significand: 4)))
        #expect(quoted == plain)
        #expect(single == plain)
    }

    @Test("the digest is of the file's bytes")
    func digest() throws {
        let a = try parsePricing(providerFile(plans: "  - {name: p, monthly_fee: 1}"))
        let b = try parsePricing(providerFile(plans: "  - {name: p, monthly_fee: 1}") + "\n# trailing comment")
        #expect(a.sha256.count == 64)
        #expect(a.sha256 != b.sha256)
        #expect(a.plans == b.plans)
    }
}

/// Small model helpers.
@Suite("Pricing model helpers")
struct PricingModelTests {
    @Test("Meter.value is Σ coefficient × quantity")
    func meterValue() {
        let meter = Meter(name: "executions", terms: [(.runs, 1), (.steps, 1), (.events, exact("0.5"))])
        let quantities: [Quantity: Decimal] = [.runs: 100_000, .steps: 300_000, .events: 10]
        #expect(meter.value { quantities[$0] ?? 0 } == 400_005)
        #expect(Meter(name: "none", terms: []).value { _ in 7 } == 0)
    }

    @Test("Meter equality compares names, quantities and coefficients")
    func meterEquality() {
        let a = Meter(name: "m", terms: [(.runs, 1), (.steps, 2)])
        #expect(a == Meter(name: "m", terms: [(.runs, 1), (.steps, 2)]))
        #expect(a != Meter(name: "n", terms: [(.runs, 1), (.steps, 2)]))
        #expect(a != Meter(name: "m", terms: [(.runs, 1), (.steps, 3)]))
        #expect(a != Meter(name: "m", terms: [(.steps, 2), (.runs, 1)]))
    }

    @Test("Limits.isEmpty")
    func limitsEmpty() {
        #expect(Limits().isEmpty)
        #expect(!Limits(historyDays: 30).isEmpty)
        #expect(!Limits(maxQuantity: ["steps": 1]).isEmpty)
        var usage = Limits()
        usage.maxUsage = 5
        #expect(!usage.isEmpty)
    }

    @Test("Quantity names and units follow the file keys")
    func quantities() {
        #expect(Quantity.allCases.map(\.rawValue) == ["runs", "run_attempts", "steps", "step_attempts", "sleeps",
                                                      "compute_seconds", "gb_seconds", "events", "invocations"])
        #expect(Quantity.computeSeconds.unit == "seconds")
        #expect(Quantity.gbSeconds.unit == "GB-seconds")
        #expect(Quantity.stepAttempts.unit == "step attempts")
        #expect(Quantity.runs < Quantity.steps)
        #expect(!(Quantity.invocations < Quantity.runs))
    }

    @Test("the machine-priced meter is compute_seconds")
    func machineMeter() {
        #expect(PricingFile.machineMeterName == "compute_seconds")
    }
}
