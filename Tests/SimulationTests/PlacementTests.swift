import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// `Placement.place` on the article fixture and on the edge cases: pins, --max-providers,
/// infeasible jobs, the node budget, the heuristic beyond the exact size.
@Suite("Placement")
struct PlacementTests {
    static func article() throws -> (Workload, Catalog) {
        var workload = try Workload.load(path: S.fixture("placement-article.yaml"))
        workload.file = "Fixtures/placement-article.yaml"    // as the CLI names it, for messages
        return (workload, try S.shippedCatalog("seed-2025-01"))
    }

    static func place(_ request: PlacementRequest = PlacementRequest()) throws -> Placement {
        let (workload, catalog) = try article()
        return try Placement.place(workload, catalog: catalog, request: request)
    }

    /// Where each job goes, as `job: provider/plan`.
    static func summary(_ placement: Placement) -> [String] {
        placement.assignments.map { "\($0.job): \($0.provider)/\($0.plan)" }
    }

    @Test("the article's jobs: webhooks and the 10 s-step sync on Inngest, PDF and batch on Trigger.dev")
    func articleOptimum() throws {
        let placement = try Self.place()
        #expect(placement.search.provenOptimal)
        #expect(placement.monthlyCost == S.d("440.61"))
        #expect(Self.summary(placement) == [
            "stripe-webhooks: inngest/startup", "github-webhooks: inngest/startup", "pdf-render: trigger-dev/pro",
            "crm-sync: inngest/startup", "nightly-batch: trigger-dev/pro",
        ])
        #expect(placement.shares.map(\.monthlyCost) == [40, S.d("400.61")])
        let single = try #require(placement.bestSingleProvider?.evaluation)
        #expect(single.id == "trigger-dev/pro")
        #expect(single.monthlyCost == S.d("4955.81"))
        #expect(placement.singleProviders[0].reason == "pdf-render: 45 s step exceeds Vercel Hobby's 10 s limit")
        let rule = try #require(placement.ruleOfThumb)
        #expect(rule.monthlyCost == S.d("469.81"))
        #expect(rule.assignment == ["inngest", "inngest", "trigger-dev", "trigger-dev", "trigger-dev"])
        #expect(rule.redirected == ["pdf-render"])
    }

    @Test("each job says what it adds, the next-best place, or the limit ruling the others out")
    func articleExplanations() throws {
        let placement = try Self.place()
        let sync = placement.assignments[3]
        #expect(sync.addedCost == 0)
        #expect(sync.nextBest?.provider == "trigger-dev")
        #expect(sync.nextBest?.plan == "pro")
        #expect(sync.nextBest?.extraCost.map(Money.round) == S.d("29.20"))   // exact: 730/24 runs make it 29.2000…01
        let pdf = placement.assignments[2]
        #expect(pdf.addedCost.map(Money.round) == S.d("380.61"))
        #expect(pdf.providerCostWithout == 20)
        #expect(pdf.nextBest == nil)
        #expect(pdf.alternatives.first?.reason == "pdf-render: 45 s step exceeds Vercel Hobby's 10 s limit")
    }

    @Test("a provider's cost is exactly CostEngine's on the sub-workload of its jobs")
    func sharesAreCostEngineEvaluations() throws {
        let (workload, catalog) = try Self.article()
        let placement = try Placement.place(workload, catalog: catalog)
        let platform = try catalog.resolvePlatform(workload.platform, fromCommandLine: false, workloadFile: workload.file)
        for share in placement.shares {
            var sub = workload
            sub.jobs = workload.jobs.filter { share.jobs.contains($0.name) }
            let choice = CostEngine(workload: sub, platform: platform).evaluate(provider: try #require(catalog.file(share.provider)))
            #expect(choice.cheapest == share.evaluation)
        }
    }

    @Test("--max-providers 1 is the best single provider")
    func oneProvider() throws {
        let placement = try Self.place(PlacementRequest(maxProviders: 1))
        #expect(placement.search.provenOptimal)
        #expect(Set(placement.assignments.map(\.provider)) == ["trigger-dev"])
        #expect(placement.monthlyCost == S.d("4955.81"))
        #expect(placement.assignments[0].alternatives.first?.reason == "it would make 2 providers, more than --max-providers 1")
    }

    @Test("a pinned job stays where it is pinned, and says so")
    func pins() throws {
        let placement = try Self.place(PlacementRequest(pins: [PlacementPin(job: "crm-sync", provider: "trigger-dev")]))
        #expect(placement.monthlyCost == S.d("469.81"))
        let sync = placement.assignments[3]
        #expect(sync.provider == "trigger-dev")
        #expect(sync.pinned)
        #expect(sync.alternatives.first?.reason == "pinned to trigger-dev with --pin")
    }

    @Test("--platform vercel/pro lets every job run on Inngest: the placement is the single provider")
    func platformOverride() throws {
        let placement = try Self.place(PlacementRequest(platform: PlatformReference(provider: "vercel", plan: "pro")))
        #expect(placement.monthlyCost == 40)
        #expect(placement.bestSingleProvider?.evaluation?.monthlyCost == 40)
        #expect(Set(placement.assignments.map(\.provider)) == ["inngest"])
    }

    @Test("a job no provider can take is an error naming the job and the limit")
    func infeasibleJob() throws {
        let error = try #require(throws: InputError.self) { try Self.place(PlacementRequest(providers: ["inngest"])) }
        guard case .invalid(let diagnostics) = error else { Issue.record("expected .invalid, got \(error)"); return }
        #expect(diagnostics.map(\.description) == [
            "Fixtures/placement-article.yaml:30: jobs[2]: no provider can take job 'pdf-render': inngest: pdf-render: 45 s step exceeds Vercel Hobby's 10 s limit\n  hint: split its long steps, choose a platform plan with a longer limit (--platform), or add providers (--provider); `costsim compare` lists every plan's reasons",
            "Fixtures/placement-article.yaml:40: jobs[4]: no provider can take job 'nightly-batch': inngest: nightly-batch: 25 s step exceeds Vercel Hobby's 10 s limit\n  hint: split its long steps, choose a platform plan with a longer limit (--platform), or add providers (--provider); `costsim compare` lists every plan's reasons",
        ])
        #expect(error.exitCode == 65)
    }

    @Test("a job pinned where it cannot run is an error naming the pin and the limit")
    func pinnedWhereItCannotRun() throws {
        let error = try #require(throws: InputError.self) {
            try Self.place(PlacementRequest(pins: [PlacementPin(job: "pdf-render", provider: "inngest")]))
        }
        #expect(error.description == """
            Fixtures/placement-article.yaml:30: jobs[2]: job 'pdf-render' is pinned to inngest (--pin pdf-render=inngest), which cannot take it: pdf-render: 45 s step exceeds Vercel Hobby's 10 s limit
              hint: remove --pin pdf-render=inngest, or make the job fit inngest (split its long steps, or choose another --platform)
            """)
    }

    @Test("pins to two providers with --max-providers 1: no placement, exit 65")
    func pinsBeyondTheProviderLimit() throws {
        let request = PlacementRequest(maxProviders: 1, pins: [PlacementPin(job: "crm-sync", provider: "trigger-dev"),
                                                               PlacementPin(job: "stripe-webhooks", provider: "inngest")])
        let error = try #require(throws: InputError.self) { try Self.place(request) }
        #expect(error.description == """
            Fixtures/placement-article.yaml: no placement of the 5 jobs respects every limit at once (at most 1 provider, pins, plan caps): each job fits some provider on its own, but not all together
              hint: raise --max-providers, remove a --pin, or add providers with --provider
            """)
    }

    @Test("bad names in the request are usage errors with suggestions")
    func usageErrors() throws {
        func message(_ request: PlacementRequest) -> String? {
            do {
                _ = try Self.place(request)
                return nil
            } catch let error as CostsimError {
                #expect(error.exitCode == 64)
                return error.description
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(message(PlacementRequest(pins: [PlacementPin(job: "pdf-rendr", provider: "inngest")]))
                == "--pin pdf-rendr=inngest: no job named 'pdf-rendr' in Fixtures/placement-article.yaml\n  hint: did you mean 'pdf-render'?")
        #expect(message(PlacementRequest(pins: [PlacementPin(job: "pdf-render", provider: "trigger")]))?
                    .hasPrefix("--pin pdf-render=trigger: unknown provider 'trigger' in catalog seed-2025-01") == true)
        #expect(message(PlacementRequest(providers: ["inngest"], pins: [PlacementPin(job: "crm-sync", provider: "trigger-dev")]))
                == "--pin crm-sync=trigger-dev: provider 'trigger-dev' is not among the options selected with --provider\n  hint: add --provider trigger-dev")
        #expect(message(PlacementRequest(pins: [PlacementPin(job: "crm-sync", provider: "inngest"), PlacementPin(job: "crm-sync", provider: "trigger-dev")]))
                == "--pin: job 'crm-sync' is pinned to both inngest and trigger-dev\n  hint: pin each job once")
        #expect(message(PlacementRequest(maxProviders: 0)) == "--max-providers must be at least 1, found 0")
    }

    /// Local search from "everything on a" moves the busy job to b and leaves the idle one on a,
    /// at the same cost as b alone: the report must use one provider, not two.
    @Test("among placements of equal cost, the one with fewer providers is reported")
    func tiesGoToFewerProviders() throws {
        let meters = [S.meter("steps", [(.steps, 1)])]
        let files = [
            S.provider("a", catalog: "ties", meters: meters, plans: [S.plan("free", fee: 0, price: ["steps": .unit(1)])]),
            S.provider("b", catalog: "ties", meters: meters,
                       plans: [S.plan("free", fee: 0, included: ["steps": 1000], price: ["steps": .unit(S.d("0.01"))])]),
        ]
        let catalog = PricingLibrary(files: files).catalog(named: "ties")!
        let workload = S.workload([S.job("idle", runs: 0), S.job("busy", runs: 5000)])
        let placement = try Placement.place(workload, catalog: catalog)
        #expect(placement.exactCost == 40)
        #expect(placement.shares.map(\.provider) == ["b"])
        #expect(placement.assignments[0].alternatives.first?.extraCost == 0)
    }

    @Test func pinParsing() {
        #expect(PlacementPin(parsing: "pdf-render=trigger-dev") == PlacementPin(job: "pdf-render", provider: "trigger-dev"))
        #expect(PlacementPin(parsing: "a=b=c") == PlacementPin(job: "a=b", provider: "c"))
        #expect(PlacementPin(parsing: "pdf-render") == nil)
        #expect(PlacementPin(parsing: "=inngest") == nil)
        #expect(PlacementPin(parsing: "pdf-render=") == nil)
    }

    @Test("when the node budget runs out, the answer is valid and its gap is proven")
    func nodeBudget() throws {
        var rng = SimSplitMix64(seed: 0x6A9)
        var stopped = 0
        for _ in 0..<6 {
            let (workload, catalog, request) = PlacementGenerator.instance(&rng, jobs: 14, providers: 4)
            var limited = request
            limited.nodeLimit = 3
            guard let placement = try? Placement.place(workload, catalog: catalog, request: limited),
                  let full = try? Placement.place(workload, catalog: catalog, request: request) else { continue }
            #expect(placement.search.lowerBound <= full.exactCost)
            #expect(placement.exactCost >= full.exactCost)
            if !placement.search.provenOptimal {
                stopped += 1
                #expect(placement.notes.first?.hasPrefix("not proven optimal: the search stopped after") == true)
            }
        }
        #expect(stopped > 0)
    }

    @Test("beyond 64 jobs the heuristic answers, with a proven lower bound")
    func heuristicBeyondTheExactSize() throws {
        var rng = SimSplitMix64(seed: 0x70B)
        var checked = 0
        for _ in 0..<4 {
            let (workload, catalog, request) = PlacementGenerator.instance(&rng, jobs: 70, providers: 3)
            guard let placement = try? Placement.place(workload, catalog: catalog, request: request) else { continue }
            checked += 1
            #expect(!placement.search.provenOptimal)
            #expect(placement.search.method == "heuristic")
            #expect(placement.search.lowerBound <= placement.exactCost)
            #expect(placement.exactCost == placement.shares.reduce(Decimal(0)) { $0 + ($1.evaluation.exactCost ?? 0) })
            #expect(placement.shares.allSatisfy { $0.evaluation.isFeasible })
            for single in placement.singleProviders {
                if let cost = single.evaluation?.exactCost { #expect(placement.exactCost <= cost) }
            }
        }
        #expect(checked > 0)
    }

    @Test("the article placement renders the same bytes twice")
    func deterministicReport() throws {
        let first = try Self.place(), second = try Self.place()
        #expect(first.search == second.search)
        #expect(first.assignments == second.assignments)
    }
}
