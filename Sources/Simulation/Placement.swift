import CostModel
import Foundation
import Workload

/// A job pinned to a provider with `--pin JOB=PROVIDER`.
///
/// `PlacementPin(parsing: "pdf-render=trigger-dev")` is job `pdf-render` on `trigger-dev`.
public struct PlacementPin: Sendable, Equatable, CustomStringConvertible {
    /// The job's name, as in the workload file.
    public var job: String
    /// The provider id it must go to.
    public var provider: String

    /// `PlacementPin(job: "pdf-render", provider: "trigger-dev")`.
    public init(job: String, provider: String) {
        self.job = job
        self.provider = provider
    }

    /// Parses `JOB=PROVIDER` (the last `=` separates them, so job names may contain `=`); nil
    /// when either side is empty.
    public init?(parsing text: String) {
        guard let separator = text.lastIndex(of: "=") else { return nil }
        let job = String(text[..<separator]), provider = String(text[text.index(after: separator)...])
        guard !job.isEmpty, !provider.isEmpty else { return nil }
        self.init(job: job, provider: provider)
    }

    /// `pdf-render=trigger-dev`.
    public var description: String { "\(job)=\(provider)" }
}

/// What `costsim place` is asked: the provider options and the constraints.
///
/// ```swift
/// PlacementRequest(maxProviders: 2, pins: [PlacementPin(job: "pdf-render", provider: "trigger-dev")])
/// ```
public struct PlacementRequest: Sendable {
    /// Provider ids to consider; empty considers every provider of the catalog.
    public var providers: [String]
    /// Overrides the workload's `platform:`.
    public var platform: PlatformReference?
    /// Adds the platform plan's own usage charges to providers whose steps run in your functions.
    public var withPlatformCosts: Bool
    /// Most providers the placement may use; nil for no limit.
    public var maxProviders: Int?
    /// Jobs that must go to a given provider.
    public var pins: [PlacementPin]
    /// Search nodes after which the exact search stops and reports its gap (deterministic).
    public var nodeLimit: Int

    /// Every option of the catalog, no limit, no pin, the default node budget, unless given.
    public init(providers: [String] = [], platform: PlatformReference? = nil, withPlatformCosts: Bool = false,
                maxProviders: Int? = nil, pins: [PlacementPin] = [], nodeLimit: Int = Placement.defaultNodeLimit) {
        self.providers = providers
        self.platform = platform
        self.withPlatformCosts = withPlatformCosts
        self.maxProviders = maxProviders
        self.pins = pins
        self.nodeLimit = nodeLimit
    }
}

/// The cheapest assignment of a workload's jobs to providers, each provider at the plan that is
/// cheapest for the jobs it receives, with the proof status and the reasons: `costsim place`.
///
/// ```swift
/// let placement = try Placement.place(workload, catalog: seed)
/// placement.monthlyCost          // 440.61 for Fixtures/placement-article.yaml
/// placement.search.provenOptimal // true
/// ```
///
/// A provider's cost for its jobs is exactly what `CostEngine` computes for the sub-workload of
/// those jobs (its cheapest feasible plan; allowances and fees are shared by the jobs, so costs
/// are not additive). `PlacementSearch` documents the algorithm, its lower bound and complexity.
public struct Placement: Sendable {
    /// Default search budget: a few seconds at most (150,000 to 350,000 nodes a second in release).
    public static let defaultNodeLimit = 500_000
    /// The seed article's rule of thumb: jobs whose run is over this many seconds go to the
    /// run-billed provider.
    public static let ruleOfThumbSeconds: Decimal = 60
    /// Per-job explanations (what a job adds, where else it could go) cost O(jobs × providers)
    /// evaluations of O(jobs) each: they are given for workloads of at most this many jobs.
    public static let explainJobLimit = 200

    /// One provider's share: its plan's bill for exactly the jobs it receives.
    public struct Share: Sendable, Equatable {
        /// Provider id: `inngest`.
        public var provider: String
        /// Display name: `Inngest`.
        public var providerName: String
        /// `CostEngine`'s evaluation of the chosen plan on the sub-workload of `jobs`.
        public var evaluation: PlanEvaluation
        /// Job names, in workload order.
        public var jobs: [String]

        /// The rounded monthly cost (the sum of the bill's rounded lines).
        public var monthlyCost: Decimal { evaluation.monthlyCost ?? 0 }
    }

    /// Where else a job could go, and what that would change.
    public struct Alternative: Sendable, Equatable {
        /// Provider id of the other option.
        public var provider: String
        /// Its display name.
        public var providerName: String
        /// The plan the provider would use with the job added, when it can take it.
        public var plan: String?
        /// How much more the whole placement would cost a month with the job moved there
        /// (exact; never negative for an optimal placement); nil when it cannot go there.
        public var extraCost: Decimal?
        /// Why it cannot go there, when it cannot.
        public var reason: String?
    }

    /// One job's place and the reasons for it.
    public struct JobPlacement: Sendable, Equatable {
        /// The job's name.
        public var job: String
        /// The provider it goes to, and its display name.
        public var provider: String
        public var providerName: String
        /// The provider's plan (its cheapest for all the jobs it receives).
        public var plan: String
        /// True when `--pin` put it there.
        public var pinned: Bool
        /// What the job adds to its provider's bill: the provider's cost with it minus without it
        /// (exact; includes the fee when it is the provider's only job). Nil beyond
        /// `Placement.explainJobLimit` jobs.
        public var addedCost: Decimal?
        /// The provider's exact cost without the job (at its cheapest plan for the rest; 0 when
        /// the job is its only one). Nil beyond `Placement.explainJobLimit` jobs.
        public var providerCostWithout: Decimal?
        /// The provider's exact cost with its jobs, this one included.
        public var providerCost: Decimal
        /// The job's run time in seconds (its active seconds), for the rule of thumb.
        public var runSeconds: Decimal
        /// Every other provider option, in catalog order (empty beyond `Placement.explainJobLimit` jobs).
        public var alternatives: [Alternative]

        /// The cheapest place the job could move to (ties: catalog order).
        public var nextBest: Alternative? {
            alternatives.filter { $0.extraCost != nil }.min { ($0.extraCost ?? 0) < ($1.extraCost ?? 0) }
        }
    }

    /// One provider taking every job alone.
    public struct SingleProvider: Sendable, Equatable {
        /// Provider id and display name.
        public var provider: String
        public var providerName: String
        /// Its cheapest feasible plan for the whole workload; nil when none takes every job.
        public var evaluation: PlanEvaluation?
        /// Why it cannot take every job (or is excluded by a pin), when it cannot.
        public var reason: String?
    }

    /// The seed article's rule of thumb, priced: short jobs to the step-billed provider, jobs
    /// over 60 s to the run-billed one.
    public struct RuleOfThumb: Sendable, Equatable {
        /// The step-billed provider (`execution: steps`) that gets the short jobs.
        public var stepProvider: String
        /// The run-billed provider (`execution: runs`) that gets jobs over the threshold.
        public var runProvider: String
        /// Seconds of a run above which a job is "long" (60).
        public var thresholdSeconds: Decimal
        /// Provider id per job, in workload order.
        public var assignment: [String]
        /// Each provider's bill under the rule (empty when the rule is infeasible).
        public var shares: [Share]
        /// Short jobs the step-billed provider cannot take, sent to the run-billed one instead.
        public var redirected: [String]
        /// Why the rule's placement is infeasible, when it is.
        public var reason: String?

        /// The rounded monthly cost, nil when infeasible.
        public var monthlyCost: Decimal? {
            reason == nil ? shares.reduce(Decimal(0)) { $0 + $1.monthlyCost } : nil
        }
    }

    /// How the answer was found.
    public struct Search: Sendable, Equatable {
        /// True when no placement is cheaper (the search completed).
        public var provenOptimal: Bool
        /// `branch and bound`, or `heuristic` beyond the exact search's size.
        public var method: String
        /// Branch-and-bound nodes visited.
        public var nodes: Int
        /// Plan profiles (provider → plan choices) enumerated, and searched (not pruned by their bound).
        public var profiles: Int
        /// Profiles whose bound did not rule them out.
        public var profilesSearched: Int
        /// Distinct (provider, plan, job set) prices computed with `CostEngine`.
        public var exactEvaluations: Int
        /// A proven lower bound on the cheapest placement (equal to its cost when proven).
        public var lowerBound: Decimal
        /// The node budget.
        public var nodeLimit: Int
    }

    /// The workload placed.
    public var workload: Workload
    /// The catalog priced with.
    public var catalog: Catalog
    /// The platform plan bounding `runs_on: platform` providers, when known.
    public var platform: PlatformPlan?
    /// The provider options considered, in catalog order.
    public var options: [PricingFile]
    /// The most providers the placement may use.
    public var maxProviders: Int
    /// The pins of the request.
    public var pins: [PlacementPin]
    /// True when platform usage charges are included (`--with-platform-costs`).
    public var withPlatformCosts: Bool
    /// Used providers, in catalog order.
    public var shares: [Share]
    /// One per job, in workload order.
    public var assignments: [JobPlacement]
    /// The exact (unrounded) cost of the placement.
    public var exactCost: Decimal
    /// How the answer was found and whether it is proven optimal.
    public var search: Search
    /// Every option as a single provider, in catalog order.
    public var singleProviders: [SingleProvider]
    /// Nil when the options lack a step-billed or a run-billed provider.
    public var ruleOfThumb: RuleOfThumb?
    /// Things the reader must know to trust the figures (unchecked limits, gaps, unverified prices).
    public var notes: [String]

    /// The monthly cost: the sum of each provider's rounded bill, so the report adds up.
    public var monthlyCost: Decimal { shares.reduce(Decimal(0)) { $0 + $1.monthlyCost } }

    /// The cheapest single provider that takes every job (ties: catalog order).
    public var bestSingleProvider: SingleProvider? {
        singleProviders.filter { $0.evaluation != nil }.min {
            ($0.evaluation?.exactCost ?? 0) < ($1.evaluation?.exactCost ?? 0)
        }
    }

    // MARK: - Placing

    /// Finds the cheapest placement of the workload's jobs on the catalog's providers.
    ///
    /// - Throws: `CostsimError.usage` for unknown providers, jobs or platforms in the request
    ///   (exit 64); `InputError.invalid` naming each job no provider can take and the limit that
    ///   rules each one out, or saying that no placement satisfies every limit at once (exit 65).
    /// - Complexity: see `PlacementSearch`; explanations add O(n · k) exact evaluations.
    public static func place(_ workload: Workload, catalog: Catalog, request: PlacementRequest = PlacementRequest()) throws -> Placement {
        let problem = try self.problem(workload, catalog: catalog, request: request)
        let options = problem.providers, platform = problem.exact.platform, maxProviders = problem.maxProviders
        try checkEveryJobFits(problem, pins: request.pins)

        let search = PlacementSearch(problem: problem, nodeLimit: request.nodeLimit)
        guard let outcome = search.run() else {
            let message: String, hint: String
            if !search.searchedExactly {
                message = "the greedy search used beyond \(PlacementSearch.exactJobLimit) jobs found no placement of the \(workload.jobs.count) jobs that respects every limit at once (one may still exist)"
                hint = "check each provider alone with `costsim compare`, or place fewer jobs at a time"
            } else if search.aborted {
                message = "the search stopped after \(search.nodes) nodes without finding a placement that respects every limit"
                hint = "raise --node-limit"
            } else {
                message = "no placement of the \(workload.jobs.count) jobs respects every limit at once (at most \(maxProviders) provider\(maxProviders == 1 ? "" : "s"), pins, plan caps): each job fits some provider on its own, but not all together"
                hint = "raise --max-providers, remove a --pin, or add providers with --provider"
            }
            throw InputError.invalid([Diagnostic(file: workload.file, line: nil, column: nil, keyPath: "", message: message, hint: hint)])
        }
        var placement = Placement(
            workload: workload, catalog: catalog, platform: platform, options: options, maxProviders: maxProviders,
            pins: request.pins, withPlatformCosts: request.withPlatformCosts, shares: [], assignments: [],
            exactCost: 0, search: Search(provenOptimal: outcome.proven, method: outcome.exact ? "branch and bound" : "heuristic",
                                         nodes: outcome.nodes, profiles: outcome.profiles, profilesSearched: outcome.profilesSearched,
                                         exactEvaluations: 0, lowerBound: outcome.lowerBound, nodeLimit: request.nodeLimit),
            singleProviders: [], ruleOfThumb: nil,
            notes: Comparison.notes(workload: workload, catalog: catalog, selected: options, platform: platform,
                                    withPlatformCosts: request.withPlatformCosts))
        placement.explain(outcome.exact || workload.jobs.count <= explainJobLimit ? search.consolidate(outcome.assignment) : outcome.assignment,
                          problem: problem)
        placement.search.exactEvaluations = problem.exact.evaluations
        if !outcome.proven {
            let gap = placement.exactCost - outcome.lowerBound
            let reason = outcome.exact
                ? "the search stopped after \(outcome.nodes) nodes (--node-limit \(request.nodeLimit))"
                : "\(workload.jobs.count) jobs is beyond the exact search (at most \(PlacementSearch.exactJobLimit) jobs and \(PlacementSearch.profileLimit) plan profiles): placed by greedy search and local improvement"
            placement.notes.insert("not proven optimal: \(reason); the optimum costs at least \(NumberFormat.dollars(outcome.lowerBound)), at most \(NumberFormat.dollars(gap)) less than this placement", at: 0)
        }
        return placement
    }

    /// The placement problem of a request: its options, platform, provider limit and pins, the
    /// request checked on the way (the node budget too). Does not check that every job fits.
    /// - Throws: `CostsimError.usage` for unknown providers, jobs or platforms, or a limit below 1.
    static func problem(_ workload: Workload, catalog: Catalog, request: PlacementRequest) throws -> PlacementProblem {
        let options = try catalog.selectProviders(request.providers)
        let platform = try catalog.resolvePlatform(request.platform ?? workload.platform, fromCommandLine: request.platform != nil,
                                                   workloadFile: workload.file)
        if let limit = request.maxProviders, limit < 1 {
            throw CostsimError.usage("--max-providers must be at least 1, found \(limit)", hint: nil)
        }
        guard request.nodeLimit >= 1 else {
            throw CostsimError.usage("--node-limit must be at least 1, found \(request.nodeLimit)", hint: nil)
        }
        let allowed = try pinMatrix(request.pins, workload: workload, catalog: catalog, options: options)
        return PlacementProblem(workload: workload, providers: options, platform: platform, withPlatformCosts: request.withPlatformCosts,
                                allowed: allowed, maxProviders: min(request.maxProviders ?? options.count, options.count))
    }

    /// `allowed[job][option]` from the pins; unknown names are usage errors with suggestions.
    static func pinMatrix(_ pins: [PlacementPin], workload: Workload, catalog: Catalog,
                          options: [PricingFile]) throws -> [[Bool]] {
        var allowed = [[Bool]](repeating: [Bool](repeating: true, count: options.count), count: workload.jobs.count)
        var pinnedTo: [Int: String] = [:]
        for pin in pins {
            guard let job = workload.jobs.firstIndex(where: { $0.name == pin.job }) else {
                throw CostsimError.usage("--pin \(pin): no job named '\(pin.job)' in \(workload.file)",
                                         hint: YAMLReader.suggestion(for: pin.job, among: workload.jobs.map(\.name), noun: "jobs"))
            }
            guard let option = options.firstIndex(where: { $0.provider == pin.provider }) else {
                if catalog.providers.contains(where: { $0.provider == pin.provider }) {
                    throw CostsimError.usage("--pin \(pin): provider '\(pin.provider)' is not among the options selected with --provider",
                                             hint: "add --provider \(pin.provider)")
                }
                throw CostsimError.usage("--pin \(pin): unknown provider '\(pin.provider)' in catalog \(catalog.name)",
                                         hint: YAMLReader.suggestion(for: pin.provider, among: catalog.providers.map(\.provider), noun: "providers"))
            }
            if let earlier = pinnedTo[job], earlier != pin.provider {
                throw CostsimError.usage("--pin: job '\(pin.job)' is pinned to both \(earlier) and \(pin.provider)", hint: "pin each job once")
            }
            pinnedTo[job] = pin.provider
            for index in options.indices { allowed[job][index] = index == option }
        }
        return allowed
    }

    /// Every job must fit some allowed provider on its own: otherwise one diagnostic per job,
    /// naming the limit that rules out each provider.
    static func checkEveryJobFits(_ problem: PlacementProblem, pins: [PlacementPin]) throws {
        var diagnostics: [Diagnostic] = []
        let workload = problem.workload
        for (index, job) in workload.jobs.enumerated() {
            let options = problem.providers.indices.filter { problem.allowed[index][$0] }
            guard !options.contains(where: { problem.soloReasons[index][$0] == nil }) else { continue }
            let message: String, hint: String
            if options.count == 1, problem.providers.count > 1 || pins.contains(where: { $0.job == job.name }) {
                let provider = problem.providers[options[0]]
                message = "job '\(job.name)' is pinned to \(provider.provider) (--pin \(job.name)=\(provider.provider)), which cannot take it: \(problem.soloReasons[index][options[0]] ?? "")"
                hint = "remove --pin \(job.name)=\(provider.provider), or make the job fit \(provider.provider) (split its long steps, or choose another --platform)"
            } else {
                let reasons = options.map { "\(problem.providers[$0].provider): \(problem.soloReasons[index][$0] ?? "")" }
                message = "no provider can take job '\(job.name)': " + reasons.joined(separator: "; ")
                hint = "split its long steps, choose a platform plan with a longer limit (--platform), or add providers (--provider); `costsim compare` lists every plan's reasons"
            }
            diagnostics.append(Diagnostic(file: workload.file, line: job.line, column: nil, keyPath: "jobs[\(index)]", message: message, hint: hint))
        }
        if !diagnostics.isEmpty { throw InputError.invalid(diagnostics) }
    }

    // MARK: - Explaining

    /// Fills shares, per-job reasons, the single-provider baselines and the rule of thumb.
    mutating func explain(_ assignment: [Int], problem: PlacementProblem) {
        let exact = problem.exact
        let n = workload.jobs.count
        var sets = [PlacementJobSet](repeating: PlacementJobSet(count: n), count: options.count)
        for (job, provider) in assignment.enumerated() { sets[provider].insert(job) }
        var best: [(plan: Int?, cost: Decimal)] = []
        for provider in options.indices {
            // The search proved each set feasible; a nil here would be a programmer error.
            guard let choice = exact.best(provider: provider, jobs: sets[provider]) else {
                preconditionFailure("placement: provider \(options[provider].provider) cannot take its own jobs")
            }
            best.append(choice)
        }
        exactCost = best.reduce(Decimal(0)) { $0 + $1.cost }
        shares = options.indices.compactMap { provider in
            guard let plan = best[provider].plan else { return nil }
            return share(provider: provider, plan: plan, jobs: sets[provider], problem: problem)
        }
        let used = options.indices.filter { !sets[$0].isEmpty }.count
        let pinned = Set(pins.map(\.job))
        let explained = n <= Self.explainJobLimit
        assignments = workload.jobs.enumerated().map { job, spec in
            let home = assignment[job]
            let plan = best[home].plan.map { options[home].plans[$0].name } ?? ""
            var placed = JobPlacement(job: spec.name, provider: options[home].provider, providerName: options[home].name, plan: plan,
                                      pinned: pinned.contains(spec.name), addedCost: nil, providerCostWithout: nil,
                                      providerCost: best[home].cost, runSeconds: spec.activeSecondsPerRun, alternatives: [])
            guard explained else { return placed }
            var without = sets[home]
            without.remove(job)
            let homeWithout = exact.best(provider: home, jobs: without)?.cost ?? 0
            placed.addedCost = best[home].cost - homeWithout
            placed.providerCostWithout = homeWithout
            for other in options.indices where other != home {
                let file = options[other]
                var alternative = Alternative(provider: file.provider, providerName: file.name, plan: nil, extraCost: nil, reason: nil)
                var with = sets[other]
                with.insert(job)
                if pinned.contains(spec.name) {
                    alternative.reason = "pinned to \(options[home].provider) with --pin"
                } else if let reason = problem.soloReasons[job][other] {
                    alternative.reason = reason
                } else if sets[other].isEmpty && used >= maxProviders && !without.isEmpty {
                    alternative.reason = "it would make \(used + 1) providers, more than --max-providers \(maxProviders)"
                } else if let moved = exact.best(provider: other, jobs: with), let plan = moved.plan {
                    alternative.plan = file.plans[plan].name
                    alternative.extraCost = (homeWithout + moved.cost) - (best[home].cost + best[other].cost)
                } else {
                    alternative.reason = "not together with its other jobs: " + exact.reasons(provider: other, jobs: with)
                }
                placed.alternatives.append(alternative)
            }
            return placed
        }
        if !explained {
            notes.append("per-job explanations (what each job adds, where else it could go) are given for workloads of at most \(Self.explainJobLimit) jobs")
        }
        var everyone = PlacementJobSet(count: n)
        for job in 0..<n { everyone.insert(job) }
        singleProviders = options.indices.map { provider in
            let file = options[provider]
            var single = SingleProvider(provider: file.provider, providerName: file.name, evaluation: nil, reason: nil)
            if let job = (0..<n).first(where: { !problem.allowed[$0][provider] }) {
                single.reason = "\(workload.jobs[job].name) is pinned elsewhere"
            } else if let job = (0..<n).first(where: { problem.soloReasons[$0][provider] != nil }) {
                single.reason = problem.soloReasons[job][provider]
            } else if let choice = exact.best(provider: provider, jobs: everyone), let plan = choice.plan {
                single.evaluation = exact.evaluation(provider: provider, plan: plan, jobs: everyone)
            } else {
                single.reason = exact.reasons(provider: provider, jobs: everyone)
            }
            return single
        }
        ruleOfThumb = rule(problem: problem)
    }

    func share(provider: Int, plan: Int, jobs: PlacementJobSet, problem: PlacementProblem) -> Share {
        Share(provider: options[provider].provider, providerName: options[provider].name,
              evaluation: problem.exact.evaluation(provider: provider, plan: plan, jobs: jobs),
              jobs: jobs.indices.map { workload.jobs[$0].name })
    }

    /// The rule of thumb at its best over the step-billed × run-billed option pairs: pinned jobs
    /// stay pinned, jobs whose run is over 60 s and short jobs the step-billed provider cannot
    /// take go to the run-billed provider, the rest to the step-billed one.
    func rule(problem: PlacementProblem) -> RuleOfThumb? {
        let stepBilled = options.indices.filter { options[$0].execution == .steps }
        let runBilled = options.indices.filter { options[$0].execution == .runs }
        guard !stepBilled.isEmpty, !runBilled.isEmpty else { return nil }
        let n = workload.jobs.count
        var chosen: (rule: RuleOfThumb, cost: Decimal)?
        var firstInfeasible: RuleOfThumb?
        for step in stepBilled {
            for run in runBilled {
                var assignment = [Int](repeating: step, count: n)
                var redirected: [String] = []
                var reason: String?
                for (job, spec) in workload.jobs.enumerated() {
                    if let pinnedTo = problem.allowed[job].firstIndex(of: true), problem.allowed[job].filter({ $0 }).count == 1 {
                        assignment[job] = pinnedTo
                    } else if spec.activeSecondsPerRun > Self.ruleOfThumbSeconds {
                        assignment[job] = run
                    } else if problem.soloReasons[job][step] != nil {
                        assignment[job] = run
                        redirected.append(spec.name)
                    }
                    if reason == nil, let why = problem.soloReasons[job][assignment[job]] {
                        reason = "\(spec.name) cannot run on \(options[assignment[job]].provider): \(why)"
                    }
                }
                var shares: [Share] = []
                var total = Decimal(0)
                if reason == nil {
                    for provider in options.indices {
                        let set = PlacementJobSet((0..<n).filter { assignment[$0] == provider }, count: n)
                        guard !set.isEmpty else { continue }
                        guard let choice = problem.exact.best(provider: provider, jobs: set), let plan = choice.plan else {
                            reason = "\(options[provider].provider) cannot take the jobs the rule gives it: " + problem.exact.reasons(provider: provider, jobs: set)
                            break
                        }
                        total += choice.cost
                        shares.append(share(provider: provider, plan: plan, jobs: set, problem: problem))
                    }
                }
                let result = RuleOfThumb(stepProvider: options[step].provider, runProvider: options[run].provider,
                                         thresholdSeconds: Self.ruleOfThumbSeconds,
                                         assignment: assignment.map { options[$0].provider },
                                         shares: reason == nil ? shares : [], redirected: redirected, reason: reason)
                if reason == nil {
                    if chosen == nil || total < chosen!.cost { chosen = (result, total) }
                } else if firstInfeasible == nil {
                    firstInfeasible = result
                }
            }
        }
        return chosen?.rule ?? firstInfeasible
    }
}
