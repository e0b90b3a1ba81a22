import Foundation
import Reports
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// SPEC §8: the seed article's scenarios against the shipped `seed-2025-01` catalog.
@Suite("Seed article acceptance scenarios")
struct SeedScenarioTests {
    private func compare(_ fixture: String) throws -> Comparison {
        let catalog = try S.shippedCatalog()
        let workload = try Workload.load(path: S.fixture(fixture))
        return try Comparison.compare(workload, catalog: catalog)
    }

    private func evaluation(_ comparison: Comparison, _ id: String) throws -> PlanEvaluation {
        try #require(comparison.evaluations.first { $0.id == id }, "no evaluation \(id)")
    }

    @Test("the shipped library loads both catalogs and defaults to current-2026-11")
    func library() throws {
        let library = try PricingLibrary.load(roots: [S.pricingRoot])
        #expect(library.catalogs.map(\.name) == ["current-2026-11", "seed-2025-01"])
        #expect(library.defaultCatalog == "current-2026-11")
        let seed = try S.shippedCatalog()
        #expect(seed.providers.map(\.provider) == ["inngest", "trigger-dev"])
        #expect(seed.platforms.map(\.provider) == ["vercel"])
    }

    @Test("100,000 runs of a 3-step job: Inngest Startup $40.00, Trigger.dev Startup $4,000.00, Pro $2,000.00")
    func seedCosts() throws {
        let comparison = try compare("seed-article.yaml")
        let inngest = try evaluation(comparison, "inngest/startup")
        #expect(inngest.monthlyCost == S.d("40.00"))
        #expect(inngest.exactCost == 40)
        #expect(inngest.status == .feasible)
        #expect(inngest.reasons.isEmpty)
        #expect(S.line(inngest, "steps")?.quantity == 300_000)
        #expect(S.line(inngest, "steps")?.included == 1_000_000)
        #expect(S.line(inngest, "steps")?.amount == 0)

        let triggerStartup = try evaluation(comparison, "trigger-dev/startup")
        #expect(triggerStartup.monthlyCost == S.d("4000.00"))
        #expect(S.line(triggerStartup, "runs")?.quantity == 100_000)
        #expect(S.line(triggerStartup, "runs")?.amount == 3980)
        #expect(triggerStartup.status == .feasible)

        let triggerPro = try evaluation(comparison, "trigger-dev/pro")
        #expect(triggerPro.monthlyCost == S.d("2000.00"))
        #expect(S.line(triggerPro, "runs")?.amount == 1900)

        let team = try evaluation(comparison, "inngest/team")
        #expect(team.monthlyCost == 175)
    }

    @Test("cheapest is Inngest Startup; the runner-up is Trigger.dev Pro; the honest gap is $1,960.00")
    func seedRanking() throws {
        let comparison = try compare("seed-article.yaml")
        let cheapest = try #require(comparison.cheapest)
        let runnerUp = try #require(comparison.runnerUp)
        #expect(cheapest.id == "inngest/startup")
        #expect(runnerUp.id == "trigger-dev/pro")
        #expect(try #require(runnerUp.monthlyCost) - #require(cheapest.monthlyCost) == 1960)
        #expect(comparison.ranking.map(\.provider) == ["inngest", "trigger-dev"])
        #expect(comparison.providers.map { $0.cheapest?.id } == ["inngest/startup", "trigger-dev/pro"])
        // The article's own figure compares against Trigger.dev Startup.
        let startup = try evaluation(comparison, "trigger-dev/startup")
        #expect(try #require(startup.monthlyCost) - #require(cheapest.monthlyCost) == 3960)
        #expect(comparison.verdict == "Cheapest: inngest/startup at $40.00/month, $1,960.00 less than trigger-dev/pro ($2,000.00), the cheapest Trigger.dev plan.")
    }

    @Test("free plans are priced but development-only; enterprise plans are custom")
    func seedFreeAndEnterprise() throws {
        let comparison = try compare("seed-article.yaml")
        for id in ["inngest/free", "trigger-dev/free"] {
            let free = try evaluation(comparison, id)
            #expect(free.status == .infeasible, "\(id)")
            #expect(free.monthlyCost == 0, "\(id)")
            #expect(free.reasons == ["free is for development only (production: false)"], "\(id)")
        }
        for id in ["inngest/enterprise", "trigger-dev/enterprise"] {
            let enterprise = try evaluation(comparison, id)
            #expect(enterprise.status == .custom, "\(id)")
            #expect(enterprise.monthlyCost == nil, "\(id)")
            #expect(enterprise.exactCost == nil, "\(id)")
            #expect(enterprise.lines.isEmpty, "\(id)")
            #expect(enterprise.reasons == ["custom pricing: contact sales"], "\(id)")
        }
    }

    @Test("with no platform the report says step limits were not checked")
    func seedNoPlatformNote() throws {
        let comparison = try compare("seed-article.yaml")
        #expect(comparison.platform == nil)
        #expect(comparison.notes == ["no platform given: step time limits of Inngest were not checked (add 'platform: vercel/pro' or --platform)"])
    }

    @Test("45 s PDF job under Vercel Hobby: every Inngest plan infeasible, Trigger.dev feasible")
    func pdfUnderHobby() throws {
        let comparison = try compare("pdf-generation.yaml")
        #expect(comparison.platform?.id == "vercel/hobby")
        #expect(comparison.platform?.displayName == "Vercel Hobby")
        let reason = "pdf-generation: 45 s step exceeds Vercel Hobby's 10 s limit"
        for plan in ["startup", "team"] {
            let inngest = try evaluation(comparison, "inngest/\(plan)")
            #expect(inngest.status == .infeasible, "\(plan)")
            #expect(inngest.reasons == [reason], "\(plan)")
            #expect(inngest.monthlyCost != nil, "infeasible plans are still priced")
        }
        let free = try evaluation(comparison, "inngest/free")
        #expect(free.reasons == [reason, "free is for development only (production: false)"])
        #expect(comparison.providers.first { $0.provider == "inngest" }?.cheapest == nil)

        let pro = try evaluation(comparison, "trigger-dev/pro")
        let startup = try evaluation(comparison, "trigger-dev/startup")
        #expect(pro.status == .feasible)
        #expect(startup.status == .feasible)
        #expect(pro.reasons.isEmpty)
        #expect(startup.monthlyCost == 800)      // 20 + 19,500 × 0.04
        #expect(pro.monthlyCost == 400)          // 100 + 15,000 × 0.02
        #expect(comparison.cheapest?.id == "trigger-dev/pro")
        #expect(comparison.runnerUp == nil)
        #expect(comparison.ranking.map(\.provider) == ["trigger-dev"])
        // SPEC §8: infeasible on Inngest under Hobby "unless split into steps that each fit".
        #expect(comparison.notes == [
            "pdf-generation: to run on Inngest under Vercel Hobby, split its 45 s step into steps of at most 10 s, or use vercel/pro (60 s)",
        ])
    }

    @Test("the same PDF job under Vercel Pro (60 s) fits Inngest")
    func pdfUnderPro() throws {
        let catalog = try S.shippedCatalog()
        let workload = try Workload.load(path: S.fixture("pdf-generation.yaml"))
        let comparison = try Comparison.compare(workload, catalog: catalog, platform: PlatformReference(provider: "vercel", plan: "pro"))
        #expect(comparison.platform?.id == "vercel/pro")
        let startup = try evaluation(comparison, "inngest/startup")
        #expect(startup.status == .feasible)
        #expect(startup.monthlyCost == 40)
        #expect(comparison.cheapest?.id == "inngest/startup")
    }

    @Test("a 60 s step sits exactly at Vercel Pro's 60 s limit and fits (data-sync)")
    func dataSyncAtLimit() throws {
        let comparison = try compare("data-sync.yaml")
        #expect(try evaluation(comparison, "inngest/startup").status == .feasible)
        #expect(try evaluation(comparison, "inngest/startup").reasons.isEmpty)
    }

    @Test("batch-email's 25 s longest step fits Vercel Pro although the run is 480 s")
    func batchEmail() throws {
        let comparison = try compare("batch-email.yaml")
        #expect(try evaluation(comparison, "inngest/startup").status == .feasible)
        let hobby = try Comparison.compare(comparison.workload, catalog: comparison.catalog,
                                           platform: PlatformReference(provider: "vercel", plan: "hobby"))
        #expect(try evaluation(hobby, "inngest/startup").reasons == ["batch-email: 25 s step exceeds Vercel Hobby's 10 s limit"])
    }

    @Test("unknown platform plan in the workload is an input error at the platform key")
    func unknownPlatformPlan() throws {
        let catalog = try S.shippedCatalog()
        let workload = try Workload.parse("version: 1\nname: w\nplatform: vercel/hobbit\njobs:\n  - {name: a, runs_per_month: 1, step_seconds: 1}\n", file: "w.yaml")
        #expect(throws: CostsimError.input(Diagnostic(file: "w.yaml", line: 3, column: 11, keyPath: "platform",
                                                      message: "unknown plan 'hobbit' of platform vercel in catalog seed-2025-01",
                                                      hint: "did you mean 'hobby'?"))) {
            try Comparison.compare(workload, catalog: catalog)
        }
        do {
            _ = try Comparison.compare(workload, catalog: catalog)
        } catch {
            #expect(error.description == "w.yaml:3:11: platform: unknown plan 'hobbit' of platform vercel in catalog seed-2025-01\n  hint: did you mean 'hobby'?")
            #expect(error.exitCode == 65)
        }
    }

    @Test("a platform given on the command line that is unknown is a usage error")
    func unknownPlatformOverride() throws {
        let catalog = try S.shippedCatalog()
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        #expect(throws: CostsimError.usage("unknown platform 'netlify' in catalog seed-2025-01",
                                           hint: "platforms: vercel/hobby, vercel/pro, vercel/pro-extended")) {
            try Comparison.compare(workload, catalog: catalog, platform: PlatformReference(provider: "netlify", plan: "pro"))
        }
    }

    @Test("provider filter, and an unknown provider suggests the nearest id")
    func providerFilter() throws {
        let catalog = try S.shippedCatalog()
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let only = try Comparison.compare(workload, catalog: catalog, providers: ["trigger-dev"])
        #expect(only.providers.map(\.provider) == ["trigger-dev"])
        #expect(only.notes.isEmpty)
        #expect(only.cheapest?.id == "trigger-dev/pro")
        #expect(throws: CostsimError.usage("unknown provider 'ingest' in catalog seed-2025-01", hint: "did you mean 'inngest'?")) {
            try Comparison.compare(workload, catalog: catalog, providers: ["ingest"])
        }
    }

    @Test("estimate prices one plan and splits usage per job")
    func estimate() throws {
        let catalog = try S.shippedCatalog()
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let estimate = try Estimate.make(workload, catalog: catalog, plan: "inngest/startup")
        #expect(estimate.evaluation.monthlyCost == 40)
        let values = estimate.jobMeterValues(job: 0)
        #expect(values.map(\.meter) == ["steps"])
        #expect(values.map(\.quantity) == [300_000])
        #expect(throws: CostsimError.usage("unknown plan 'startp' of inngest in catalog seed-2025-01", hint: "did you mean 'startup'?")) {
            try Estimate.make(workload, catalog: catalog, plan: "inngest/startp")
        }
        #expect(throws: CostsimError.usage("expected provider/plan, found 'inngest'", hint: "e.g. --plan inngest/startup")) {
            try Estimate.make(workload, catalog: catalog, plan: "inngest")
        }
    }

    @Test("the SaaS fixture prices on every seed plan with consistent totals")
    func saasTotals() throws {
        let comparison = try compare("saas.yaml")
        for evaluation in comparison.evaluations where evaluation.status != .custom {
            let total = evaluation.lines.reduce(Decimal(0)) { $0 + $1.amount }
            #expect(evaluation.monthlyCost == total, "\(evaluation.id)")
        }
        #expect(comparison.cheapest != nil)
    }
}
