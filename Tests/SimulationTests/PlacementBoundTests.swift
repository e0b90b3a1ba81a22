import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// The branch-and-bound lower bound is admissible: at random nodes of random instances it never
/// exceeds the cheapest completion of the node, found by brute force with `CostEngine`.
@Suite("Placement lower bound")
struct PlacementBoundTests {
    static let seeds: [UInt64] = (0..<160).map { 0xB0D_0000 + UInt64($0) }

    /// The search of an instance, set up as `Placement.place` does.
    static func search(_ workload: Workload, _ catalog: Catalog, _ request: PlacementRequest) throws -> PlacementSearch {
        PlacementSearch(problem: try Placement.problem(workload, catalog: catalog, request: request), nodeLimit: 1_000_000)
    }

    /// The cheapest completion of a node by brute force: each remaining job to each member, every
    /// member at its fixed plan, priced by `CostEngine` on its sub-workload.
    static func bestCompletion(_ search: PlacementSearch, members: [PlacementSearch.Member], prefix: [Int]) -> Decimal? {
        let problem = search.problem
        let n = problem.jobCount
        let remaining = Array(search.order[prefix.count...])
        var memo: [Int: Decimal?] = [:]
        func cost(_ member: Int, _ mask: Int) -> Decimal? {
            let key = member << 32 | mask
            if let known = memo[key] { return known }
            let jobs = (0..<n).filter { mask & (1 << $0) != 0 }.map { problem.workload.jobs[$0] }
            let sub = Workload(name: "sub", platform: problem.workload.platform, monthHours: problem.workload.monthHours, jobs: jobs, file: "sub.yaml")
            let file = problem.providers[members[member].provider]
            let plan = file.plans[problem.models[members[member].provider][members[member].model].plan]
            let evaluation = CostEngine(workload: sub, platform: problem.exact.platform, withPlatformCosts: problem.exact.withPlatformCosts)
                .evaluate(provider: file, plan: plan)
            let value: Decimal? = evaluation.isFeasible ? evaluation.exactCost : nil
            memo[key] = value
            return value
        }
        var best: Decimal?
        let s = members.count
        var choice = [Int](repeating: 0, count: remaining.count)
        for code in 0..<Int(pow(Double(s), Double(remaining.count))) {
            var rest = code
            for index in remaining.indices { choice[index] = rest % s; rest /= s }
            var masks = [Int](repeating: 0, count: s)
            for (depth, member) in prefix.enumerated() { masks[member] |= 1 << search.order[depth] }
            var allowed = true
            for (index, job) in remaining.enumerated() {
                if !problem.allowed[job][members[choice[index]].provider] { allowed = false; break }
                masks[choice[index]] |= 1 << job
            }
            guard allowed else { continue }
            var total = Decimal(0)
            var feasible = true
            for member in 0..<s {
                guard let value = cost(member, masks[member]) else { feasible = false; break }
                total += value
            }
            if feasible, best == nil || total < best! { best = total }
        }
        return best
    }

    @Test("the node bound never exceeds the cheapest completion", arguments: seeds)
    func admissible(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let (workload, catalog, request) = PlacementGenerator.instance(&rng, jobs: rng.int(1...7), providers: rng.int(1...3))
        let search = try Self.search(workload, catalog, request)
        guard let profiles = search.enumerateProfiles(), !profiles.isEmpty else { return }
        for _ in 0..<4 {
            let profile = profiles[rng.int(0...(profiles.count - 1))]
            let depth = rng.int(0...workload.jobs.count)
            var prefix: [Int] = []
            for position in 0..<depth {
                let job = search.order[position]
                let choices = profile.members.indices.filter { search.canTake(profile.members[$0], job) }
                guard !choices.isEmpty else { break }
                prefix.append(choices[rng.int(0...(choices.count - 1))])
            }
            let bound = search.nodeBound(members: profile.members, prefix: prefix)
            let best = Self.bestCompletion(search, members: profile.members, prefix: prefix)
            if let bound {
                if let best {
                    #expect(bound <= best.placementDouble + search.margin,
                            "seed \(seed): bound \(bound) above the best completion \(best) (depth \(prefix.count))")
                }
            } else {
                #expect(best == nil, "seed \(seed): node declared infeasible but a completion costs \(best ?? 0)")
            }
        }
    }

    @Test("the bound with no plan fixed never exceeds the optimum", arguments: seeds.prefix(80))
    func rootBoundAdmissible(seed: UInt64) throws {
        var rng = SimSplitMix64(seed: seed)
        let (workload, catalog, request) = PlacementGenerator.instance(&rng, jobs: rng.int(1...6), providers: rng.int(1...3))
        let search = try Self.search(workload, catalog, request)
        var reference = try PlacementBruteForce(workload: workload, catalog: catalog, request: request)
        guard let optimum = reference.solve() else { return }
        #expect(search.rootBound() <= optimum.cost.placementDouble + search.margin, "seed \(seed)")
    }

    /// Volume discounts make marginal costs fall: the floor ahead is the cheapest band to come,
    /// not the band the total is in now (a bound using today's marginal rate would be too high).
    @Test func tierFloorLooksAhead() {
        let component = PlacementPlanModel.Component(dimension: 0, included: 100_000,
                                                     charge: .tiers([(upTo: 1_000_000, price: 0.00005), (upTo: nil, price: 0.00002)]))
        let floor = PlacementPlanModel.floor(component, 900_000)
        #expect(floor.rate == 0.00002)
        #expect(floor.free == 0)
        // Under the allowance, the allowance left is free.
        #expect(PlacementPlanModel.floor(component, 40_000).free == 60_000)
    }

    /// A block already started is paid for: its unused part is free capacity.
    @Test func blockFloorCountsThePaidBlock() {
        let component = PlacementPlanModel.Component(dimension: 0, included: 1_000_000, charge: .block(per: 1_000_000, amount: 50))
        let floor = PlacementPlanModel.floor(component, 1_250_000)
        #expect(floor.rate == 0.00005)
        #expect(floor.free >= 750_000)
        // The floor never charges more than the real increment from here.
        let exact = PlacementPlanModel.charge(component, 2_000_001) - PlacementPlanModel.charge(component, 1_250_000)
        #expect(floor.rate * max(0, 750_001 - floor.free) <= exact)
    }
}
