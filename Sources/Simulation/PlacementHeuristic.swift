import Foundation

/// Greedy placement and local search in the guidance tier: the starting incumbent of the exact
/// search, and the whole answer when the instance is beyond the exact search's size.
///
/// A provider's cost for its set is its cheapest candidate plan that takes every job of the set
/// and whose caps hold (floating point; the caller prices the result exactly).
/// - Complexity: greedy O(n · k · plans · meters); each local-search pass O(n · k · plans · meters)
///   for single moves plus O(k · n · k · plans · meters) for provider closures; at most
///   `maxPasses` passes.
struct PlacementHeuristic {
    static let maxPasses = 50

    let problem: PlacementProblem
    let order: [Int]
    let margin: Double
    private var usage: [[Double]]
    /// `rejected[provider][model]`: jobs of the set the model does not take.
    private var rejected: [[Int]]
    private var counts: [Int]
    private var assignment: [Int]

    init(problem: PlacementProblem, order: [Int], margin: Double) {
        self.problem = problem
        self.order = order
        self.margin = margin
        usage = problem.dimensions.map { [Double](repeating: 0, count: $0) }
        rejected = problem.models.map { [Int](repeating: 0, count: $0.count) }
        counts = [Int](repeating: 0, count: problem.providerCount)
        assignment = [Int](repeating: -1, count: problem.jobCount)
    }

    private var usedCount: Int { counts.filter { $0 > 0 }.count }

    private mutating func reset(to start: [Int]) {
        usage = problem.dimensions.map { [Double](repeating: 0, count: $0) }
        rejected = problem.models.map { [Int](repeating: 0, count: $0.count) }
        counts = [Int](repeating: 0, count: problem.providerCount)
        assignment = [Int](repeating: -1, count: problem.jobCount)
        for (job, provider) in start.enumerated() where provider >= 0 { add(job, to: provider) }
    }

    private mutating func add(_ job: Int, to provider: Int) {
        let width = problem.dimensions[provider]
        for d in 0..<width { usage[provider][d] += problem.quantities[provider][job * width + d] }
        for (index, model) in problem.models[provider].enumerated() where !model.accepts[job] { rejected[provider][index] += 1 }
        counts[provider] += 1
        assignment[job] = provider
    }

    private mutating func remove(_ job: Int, from provider: Int) {
        let width = problem.dimensions[provider]
        for d in 0..<width { usage[provider][d] -= problem.quantities[provider][job * width + d] }
        for (index, model) in problem.models[provider].enumerated() where !model.accepts[job] { rejected[provider][index] -= 1 }
        counts[provider] -= 1
        assignment[job] = -1
    }

    /// The provider's cost with one job added or removed (or neither); infinity when no plan fits.
    private func cost(_ provider: Int, adding added: Int? = nil, removing removed: Int? = nil) -> Double {
        let count = counts[provider] + (added == nil ? 0 : 1) - (removed == nil ? 0 : 1)
        if count == 0 { return 0 }
        let width = problem.dimensions[provider]
        var vector = usage[provider]
        if let added { for d in 0..<width { vector[d] += problem.quantities[provider][added * width + d] } }
        if let removed { for d in 0..<width { vector[d] -= problem.quantities[provider][removed * width + d] } }
        var best = Double.infinity
        vector.withUnsafeBufferPointer { buffer in
            for (index, model) in problem.models[provider].enumerated() {
                var refused = rejected[provider][index]
                if let added, !model.accepts[added] { refused += 1 }
                if let removed, !model.accepts[removed] { refused -= 1 }
                guard refused == 0, !model.certainlyOverCap(buffer.baseAddress!) else { continue }
                best = min(best, model.cost(buffer.baseAddress!))
            }
        }
        return best
    }

    private func total() -> Double {
        (0..<problem.providerCount).reduce(0) { $0 + cost($1) }
    }

    /// Each job, biggest first, to the provider whose cost rises least; nil when some job has
    /// nowhere to go.
    mutating func greedy() -> [Int]? {
        reset(to: [Int](repeating: -1, count: problem.jobCount))
        for job in order {
            var chosen = -1
            var smallest = Double.infinity
            for provider in 0..<problem.providerCount where problem.canTake(provider: provider, job: job) {
                if counts[provider] == 0 && usedCount >= problem.maxProviders { continue }
                let rise = cost(provider, adding: job) - cost(provider)
                if rise < smallest { smallest = rise; chosen = provider }
            }
            guard chosen >= 0 else { return nil }
            add(job, to: chosen)
        }
        return assignment
    }

    /// Local search from `start`: single-job moves and provider closures while they save more
    /// than the margin; nil when the start itself is infeasible.
    mutating func improve(_ start: [Int]) -> [Int]? {
        reset(to: start)
        guard total().isFinite else { return nil }
        for _ in 0..<Self.maxPasses {
            var improved = false
            for job in order {
                let from = assignment[job]
                let saved = cost(from, removing: job) - cost(from)
                var target = -1
                var bestChange = -margin
                for provider in 0..<problem.providerCount where provider != from && problem.canTake(provider: provider, job: job) {
                    if counts[provider] == 0 && usedCount >= problem.maxProviders && counts[from] > 1 { continue }
                    let change = saved + cost(provider, adding: job) - cost(provider)
                    if change < bestChange { bestChange = change; target = provider }
                }
                if target >= 0 {
                    remove(job, from: from)
                    add(job, to: target)
                    improved = true
                }
            }
            for provider in 0..<problem.providerCount where counts[provider] > 0 {
                var trial = self
                let before = total()
                var possible = true
                for job in order where trial.assignment[job] == provider {
                    var target = -1
                    var smallest = Double.infinity
                    for other in 0..<problem.providerCount
                    where other != provider && trial.counts[other] > 0 && problem.canTake(provider: other, job: job) {
                        let rise = trial.cost(other, adding: job) - trial.cost(other)
                        if rise < smallest { smallest = rise; target = other }
                    }
                    guard target >= 0 else { possible = false; break }
                    trial.remove(job, from: provider)
                    trial.add(job, to: target)
                }
                if possible, trial.total() < before - margin {
                    self = trial
                    improved = true
                }
            }
            // Floating-point sums drift with many moves: rebuild them from scratch.
            reset(to: assignment)
            if !improved { break }
        }
        return assignment
    }
}
