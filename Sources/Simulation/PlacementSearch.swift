import CostModel
import Foundation
import Workload

/// Finds the cheapest assignment of jobs to providers, and proves it optimal.
///
/// ## The problem
/// Assign each of n jobs to one of k providers; a provider's cost for the set S it receives is
/// its cheapest feasible plan for S (`PlacementCosts.best`), 0 when S is empty. Allowances,
/// credits and fees are shared by S, so costs are not additive. Pins restrict a job to one
/// provider; at most K providers may be used. Brute force is kⁿ.
///
/// ## The method: plan profiles, then branch and bound
/// A *profile* fixes, for each provider, either "not used" or one candidate plan. The optimum is
/// the minimum over profiles of the cheapest assignment of jobs to the profile's members where
/// each member is charged at its fixed plan (a member left empty still pays its fee, so such a
/// solution is never better than the same solution under the smaller profile). Profiles are
/// enumerated (at most Π(1 + plans), only those with ≤ K members, containing every pinned
/// provider and able to take every job), each gets a lower bound, and they are searched cheapest
/// bound first; a profile whose bound reaches the best cost found is skipped.
///
/// Inside a profile, a depth-first branch and bound assigns jobs one by one (forced jobs first,
/// then in decreasing order of their cost), children cheapest first, and prunes a node whose
/// lower bound reaches the incumbent. The incumbent starts from the best single provider and a
/// greedy assignment improved by local search (moves and provider closures).
///
/// ## The lower bound, and why it is admissible
/// At a node, member i has plan π, the jobs Sᵢ placed so far, and will receive Tᵢ from the
/// remaining jobs R. Its final cost cᵢ(Sᵢ ∪ Tᵢ) = fee + max(0, U − credit), where the usage
/// charges U are a sum of monotone one-dimensional charges of meter totals (plus linear machine
/// compute). For each charged meter, from its current total on, every further unit costs at
/// least a rate r, except for `free` units (`PlacementPlanModel.floor` proves this for unit, prorated,
/// block and tiered prices). With κ = max(0, credit − U(Sᵢ)) the credit left,
///
///     cᵢ(Sᵢ ∪ T) − cᵢ(Sᵢ) ≥ Φᵢ(X) = max(0, Σ_m r_m·max(0, X_m − free_m) + L − κ)
///
/// where X is T's usage and L its machine compute in dollars, because
/// max(0, U₀ + ΔU − c) − max(0, U₀ − c) ≥ max(0, ΔU − κ). Two additive bounds follow:
///
/// * Φᵢ is superadditive (a sum of convex functions that vanish at 0, then max(0, · − κ)), so
///   Φᵢ(Σ_j x_j) ≥ Σ_j Φᵢ(x_j): each job's own floor `floor(i, j) = Φᵢ(x_j)` may be added up;
/// * Φᵢ(X) ≥ Σ_m r_m·X_m + L − (Σ_m r_m·free_m + κ): each job's usage at floor rates
///   `linear(i, j)`, less the member's free capacity Fᵢ once.
///
/// For any choice of one of the two per member, Σᵢ Φᵢ(X(Tᵢ)) ≥ Σ_{j∈R} minᵢ vᵢⱼ − Σ_{linear i} Fᵢ,
/// since each remaining job lands on exactly one member.
///
/// Caps (a capped allowance, `max_quantity`, average concurrency) are linear in the jobs'
/// usage: a feasible completion puts at most C_r more units w_rj on the member of cap r. For any
/// multipliers λ_r ≥ 0, adding Σ_r λ_r·(Σ_{j on r's member} w_rj − C_r) ≤ 0 keeps a lower bound
/// (Lagrangian relaxation), and it distributes over jobs like the rest. A job whose own w_rj
/// exceeds C_r cannot go to that member at all. So
///
///     LB = Σᵢ cᵢ(Sᵢ) + max over choices and λ ≥ 0 of
///          [Σ_{j∈R} minᵢ (vᵢⱼ + Σ_{caps r of i} λ_r·w_rj) − Σ_{linear i} Fᵢ − Σ_r λ_r·C_r]
///
/// never exceeds the cost of any completion of the node. `PlacementBoundWorkspace.bound`
/// enumerates the choices and sets each λ_r to its exact best value given the others (the
/// fractional-knapsack breakpoint); any values would be valid, good ones prune more. Without
/// the caps, instances with a flat-fee self-hosted queue or a capped free tier (knapsack-like)
/// took up to 2 million nodes at 24 jobs; with them, tens of thousands at most.
/// Per-job marginal costs on their own are *not* a valid bound (allowances and tiers make
/// marginals non-monotone); the bound above only ever uses rates that hold for every superset.
/// `PlacementBoundTests` checks it against brute force on random partial assignments.
///
/// ## Exactness
/// Search arithmetic is binary floating point (fast); every decision that could change the
/// answer is exact: a node is pruned on floating-point evidence only when its bound exceeds the
/// incumbent by more than `margin` (10⁻⁹ of the largest dollar amount the problem can produce,
/// ten thousand times any rounding error); closer calls compare exact `CostEngine` costs. Leaves
/// are priced exactly, so the optimum equals brute force's to the last digit.
///
/// - Complexity: worst case exponential, O(Π(1 + plans) · Kⁿ) nodes, each O(2^K · n · K) for the
///   bound; memoised exact prices (one `CostEngine` evaluation per new (provider, plan, job set)).
///   In practice the bound prunes almost everything: on random 24-job × 6-provider instances the
///   median is under a thousand nodes and 0.02 s, the slowest of 600 a few tenths of a second
///   (`costsim-bench --mode placement`); 40 jobs take tenths of a second, 48 jobs can reach the
///   node budget. The exact search runs for at most `exactJobLimit` (64) jobs and `profileLimit`
///   profiles, within `nodeLimit` nodes (deterministic); beyond that the result is the
///   heuristic's, with a proven lower bound (the smallest profile bound, or the smallest bound
///   of the nodes left open) and so a proven gap.
final class PlacementSearch {
    /// Jobs beyond which only the heuristic runs (job sets are 64-bit masks in the search).
    static let exactJobLimit = 64
    /// Plan profiles beyond which only the heuristic runs.
    static let profileLimit = 200_000
    /// Beyond the exact size, profile bounds are computed while jobs × profiles stays below this.
    static let boundWorkLimit = 2_000_000.0

    /// Π(1 + candidate plans) over the providers: the profiles before filtering.
    static func profileCount(_ problem: PlacementProblem) -> Double {
        problem.models.reduce(1.0) { $0 * Double(1 + $1.count) }
    }

    struct Member {
        var provider: Int
        var model: Int
    }

    struct Profile {
        var members: [Member]
        var bound: Double
        var fees: Decimal
    }

    /// What the search found.
    struct Outcome {
        /// Provider index per job.
        var assignment: [Int]
        var exactCost: Decimal
        var proven: Bool
        /// A proven lower bound on the optimum (the cost itself when proven).
        var lowerBound: Decimal
        var nodes: Int
        var profiles: Int
        var profilesSearched: Int
        var exact: Bool
    }

    let problem: PlacementProblem
    let nodeLimit: Int
    /// Start from the heuristic's placements (off only in tests of the exact search alone).
    var seedsIncumbent = true
    let n: Int
    let k: Int
    /// Dollar margin below which floating-point evidence is not trusted.
    let margin: Double
    /// Jobs in search order.
    let order: [Int]

    // Incumbent.
    private(set) var bestAssignment: [Int]?
    private(set) var bestExact: Decimal = 0
    private var bestDouble: Double = .infinity

    // Statistics and abort state.
    /// True when the exact search ran (false: the size is beyond it, only the heuristic ran).
    private(set) var searchedExactly = false
    private(set) var nodes = 0
    private(set) var aborted = false
    private var openBound = Double.infinity

    // Profile search state.
    private var members: [Member] = []
    private var models: [PlacementPlanModel] = []
    private var offsets: [Int] = []
    private var usage: [Double] = []
    private var costs: [Double] = []
    private var sets: [UInt64] = []
    private var memberOf: [Int] = []
    private var savedUsage: [Double] = []
    private var savedCost: [Double] = []
    private var maxWidth = 0
    /// `memberAccepts[i][job]`: pins and the plan allow member i to take the job.
    private var memberAccepts: [[Bool]] = []
    private let workspace = PlacementBoundWorkspace()

    init(problem: PlacementProblem, nodeLimit: Int) {
        self.problem = problem
        self.nodeLimit = nodeLimit
        n = problem.jobCount
        k = problem.providerCount
        var scale = 0.0
        for provider in 0..<problem.providerCount {
            let width = problem.dimensions[provider]
            var totals = [Double](repeating: 0, count: width)
            for job in 0..<problem.jobCount {
                for d in 0..<width { totals[d] += problem.quantities[provider][job * width + d] }
            }
            for model in problem.models[provider] {
                // Every dollar amount the search computes is below fee + credit + each charged
                // meter's total and allowance at its highest rate (+ one block) + machine compute.
                var amount = model.fee + model.credit
                for component in model.components {
                    var rate = 0.0
                    var extra = 0.0
                    switch component.charge {
                    case .unit(let price): rate = price
                    case .block(let per, let blockAmount): rate = blockAmount / per; extra = blockAmount
                    case .tiers(let tiers): rate = tiers.map(\.price).max() ?? 0
                    }
                    amount += rate * (totals[component.dimension] + component.included) + extra
                }
                if let money = model.moneyDimension { amount += totals[money] }
                scale += amount
            }
        }
        margin = PlacementTolerance.relative * max(1, scale)
        order = Self.searchOrder(problem)
    }

    /// Forced jobs (one possible provider) first, then by decreasing cost at floor rates.
    static func searchOrder(_ problem: PlacementProblem) -> [Int] {
        let n = problem.jobCount
        var weight = [Double](repeating: 0, count: n)
        var options = [Int](repeating: 0, count: n)
        for job in 0..<n {
            for provider in 0..<problem.providerCount where problem.canTake(provider: provider, job: job) {
                options[job] += 1
                let width = problem.dimensions[provider]
                var cheapest = Double.infinity
                for model in problem.models[provider] where model.accepts[job] {
                    var value = model.moneyDimension.map { problem.quantities[provider][job * width + $0] } ?? 0
                    for component in model.components {
                        value += PlacementPlanModel.floor(component, component.included).rate * problem.quantities[provider][job * width + component.dimension]
                    }
                    cheapest = min(cheapest, value)
                }
                if cheapest.isFinite { weight[job] = max(weight[job], cheapest) }
            }
        }
        return (0..<n).sorted { a, b in
            let forcedA = options[a] <= 1, forcedB = options[b] <= 1
            if forcedA != forcedB { return forcedA }
            if weight[a] != weight[b] { return weight[a] > weight[b] }
            return a < b
        }
    }

    // MARK: - Driver

    /// Runs the heuristic, then (when the size allows) the exact search.
    func run() -> Outcome? {
        if seedsIncumbent { seedIncumbent() }
        let exactSize = n <= Self.exactJobLimit
        // Profile bounds cost O(n) each: beyond the exact size, use them for the lower bound
        // only while that stays cheap.
        let profileCount = Self.profileCount(problem)
        let profiles = exactSize || Double(n) * profileCount <= Self.boundWorkLimit ? enumerateProfiles() : nil
        guard exactSize, var profiles else {
            guard let bestAssignment else { return nil }
            let bound = profiles.map { list in list.map(\.bound).min() ?? .infinity } ?? rootBound()
            return Outcome(assignment: bestAssignment, exactCost: bestExact, proven: false,
                           lowerBound: min(bestExact, Self.decimalBelow(bound, margin: margin)), nodes: 0,
                           profiles: profiles?.count ?? 0, profilesSearched: 0, exact: false)
        }
        searchedExactly = true
        // Cheapest bound first; equal bounds in enumeration order (deterministic).
        profiles = profiles.enumerated().sorted { ($0.element.bound, $0.offset) < ($1.element.bound, $1.offset) }.map(\.element)
        var searched = 0
        for (index, profile) in profiles.enumerated() {
            if aborted {
                openBound = min(openBound, profile.bound)
                continue
            }
            if bestAssignment != nil {
                if profile.bound > bestDouble + 2 * margin { continue }
                if profile.bound >= bestDouble - 2 * margin {
                    let rest = max(0, profile.bound - profile.fees.placementDouble - margin)
                    if profile.fees + Self.decimalBelow(rest, margin: 0) >= bestExact { continue }
                }
            }
            searched += 1
            searchProfile(profile)
            if aborted {
                for later in profiles[(index + 1)...] { openBound = min(openBound, later.bound) }
                break
            }
        }
        guard let bestAssignment else { return nil }
        let proven = !aborted
        let lower = proven ? bestExact : min(bestExact, Self.decimalBelow(openBound, margin: margin))
        return Outcome(assignment: bestAssignment, exactCost: bestExact, proven: proven, lowerBound: lower,
                       nodes: nodes, profiles: profiles.count, profilesSearched: searched, exact: true)
    }

    /// An exact decimal certainly not above the exact value whose floating-point image is `value`.
    static func decimalBelow(_ value: Double, margin: Double) -> Decimal {
        guard value.isFinite else { return 0 }
        let safe = value - margin - PlacementTolerance.of(value)
        guard safe > 0 else { return 0 }
        // Two decimals, rounded down: far below any rounding error of the conversion.
        let cents = (safe * 100).rounded(.down)
        return Decimal(string: String(format: "%.0f", cents), locale: Locale(identifier: "en_US_POSIX")).map { $0 / 100 } ?? 0
    }

    // MARK: - Ties

    /// Among placements of the same exact cost, prefers fewer providers: empties a used provider
    /// (fewest jobs first) when every one of its jobs can move to another used provider without
    /// raising the exact total, pins and limits respected. Never changes the cost.
    /// - Complexity: O(k² · n) exact evaluations (memoised) per provider closed, at most k closures.
    func consolidate(_ start: [Int]) -> [Int] {
        var assignment = start
        guard var current = problem.exact.total(of: assignment) else { return start }
        for _ in 0..<k {
            let used = (0..<k).filter { provider in assignment.contains(provider) }
            guard used.count > 1 else { break }
            let candidates = used.sorted { a, b in
                let countA = assignment.filter { $0 == a }.count, countB = assignment.filter { $0 == b }.count
                return countA != countB ? countA < countB : a < b
            }
            var closed = false
            for provider in candidates {
                var trial = assignment
                var possible = true
                for job in 0..<n where trial[job] == provider {
                    var moved = false
                    for target in used where target != provider && problem.canTake(provider: target, job: job) {
                        var next = trial
                        next[job] = target
                        if let cost = problem.exact.total(of: next), cost <= current { trial = next; moved = true; break }
                    }
                    if !moved { possible = false; break }
                }
                if possible, let cost = problem.exact.total(of: trial), cost <= current {
                    assignment = trial
                    current = cost
                    closed = true
                    break
                }
            }
            if !closed { break }
        }
        return assignment
    }

    // MARK: - Incumbent

    /// Offers an assignment (provider per job): priced exactly, kept when strictly cheaper.
    @discardableResult
    func offer(_ assignment: [Int]) -> Bool {
        guard let total = problem.exact.total(of: assignment) else { return false }
        let used = Set(assignment).count
        guard used <= problem.maxProviders else { return false }
        for job in 0..<n where !problem.allowed[job][assignment[job]] { return false }
        if bestAssignment == nil || total < bestExact {
            bestAssignment = assignment
            bestExact = total
            bestDouble = total.placementDouble
            return true
        }
        return false
    }

    /// The best single provider, then greedy + local search from several starts.
    func seedIncumbent() {
        var heuristic = PlacementHeuristic(problem: problem, order: order, margin: margin)
        for provider in 0..<k where (0..<n).allSatisfy({ problem.canTake(provider: provider, job: $0) }) {
            let single = [Int](repeating: provider, count: n)
            offer(single)
            if let improved = heuristic.improve(single) { offer(improved) }
        }
        if let greedy = heuristic.greedy() {
            offer(greedy)
            if let improved = heuristic.improve(greedy) { offer(improved) }
        }
    }

    // MARK: - Profiles

    /// Every profile worth searching, with its root bound; nil when there are too many.
    func enumerateProfiles() -> [Profile]? {
        // Providers a placement must use (a pinned job can only go there).
        var required = Set<Int>()
        for job in 0..<n {
            let choices = (0..<k).filter { problem.allowed[job][$0] }
            if choices.count == 1 { required.insert(choices[0]) }
        }
        if Self.profileCount(problem) > Double(Self.profileLimit) { return nil }
        var profiles: [Profile] = []
        var current: [Member] = []
        func visit(_ provider: Int) {
            if provider == k {
                guard !current.isEmpty, current.count <= problem.maxProviders else { return }
                for job in 0..<n where !current.contains(where: { canTake($0, job) }) { return }
                // A member no job can use only adds its fee.
                for member in current where !(0..<n).contains(where: { canTake(member, $0) }) { return }
                if let profile = makeProfile(current) { profiles.append(profile) }
                return
            }
            if !required.contains(provider) { visit(provider + 1) }
            guard current.count < problem.maxProviders else { return }
            for model in problem.models[provider].indices {
                current.append(Member(provider: provider, model: model))
                visit(provider + 1)
                current.removeLast()
            }
        }
        visit(0)
        return profiles
    }

    func canTake(_ member: Member, _ job: Int) -> Bool {
        problem.allowed[job][member.provider] && problem.models[member.provider][member.model].accepts[job]
    }

    func makeProfile(_ list: [Member]) -> Profile? {
        load(list)
        var fees = Decimal(0)
        var fee = 0.0
        for member in list {
            let plan = problem.providers[member.provider].plans[problem.models[member.provider][member.model].plan]
            fees += plan.monthlyFee ?? 0
            fee += problem.models[member.provider][member.model].fee
        }
        guard let rest = remainingBound(from: 0, threshold: .infinity) else { return nil }
        return Profile(members: list, bound: fee + rest, fees: fees)
    }

    /// Sets up the search state for a profile: every member empty.
    private func load(_ list: [Member]) {
        members = list
        models = list.map { problem.models[$0.provider][$0.model] }
        offsets = []
        var total = 0
        maxWidth = 0
        for member in list {
            offsets.append(total)
            total += problem.dimensions[member.provider]
            maxWidth = max(maxWidth, problem.dimensions[member.provider])
        }
        usage = [Double](repeating: 0, count: total)
        costs = models.map { $0.fee }
        sets = [UInt64](repeating: 0, count: list.count)
        memberOf = [Int](repeating: -1, count: n)
        savedUsage = [Double](repeating: 0, count: (n + 1) * max(1, maxWidth))
        savedCost = [Double](repeating: 0, count: n + 1)
        memberAccepts = list.map { member in (0..<n).map { canTake(member, $0) } }
    }

    // MARK: - Branch and bound inside a profile

    private func searchProfile(_ profile: Profile) {
        load(profile.members)
        let partial = costs.reduce(0, +)
        search(depth: 0, partial: partial)
    }

    private func memberCost(_ i: Int) -> Double {
        usage.withUnsafeBufferPointer { models[i].cost($0.baseAddress! + offsets[i]) }
    }

    private func overCap(_ i: Int) -> Bool {
        usage.withUnsafeBufferPointer { models[i].certainlyOverCap($0.baseAddress! + offsets[i]) }
    }

    /// Adds the job to member i; returns the member's new floating-point cost, or nil when a cap
    /// is certainly exceeded (the state is then restored).
    private func apply(_ job: Int, to i: Int, depth: Int) -> Double? {
        let provider = members[i].provider
        let width = problem.dimensions[provider]
        let base = offsets[i]
        let saveBase = depth * maxWidth
        for d in 0..<width {
            savedUsage[saveBase + d] = usage[base + d]
            usage[base + d] += problem.quantities[provider][job * width + d]
        }
        savedCost[depth] = costs[i]
        if overCap(i) {
            restore(job, from: i, depth: depth)
            return nil
        }
        costs[i] = memberCost(i)
        sets[i] |= 1 << UInt64(job)
        memberOf[job] = i
        return costs[i]
    }

    private func restore(_ job: Int, from i: Int, depth: Int) {
        let width = problem.dimensions[members[i].provider]
        let base = offsets[i]
        let saveBase = depth * maxWidth
        for d in 0..<width { usage[base + d] = savedUsage[saveBase + d] }
        costs[i] = savedCost[depth]
        sets[i] &= ~(1 << UInt64(job))
        memberOf[job] = -1
    }

    private func search(depth: Int, partial: Double) {
        if depth == n {
            leaf(partial)
            return
        }
        let job = order[depth]
        var children: [(member: Int, partial: Double)] = []
        for i in members.indices where canTake(members[i], job) {
            guard let cost = apply(job, to: i, depth: depth) else { continue }
            children.append((i, partial - savedCost[depth] + cost))
            restore(job, from: i, depth: depth)
        }
        children.sort { $0.partial != $1.partial ? $0.partial < $1.partial : $0.member < $1.member }
        for (index, child) in children.enumerated() {
            nodes += 1
            if nodes > nodeLimit {
                aborted = true
                recordOpen(children[index...], job: job, depth: depth)
                return
            }
            guard apply(job, to: child.member, depth: depth) != nil else { continue }
            if !prune(partial: child.partial, depth: depth + 1) {
                search(depth: depth + 1, partial: child.partial)
            }
            restore(job, from: child.member, depth: depth)
            if aborted {
                recordOpen(children[(index + 1)...], job: job, depth: depth)
                return
            }
        }
    }

    /// Records the bounds of children left unexplored when the node budget ran out.
    private func recordOpen(_ children: ArraySlice<(member: Int, partial: Double)>, job: Int, depth: Int) {
        for child in children {
            guard apply(job, to: child.member, depth: depth) != nil else { continue }
            if let rest = remainingBound(from: depth + 1, threshold: .infinity) {
                openBound = min(openBound, child.partial + rest)
            }
            restore(job, from: child.member, depth: depth)
        }
    }

    /// True when no completion of the current node can be strictly cheaper than the incumbent.
    private func prune(partial: Double, depth: Int) -> Bool {
        guard bestAssignment != nil else {
            return remainingBound(from: depth, threshold: .infinity) == nil
        }
        guard let rest = remainingBound(from: depth, threshold: bestDouble + 2 * margin - partial) else { return true }
        let bound = partial + rest
        if bound > bestDouble + 2 * margin { return true }
        if bound < bestDouble - 2 * margin { return false }
        // Too close to call in floating point: exact partial cost plus a safely lowered rest.
        guard let exactPartial = exactMemberTotal() else { return true }
        return exactPartial + Self.decimalBelow(rest, margin: margin) >= bestExact
    }

    private func leaf(_ partial: Double) {
        if bestAssignment != nil && partial > bestDouble + 2 * margin { return }
        guard let total = exactMemberTotal() else { return }
        if bestAssignment == nil || total < bestExact {
            bestAssignment = memberOf.map { members[$0].provider }
            bestExact = total
            bestDouble = total.placementDouble
        }
    }

    /// The exact cost of the current members, each at its fixed plan with the jobs placed on it
    /// so far; nil when one of them is infeasible.
    private func exactMemberTotal() -> Decimal? {
        var total = Decimal(0)
        for i in members.indices {
            guard let cost = problem.exact.cost(provider: members[i].provider, plan: models[i].plan,
                                                jobs: PlacementJobSet(mask: sets[i])) else { return nil }
            total += cost
        }
        return total
    }

    /// The node bound (partial cost + remaining-jobs bound) of a profile after placing the first
    /// `prefix.count` jobs of the search order on the given members; nil when that node is
    /// certainly infeasible. For tests of admissibility.
    func nodeBound(members list: [Member], prefix: [Int]) -> Double? {
        load(list)
        var partial = costs.reduce(0, +)
        for (depth, member) in prefix.enumerated() {
            let job = order[depth]
            guard canTake(members[member], job), let cost = apply(job, to: member, depth: depth) else { return nil }
            partial += cost - savedCost[depth]
        }
        guard let rest = remainingBound(from: prefix.count, threshold: .infinity) else { return nil }
        return partial + rest
    }

    // MARK: - The lower bound on the remaining jobs

    /// max over per-member choices of Σ_{j∈R} minᵢ vᵢⱼ − Σ Fᵢ (see the type's documentation), for
    /// the jobs `order[depth...]`; nil when some remaining job no member can take. Stops early
    /// once the bound reaches `threshold` (the value returned is then still a valid bound).
    func remainingBound(from depth: Int, threshold: Double) -> Double? {
        guard depth < n else { return 0 }
        workspace.begin(columns: members.count, jobCount: n, jobs: order[depth...])
        usage.withUnsafeBufferPointer { buffer in
            for i in members.indices {
                let provider = members[i].provider
                problem.quantities[provider].withUnsafeBufferPointer { quantities in
                    let accepts = memberAccepts[i]
                    workspace.fill(column: i, model: models[i], usage: buffer.baseAddress! + offsets[i],
                                   quantities: quantities.baseAddress!, width: problem.dimensions[provider],
                                   accepts: { accepts[$0] }, caps: true)
                }
            }
        }
        return workspace.bound(threshold: threshold)
    }

    /// A lower bound on any placement at all (no profile fixed): each provider as a column whose
    /// values are the minimum over its plans, free capacity the maximum (caps ignored), plus the
    /// smallest fee any placement must pay.
    func rootBound() -> Double {
        guard n > 0 else { return 0 }
        let plans = problem.models.reduce(0) { $0 + $1.count }
        workspace.begin(columns: k + plans, jobCount: n, jobs: 0..<n)
        var minimumFee = Double.infinity
        var column = k
        for provider in 0..<k {
            let width = problem.dimensions[provider]
            let first = column
            for model in problem.models[provider] {
                let zero = [Double](repeating: 0, count: width)
                zero.withUnsafeBufferPointer { usage in
                    problem.quantities[provider].withUnsafeBufferPointer { quantities in
                        workspace.fill(column: column, model: model, usage: usage.baseAddress!, quantities: quantities.baseAddress!,
                                       width: width, accepts: { self.problem.allowed[$0][provider] && model.accepts[$0] }, caps: false)
                    }
                }
                minimumFee = min(minimumFee, model.fee)
                column += 1
            }
            workspace.merge(into: provider, from: first..<column)
        }
        workspace.truncate(columns: k)
        let rest = workspace.bound(threshold: .infinity) ?? 0
        return (minimumFee.isFinite ? minimumFee : 0) + rest
    }
}

/// Scratch space of the lower bound, allocated once per search and reused at every node.
///
/// Per column (a profile member, or a provider in `rootBound`): each remaining job's own floor
/// and its usage at floor rates, the column's free capacity (allowances and credit left, in
/// dollars), and for each of its linear caps the capacity left and what each job would use of it.
final class PlacementBoundWorkspace {
    /// Rounds of coordinate ascent on the cap multipliers.
    static let ascentRounds = 3
    /// At most this many columns choose between floor and linear values (2^10 combinations).
    static let maxChooseable = 10

    private(set) var columns = 0
    private(set) var jobs = 0
    private var columnCapacity = 0
    private var freeCapacity = 0
    private var jobCapacity = 0
    private var capRowCapacity = 0
    /// `[column * jobs + job]`; infinity when the column cannot take the job.
    private(set) var floor: UnsafeMutablePointer<Double>
    private(set) var linear: UnsafeMutablePointer<Double>
    private var penalty: UnsafeMutablePointer<Double>
    private(set) var free: UnsafeMutablePointer<Double>
    private var base: UnsafeMutablePointer<Double>
    private var breakpoints: UnsafeMutablePointer<(saving: Double, weight: Double)>
    private var linearColumns: UnsafeMutablePointer<Bool>
    private var chooseableFlags: UnsafeMutablePointer<Bool>
    // Cap rows.
    private(set) var capCount = 0
    private var capColumn: UnsafeMutablePointer<Int>
    private var capCapacity: UnsafeMutablePointer<Double>
    private var capWeights: UnsafeMutablePointer<Double>
    private var lambdas: UnsafeMutablePointer<Double>
    /// The jobs the bound is over.
    private var list: [Int] = []

    init() {
        floor = .allocate(capacity: 1); linear = .allocate(capacity: 1); penalty = .allocate(capacity: 1)
        free = .allocate(capacity: 1); base = .allocate(capacity: 1); breakpoints = .allocate(capacity: 1)
        linearColumns = .allocate(capacity: 1); chooseableFlags = .allocate(capacity: 1)
        capColumn = .allocate(capacity: 1); capCapacity = .allocate(capacity: 1); capWeights = .allocate(capacity: 1)
        lambdas = .allocate(capacity: 1)
    }

    deinit {
        floor.deallocate(); linear.deallocate(); penalty.deallocate(); free.deallocate(); base.deallocate()
        breakpoints.deallocate(); linearColumns.deallocate(); chooseableFlags.deallocate()
        capColumn.deallocate(); capCapacity.deallocate(); capWeights.deallocate(); lambdas.deallocate()
    }

    /// Starts a bound over `jobs` (a list of job indices below `jobCount`) with `columns` columns.
    func begin<C: Collection>(columns: Int, jobCount: Int, jobs: C) where C.Element == Int {
        let size = max(1, columns * jobCount)
        if size > columnCapacity {
            floor.deallocate(); linear.deallocate(); penalty.deallocate()
            floor = .allocate(capacity: size); linear = .allocate(capacity: size); penalty = .allocate(capacity: size)
            columnCapacity = size
        }
        if columns > freeCapacity {
            free.deallocate(); linearColumns.deallocate(); chooseableFlags.deallocate()
            free = .allocate(capacity: columns); linearColumns = .allocate(capacity: columns); chooseableFlags = .allocate(capacity: columns)
            freeCapacity = columns
        }
        if jobCount > jobCapacity {
            base.deallocate(); breakpoints.deallocate()
            base = .allocate(capacity: jobCount); breakpoints = .allocate(capacity: jobCount)
            jobCapacity = jobCount
        }
        if jobCount != self.jobs {
            // Cap weights are laid out with a stride of `jobs`: start them afresh.
            capColumn.deallocate(); capCapacity.deallocate(); capWeights.deallocate(); lambdas.deallocate()
            capColumn = .allocate(capacity: 1); capCapacity = .allocate(capacity: 1); capWeights = .allocate(capacity: 1)
            lambdas = .allocate(capacity: 1)
            capRowCapacity = 0
        }
        self.columns = columns
        self.jobs = jobCount
        capCount = 0
        list.removeAll(keepingCapacity: true)
        list.append(contentsOf: jobs)
        for column in 0..<columns { free[column] = 0; linearColumns[column] = false }
    }

    private func addCapRow(column: Int, capacity: Double) -> UnsafeMutablePointer<Double> {
        if capCount == capRowCapacity {
            let rows = max(4, capRowCapacity * 2)
            let newColumn = UnsafeMutablePointer<Int>.allocate(capacity: rows)
            let newCapacity = UnsafeMutablePointer<Double>.allocate(capacity: rows)
            let newWeights = UnsafeMutablePointer<Double>.allocate(capacity: rows * max(1, jobs))
            let newLambdas = UnsafeMutablePointer<Double>.allocate(capacity: rows)
            if capCount > 0 {
                newColumn.update(from: capColumn, count: capCount)
                newCapacity.update(from: capCapacity, count: capCount)
                newWeights.update(from: capWeights, count: capCount * jobs)
            }
            capColumn.deallocate(); capCapacity.deallocate(); capWeights.deallocate(); lambdas.deallocate()
            capColumn = newColumn; capCapacity = newCapacity; capWeights = newWeights; lambdas = newLambdas
            capRowCapacity = rows
        }
        capColumn[capCount] = column
        capCapacity[capCount] = capacity
        let weights = capWeights + capCount * jobs
        weights.initialize(repeating: 0, count: jobs)
        capCount += 1
        return weights
    }

    /// Fills one column from a plan at the given usage (see `PlacementSearch` for the proof).
    /// With `caps`, also records the capacity left under each linear cap of the plan, and rules
    /// out jobs that alone would overflow it.
    func fill(column: Int, model: PlacementPlanModel, usage: UnsafePointer<Double>, quantities: UnsafePointer<Double>,
              width: Int, accepts: (Int) -> Bool, caps: Bool) {
        let credit = max(0, model.credit - model.usageCharges(usage))
        var capacity = credit
        let components = model.components
        // At most a handful of components: keep their floors on the stack.
        withUnsafeTemporaryAllocation(of: (rate: Double, free: Double, dimension: Int).self, capacity: max(1, components.count)) { floors in
            for (c, component) in components.enumerated() {
                let floor = PlacementPlanModel.floor(component, usage[component.dimension])
                floors[c] = (floor.rate, floor.free, component.dimension)
                if floor.free > 0 && floor.rate > 0 { capacity += floor.rate * floor.free }
            }
            free[column] = capacity
            let money = model.moneyDimension
            for job in list {
                let index = column * jobs + job
                guard accepts(job) else {
                    floor[index] = .infinity
                    linear[index] = .infinity
                    continue
                }
                let base = quantities + job * width
                var lin = money.map { base[$0] } ?? 0
                var over = lin
                for c in 0..<components.count {
                    let quantity = base[floors[c].dimension]
                    lin += floors[c].rate * quantity
                    over += floors[c].rate * max(0, quantity - floors[c].free)
                }
                linear[index] = lin
                floor[index] = max(0, over - credit)
            }
        }
        guard caps else { return }
        for cap in model.caps {
            // Capacity rounded UP (a larger capacity only weakens the bound).
            let left = max(0, cap.limit - usage[cap.dimension]) + PlacementTolerance.of(cap.limit)
            var used = false
            for job in list where quantities[job * width + cap.dimension] > 0 && floor[column * jobs + job].isFinite { used = true; break }
            guard used else { continue }
            let weights = addCapRow(column: column, capacity: left)
            for job in list {
                let weight = quantities[job * width + cap.dimension]
                weights[job] = weight
                // A job that alone overflows what is left cannot come here at all.
                if weight > left {
                    floor[column * jobs + job] = .infinity
                    linear[column * jobs + job] = .infinity
                }
            }
        }
    }

    /// Overwrites a column's values with the per-job minimum of `other` columns' and the
    /// maximum free capacity (for `rootBound`: a provider over all its plans).
    func merge(into column: Int, from columnsToMerge: Range<Int>) {
        for job in list {
            var f = Double.infinity, l = Double.infinity
            for other in columnsToMerge {
                f = min(f, floor[other * jobs + job])
                l = min(l, linear[other * jobs + job])
            }
            floor[column * jobs + job] = f
            linear[column * jobs + job] = l
        }
        var best = 0.0
        for other in columnsToMerge { best = max(best, free[other]) }
        free[column] = best
    }

    /// Keeps only the first `count` columns.
    func truncate(columns count: Int) {
        columns = count
        capCount = 0
    }

    /// The best bound found over choices (floor or linear per column with free capacity) and
    /// non-negative multipliers λ on the caps:
    ///
    ///     Σ_{j} minᵢ (vᵢⱼ + Σ_{caps r of i} λ_r·w_rj) − Σ_{linear i} Fᵢ − Σ_r λ_r·C_r
    ///
    /// is a lower bound for every choice and every λ ≥ 0 (Lagrangian relaxation: a completion
    /// that respects the caps has Σ_j λ_r·w_rj ≤ λ_r·C_r). Choices are enumerated with λ = 0,
    /// then each multiplier in turn is set to its exact best value given the others (the
    /// fractional-knapsack breakpoint), for `ascentRounds` rounds, then choices once more.
    /// Returns nil when some job no column can take; stops early at `threshold`.
    /// - Complexity: O(2^c · |jobs| · columns) per enumeration, c ≤ 10 columns with free
    ///   capacity; O(rounds · caps · |jobs| · (columns + log |jobs|)) for the multipliers.
    func bound(threshold: Double) -> Double? {
        guard !list.isEmpty else { return 0 }
        for row in 0..<capCount { lambdas[row] = 0 }
        guard var best = bestChoice(threshold: threshold) else { return nil }
        if best >= threshold || capCount == 0 { return max(0, best) }
        for _ in 0..<Self.ascentRounds {
            for row in 0..<capCount {
                lambdas[row] = bestMultiplier(row)
                if lambdas[row].isInfinite { return .infinity }
            }
            best = max(best, evaluate())
            if best >= threshold { return max(0, best) }
        }
        if let value = bestChoice(threshold: threshold) { best = max(best, value) }
        return max(0, best)
    }

    /// Cap penalties per column and job: Σ_r λ_r·w_rj over the column's caps (rows other than
    /// `skipping`).
    private func computePenalties(skipping skipped: Int = -1) {
        for column in 0..<columns {
            for job in list { penalty[column * jobs + job] = 0 }
        }
        for row in 0..<capCount where row != skipped && lambdas[row] > 0 {
            let weights = capWeights + row * jobs
            let offset = capColumn[row] * jobs
            for job in list where weights[job] > 0 { penalty[offset + job] += lambdas[row] * weights[job] }
        }
    }

    @inline(__always)
    private func value(_ column: Int, _ job: Int) -> Double {
        let index = column * jobs + job
        return (linearColumns[column] ? linear[index] : floor[index]) + penalty[index]
    }

    /// The bound for the current choice and multipliers.
    private func evaluate() -> Double {
        computePenalties()
        var total = 0.0
        for column in 0..<columns where linearColumns[column] { total -= free[column] }
        for row in 0..<capCount { total -= lambdas[row] * capCapacity[row] }
        for job in list {
            var best = Double.infinity
            for column in 0..<columns { best = min(best, value(column, job)) }
            total += best
        }
        return total
    }

    /// The best choice of floor/linear per column for the current multipliers; leaves it in
    /// `linearColumns`.
    private func bestChoice(threshold: Double) -> Double? {
        computePenalties()
        var chooseable: [Int] = []
        for column in 0..<columns where free[column] > 0 { chooseable.append(column) }
        if chooseable.count > Self.maxChooseable {
            chooseable = Array(chooseable.sorted { free[$0] > free[$1] || (free[$0] == free[$1] && $0 < $1) }.prefix(Self.maxChooseable))
        }
        for column in 0..<columns { chooseableFlags[column] = false }
        for column in chooseable { chooseableFlags[column] = true }
        var capTerm = 0.0
        for row in 0..<capCount { capTerm += lambdas[row] * capCapacity[row] }
        // Columns without a choice contribute their floor (equal to linear when free is 0).
        for (position, job) in list.enumerated() {
            var value = Double.infinity
            for column in 0..<columns where !chooseableFlags[column] {
                value = min(value, floor[column * jobs + job] + penalty[column * jobs + job])
            }
            base[position] = value
        }
        var best = -Double.infinity
        var bestMask = 0
        let count = chooseable.count
        for mask in 0..<(1 << count) {
            var total = -capTerm
            for bit in 0..<count where mask & (1 << bit) != 0 { total -= free[chooseable[bit]] }
            for (position, job) in list.enumerated() {
                var value = base[position]
                for bit in 0..<count {
                    let index = chooseable[bit] * jobs + job
                    let v = (mask & (1 << bit) != 0 ? linear[index] : floor[index]) + penalty[index]
                    if v < value { value = v }
                }
                if !value.isFinite { return nil }
                total += value
            }
            if total > best { best = total; bestMask = mask }
            if best >= threshold { break }
        }
        for column in 0..<columns { linearColumns[column] = false }
        for bit in 0..<count where bestMask & (1 << bit) != 0 { linearColumns[chooseable[bit]] = true }
        return best
    }

    /// The multiplier of one cap that maximises the bound with everything else fixed: jobs stay
    /// on the capped column while their saving per unit of capacity exceeds λ; the best λ is
    /// the saving per unit of the job that overflows the capacity (0 when everything fits).
    /// Infinity when jobs that only this column can take overflow it (no feasible completion).
    private func bestMultiplier(_ row: Int) -> Double {
        computePenalties(skipping: row)
        let column = capColumn[row]
        let weights = capWeights + row * jobs
        var count = 0
        var forced = 0.0
        for job in list where weights[job] > 0 {
            let own = value(column, job)
            guard own.isFinite else { continue }
            var elsewhere = Double.infinity
            for other in 0..<columns where other != column { elsewhere = min(elsewhere, value(other, job)) }
            if !elsewhere.isFinite {
                forced += weights[job]
            } else if elsewhere > own {
                breakpoints[count] = ((elsewhere - own) / weights[job], weights[job])
                count += 1
            }
        }
        if forced > capCapacity[row] { return .infinity }
        var points = UnsafeMutableBufferPointer(start: breakpoints, count: count)
        points.sort { $0.saving > $1.saving }
        var used = forced
        for point in points {
            used += point.weight
            if used > capCapacity[row] { return point.saving }
        }
        return 0
    }
}
