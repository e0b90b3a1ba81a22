import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

/// `costsim place` against brute force on random instances of up to 8 jobs × 4 providers
/// (STYLE rule 11). Every failure message starts with the seed that reproduces it.
@Suite("Placement properties")
struct PlacementPropertyTests {
    static let seeds: [UInt64] = (0..<200).map { 0x91AC_E000_0000 + UInt64($0) }

    @Test("same optimal cost as brute force, every limit respected, never above a single provider", arguments: seeds)
    func matchesBruteForce(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let jobs = seed % 8 == 0 ? 8 : rng.int(1...8)
        let providers = seed % 8 == 0 ? 4 : rng.int(1...4)
        let (workload, catalog, request) = PlacementGenerator.instance(&rng, jobs: jobs, providers: providers)
        var reference = try PlacementBruteForce(workload: workload, catalog: catalog, request: request)
        let expected = reference.solve()

        // The heuristic often finds the optimum by itself; without it, only the bound and the
        // exact comparisons stand between the search and a wrong answer.
        let search = try PlacementBoundTests.search(workload, catalog, request)
        search.seedsIncumbent = false
        let outcome = search.run()
        #expect(outcome?.exactCost == expected?.cost,
                "seed \(seed): branch and bound alone \(String(describing: outcome?.exactCost)) != brute force \(String(describing: expected?.cost))")
        #expect(outcome.map(\.proven) ?? true, "seed \(seed)")

        let placement: Placement
        do {
            placement = try Placement.place(workload, catalog: catalog, request: request)
        } catch let error as InputError {
            #expect(expected == nil, "seed \(seed): place says no placement (\(error)) but brute force found \(expected?.cost ?? 0)")
            return
        }
        guard let expected else {
            Issue.record("seed \(seed): place found \(placement.exactCost) but brute force finds no feasible placement")
            return
        }
        #expect(placement.search.provenOptimal, "seed \(seed): not proven optimal")
        #expect(placement.exactCost == expected.cost, "seed \(seed): place \(placement.exactCost) != brute force \(expected.cost)")

        // Every provider's cost is exactly CostEngine's for the sub-workload of its jobs.
        var sum = Decimal(0)
        var used = Set<String>()
        for share in placement.shares {
            let provider = reference.providers.firstIndex { $0.provider == share.provider }!
            var mask = 0
            for name in share.jobs { mask |= 1 << workload.jobs.firstIndex { $0.name == name }! }
            #expect(share.evaluation.isFeasible, "seed \(seed): \(share.provider) share infeasible: \(share.evaluation.reasons)")
            #expect(share.evaluation.exactCost == reference.cost(provider: provider, mask: mask),
                    "seed \(seed): \(share.provider)'s cost differs from CostEngine on its sub-workload")
            sum += share.evaluation.exactCost ?? 0
            used.insert(share.provider)
        }
        #expect(sum == placement.exactCost, "seed \(seed): shares do not add up")
        #expect(used.count <= reference.maxProviders, "seed \(seed): \(used.count) providers used, limit \(reference.maxProviders)")
        #expect(placement.assignments.count == workload.jobs.count)
        for pin in request.pins {
            let assignment = placement.assignments.first { $0.job == pin.job }
            #expect(assignment?.provider == pin.provider, "seed \(seed): \(pin) not respected")
            #expect(assignment?.pinned == true)
        }
        // Never more than any single provider that can take every job (consistent with the pins).
        for (index, file) in reference.providers.enumerated() {
            let all = (1 << workload.jobs.count) - 1
            guard (0..<workload.jobs.count).allSatisfy({ reference.allowed[$0][index] }),
                  let single = reference.cost(provider: index, mask: all) else { continue }
            #expect(placement.exactCost <= single, "seed \(seed): placement \(placement.exactCost) above \(file.provider) alone \(single)")
        }
        // Optimal, so no single move saves anything.
        for assignment in placement.assignments {
            for alternative in assignment.alternatives {
                if let extra = alternative.extraCost {
                    #expect(extra >= 0, "seed \(seed): moving \(assignment.job) to \(alternative.provider) saves \(-extra)")
                }
            }
        }
    }

    @Test("the same inputs give the same placement and report", arguments: seeds.prefix(20))
    func deterministic(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let (workload, catalog, request) = PlacementGenerator.instance(&rng, jobs: 6, providers: 3)
        guard let first = try? Placement.place(workload, catalog: catalog, request: request) else { return }
        let second = try Placement.place(workload, catalog: catalog, request: request)
        #expect(first.assignments == second.assignments, "seed \(seed)")
        #expect(first.search == second.search, "seed \(seed)")
    }
}
