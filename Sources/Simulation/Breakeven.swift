import CostModel
import Foundation
import Workload

/// An option compared along an axis: a provider at its cheapest feasible plan (so plan
/// switches are kinks of its curve), or one plan.
public struct BreakevenOption: Sendable, Equatable {
    /// The provider's pricing file.
    public let provider: PricingFile
    /// nil: the provider at its cheapest feasible production plan.
    public let plan: Plan?

    /// `inngest` or `inngest/startup`.
    public var id: String { plan.map { "\(provider.provider)/\($0.name)" } ?? provider.provider }

    /// Resolves option names (`inngest`, `inngest/startup`) against a catalog; no names means
    /// every provider of the catalog.
    /// - Throws: `CostsimError.usage` for an unknown provider or plan, a custom plan (it has no
    ///   price), or an option named twice.
    public static func resolve(_ names: [String], in catalog: Catalog) throws(CostsimError) -> [BreakevenOption] {
        guard !names.isEmpty else { return catalog.providers.map { BreakevenOption(provider: $0, plan: nil) } }
        var options: [BreakevenOption] = []
        for name in names {
            let option: BreakevenOption
            if name.contains("/") {
                let (file, plan) = try catalog.findPlan(name)
                guard !plan.custom else {
                    throw .usage("\(name) is a custom plan (contact sales): it has no price to compare",
                                 hint: "compare the provider (\(file.provider)) or another of its plans: "
                                     + file.plans.filter { !$0.custom }.map { "\(file.provider)/\($0.name)" }.joined(separator: ", "))
                }
                option = BreakevenOption(provider: file, plan: plan)
            } else {
                option = BreakevenOption(provider: try catalog.selectProviders([name])[0], plan: nil)
            }
            guard !options.contains(where: { $0.id == option.id }) else {
                throw .usage("option '\(name)' is named twice", hint: "name each provider or plan once")
            }
            options.append(option)
        }
        return options
    }

    /// Why `CostEngine` rules the option out at one workload: the reasons of its candidate plans,
    /// each once, in plan order; none when one of them is feasible.
    func infeasibilityReasons(with engine: CostEngine) -> [String] {
        let usage = engine.usage(on: provider)
        let plans = plan.map { [$0] } ?? provider.plans.filter { $0.production && !$0.custom }
        var reasons: [String] = []
        for candidate in plans {
            let evaluation = engine.evaluate(usage: usage, plan: candidate)
            if evaluation.isFeasible, evaluation.exactCost != nil { return [] }
            for reason in evaluation.reasons where !reasons.contains(reason) { reasons.append(reason) }
        }
        if plans.isEmpty { reasons.append("\(provider.name) has no production plan with a price") }
        return reasons
    }
}

/// Where the cheapest option changes along one workload axis, exactly: `costsim breakeven`.
///
/// Each option's cost is a `CostCurve` built analytically from its pricing; their lower
/// envelope is cut wherever two pieces cross (solved exactly on each piece) or a price, plan or
/// limit changes formula. The report lists every point where the cheapest option changes, the
/// interval table between them, plan switches and infeasible ranges.
///
/// ```swift
/// let result = try Breakeven.analyze(seed, catalog: seedCatalog, axis: .runs, job: nil,
///                                    options: ["inngest/startup", "trigger-dev/startup"])
/// result.points[0].at   // 1000: Trigger.dev Startup is cheaper below, Inngest Startup above
/// ```
public struct Breakeven: Sendable {
    /// What happens at a point.
    public enum Kind: String, Sendable {
        /// The two options' costs meet and cross.
        case crossing
        /// A cost jumps (a block, a plan's fee) past the other.
        case jump
        /// The cheaper option becomes infeasible (a limit is exceeded).
        case infeasible
        /// An option becomes feasible and is the cheapest.
        case feasible
    }

    /// A point where the cheapest option changes.
    public struct Point: Sendable, Equatable {
        /// Where the change is reported: the exact point, or on integer axes the first whole
        /// value at which the new option is no dearer.
        public var at: Rational
        /// Where the change happens, exactly.
        public var exact: Rational
        /// Why the cheapest option changes there.
        public var kind: Kind
        /// Index into `options` of the cheapest option below and above; nil: none is feasible.
        public var below: Int?
        /// (see `below`)
        public var above: Int?
        /// The plans giving those costs (the option's own plan, or the provider's cheapest).
        public var planBelow: String?
        /// (see `planBelow`)
        public var planAbove: String?
        /// The `below` option's plan just after the point (a provider moving to a dearer plan
        /// when its plan's limit is reached).
        public var planBelowAfter: String?
        /// The `below` option's cost approaching the point from below and the `above` option's
        /// approaching it from above (equal at a crossing); on integer axes, both at `at`.
        public var costBelow: Rational?
        /// (see `costBelow`)
        public var costAbove: Rational?
    }

    /// A stretch of the axis with one cheapest option.
    public struct Interval: Sendable, Equatable {
        /// Where the stretch starts: a breakeven point, or the range's lower end.
        public var from: Rational
        /// Where it ends: the next point, or the range's upper end.
        public var to: Rational
        /// Index into `options`; nil when no option is feasible.
        public var cheapest: Int?
        /// The plans of the cheapest option along the stretch, in order.
        public var plans: [String]
    }

    /// A stretch where one option is infeasible, with the reasons `CostEngine` gives there.
    public struct InfeasibleRange: Sendable, Equatable {
        /// Index into `options`.
        public var option: Int
        /// First and last infeasible value (whole values on integer axes; on other axes the
        /// ends of the stretch, which may themselves be feasible: limits are strict).
        public var from: Rational
        /// (see `from`)
        public var to: Rational
        /// Whether `from` and `to` are themselves infeasible (always on integer axes; a limit
        /// reached exactly still fits, so a continuous stretch is usually open at its ends).
        public var fromIncluded: Bool
        /// (see `fromIncluded`)
        public var toIncluded: Bool
        /// Why, in `CostEngine`'s words, at a value inside the stretch (at most three).
        public var reasons: [String]
    }

    /// A provider option moving to another plan (a kink in its curve).
    public struct PlanSwitch: Sendable, Equatable {
        /// Index into `options` of the provider option.
        public var option: Int
        /// Where the new plan takes over (the first whole value on integer axes).
        public var at: Rational
        /// The plan before.
        public var from: String
        /// The plan after.
        public var to: String
    }

    /// The workload as given.
    public var workload: Workload
    /// The catalog priced with.
    public var catalog: Catalog
    /// The platform plan bounding step-billed providers, when known.
    public var platform: PlatformPlan?
    /// True when the platform's own charges are included.
    public var withPlatformCosts: Bool
    /// The axis and the jobs it moves.
    public var axis: AxisSelection
    /// The range searched: lower end.
    public var lower: Rational
    /// The range searched: upper end.
    public var upper: Rational
    /// True when the upper end was given (`--to`) rather than defaulted.
    public var upperGiven: Bool
    /// The workload's own value on the axis, when the moved jobs share one.
    public var current: Decimal?
    /// The options compared, in the order named (ties go to the earlier).
    public var options: [BreakevenOption]
    /// One curve per option, in `options` order.
    public var curves: [CostCurve]
    /// The cheapest option at every x, labelled with its index.
    public var envelope: CostCurve
    /// Every change of the cheapest option, in order.
    public var points: [Point]
    /// The stretches between the points.
    public var intervals: [Interval]
    /// Where each option is infeasible.
    public var infeasible: [InfeasibleRange]
    /// Where a provider option moves to another plan.
    public var planSwitches: [PlanSwitch]
    /// What the reader must know to trust the figures.
    public var notes: [String]

    /// Finds every point in the range where the cheapest option changes.
    ///
    /// - Parameters:
    ///   - options: `provider` or `provider/plan` names; empty compares every provider.
    ///   - from, to: the range; by default from the axis's lowest value to 1,000 times the
    ///     workload's own value (memory: twice the largest memory size in the pricing).
    /// - Throws: `CostsimError.usage` for an unknown job, option or platform, an empty or
    ///   invalid range, or a range holding more price steps than a curve may have.
    /// - Complexity: O(B × k²) for B price, plan and limit boundaries and k options, plus
    ///   O(jobs) per provider to build its model.
    public static func analyze(_ workload: Workload, catalog: Catalog, axis kind: WorkloadAxis, job: String?,
                               options names: [String], from: Decimal? = nil, to: Decimal? = nil,
                               platform override: PlatformReference? = nil,
                               withPlatformCosts: Bool = false) throws(CostsimError) -> Breakeven {
        let axis = try AxisSelection(axis: kind, job: job, in: workload)
        let options = try BreakevenOption.resolve(names, in: catalog)
        guard !options.isEmpty else { throw .usage("catalog \(catalog.name) has no providers to compare", hint: nil) }
        let platform = try catalog.resolvePlatform(override ?? workload.platform, fromCommandLine: override != nil,
                                                   workloadFile: workload.file)
        let (lower, defaultUpper) = try range(axis: axis, workload: workload, options: options, platform: platform, from: from, to: to)
        let shapes = axis.shapes(of: workload)

        var models: [String: ProviderAxisModel] = [:]
        for option in options where models[option.provider.provider] == nil {
            models[option.provider.provider] = ProviderAxisModel(provider: option.provider, workload: workload, shapes: shapes, axis: axis,
                                                                 lower: lower, upper: defaultUpper, platform: platform,
                                                                 withPlatformCosts: withPlatformCosts)
        }
        func makeCurves(upTo upper: Rational) throws(CostsimError) -> [CostCurve] {
            var curves: [CostCurve] = []
            for option in options {
                var model = models[option.provider.provider]!
                model.upper = upper
                if let plan = option.plan {
                    let index = option.provider.plans.firstIndex(of: plan) ?? 0
                    curves.append(try model.curve(plan: plan).relabeled { _ in index })
                } else {
                    curves.append(try model.cheapestPlanCurve())
                }
            }
            return curves
        }
        // A defaulted range that crosses too many block boundaries is shortened tenfold (at
        // most five times) rather than refused; a range given with --to is not.
        var upper = defaultUpper
        var curves: [CostCurve] = []
        for attempt in 0... {
            do throws(CostsimError) {
                curves = try makeCurves(upTo: upper)
                break
            } catch {
                let shorter = lower + (upper - lower) / Rational(10)
                let next = axis.axis.isInteger ? shorter.ceiling : shorter
                guard to == nil, attempt < 5, next > lower else { throw error }
                upper = next
            }
        }
        var result = Breakeven(workload: workload, catalog: catalog, platform: platform, withPlatformCosts: withPlatformCosts,
                               axis: axis, lower: lower, upper: upper, upperGiven: to != nil,
                               current: axis.currentValue(in: workload), options: options, curves: curves,
                               envelope: CostCurve.lowerEnvelope(curves), points: [], intervals: [], infeasible: [],
                               planSwitches: [], notes: [])
        result.points = result.findPoints()
        result.intervals = result.makeIntervals()
        result.infeasible = result.findInfeasibleRanges()
        result.planSwitches = result.findPlanSwitches()
        result.notes = result.makeNotes()
        if upper != defaultUpper {
            result.notes.insert("the range stops at \(NumberFormat.quantity(upper.decimal(scale: 6), scale: 6)) instead of "
                                + "\(NumberFormat.quantity(defaultUpper.decimal(scale: 6), scale: 6)): further on a block price changes "
                                + "more than \(NumberFormat.quantity(Decimal(ProviderAxisModel.maxGridPoints))) times (give --to to choose the range)", at: 0)
        }
        return result
    }

    /// Validates or defaults the range.
    static func range(axis: AxisSelection, workload: Workload, options: [BreakevenOption], platform: PlatformPlan?,
                      from: Decimal?, to: Decimal?) throws(CostsimError) -> (Rational, Rational) {
        let minimum = axis.lowerBound(in: workload)
        let name = axis.axis.rawValue
        if axis.axis.isInteger {
            for (flag, value) in [("--from", from), ("--to", to)] {
                if let value, !value.isWhole {
                    throw .usage("\(flag) \(value): the \(name) axis counts whole \(name), so the range must be whole numbers",
                                 hint: "e.g. \(flag) \(value.floored())")
                }
            }
        }
        let lower = from ?? minimum
        if lower < minimum {
            let why = axis.axis == .steps ? " (a run has at least one step, and its sleeps count among its steps)" : ""
            throw .usage("--from \(lower): the \(name) axis starts at \(minimum)\(why)", hint: "use --from \(minimum) or more")
        }
        let upper = to ?? defaultUpper(axis: axis, workload: workload, options: options, platform: platform, lower: lower)
        guard lower < upper else {
            throw .usage("empty range: --from \(lower) is not below --to \(upper)", hint: "give --from below --to")
        }
        return (Rational(lower), Rational(upper))
    }

    /// 1,000 times the largest value a moved job has (scale: 1,000), and at least ten times
    /// the lower end; memory: twice the largest memory figure among the jobs' own, machines and
    /// memory limits.
    static func defaultUpper(axis: AxisSelection, workload: Workload, options: [BreakevenOption], platform: PlatformPlan?,
                             lower: Decimal) -> Decimal {
        let jobs = axis.jobIndices.map { workload.jobs[$0] }
        var reference: Decimal
        switch axis.axis {
        case .runs: reference = jobs.map(\.runsPerMonth).max() ?? 0
        case .steps: reference = jobs.map(\.stepsPerRun).max() ?? 0
        case .duration: reference = jobs.map { $0.runSeconds ?? $0.stepSeconds ?? 0 }.max() ?? 0
        case .scale: reference = 1
        case .memory:
            var sizes = jobs.map { $0.memoryMB ?? Job.defaultMemoryMB }
            for option in options {
                sizes += option.provider.machines.map(\.memoryMB)
                sizes += option.provider.plans.compactMap(\.limits.memoryMB)
            }
            if let limit = platform?.plan.limits.memoryMB { sizes.append(limit) }
            return max(lower + 1024, 2 * (sizes.max() ?? Job.defaultMemoryMB))
        }
        var upper = 1000 * reference
        if axis.axis.isInteger { upper = upper.ceiled() }
        return max(upper, lower * 10, lower + 1000)
    }

    /// The value of option `index` at x and its plan.
    func value(_ index: Int?, at x: Rational) -> Rational? {
        guard let index else { return nil }
        return curves[index].cost(at: x)
    }

    func planName(_ option: Int?, at x: Rational, side: Int) -> String? {
        guard let option else { return nil }
        let curve = curves[option]
        let label = side < 0 ? curve.leftLabel(at: x) : side > 0 ? curve.rightLabel(at: x) : curve.label(at: x)
        return label.map { options[option].provider.plans[$0].name }
    }

    /// Every change of the cheapest option along the envelope; on integer axes, moved to the
    /// first whole value with the new order, merging changes that fall in one step.
    func findPoints() -> [Point] {
        var raw: [Point] = []
        let pieces = envelope.pieces
        for index in pieces.indices.dropFirst() where pieces[index - 1].label != pieces[index].label {
            let g = pieces[index].from
            let below = pieces[index - 1].label, above = pieces[index].label
            raw.append(Point(at: g, exact: g, kind: kind(below: below, above: above, at: g), below: below, above: above,
                             planBelow: planName(below, at: g, side: -1), planAbove: planName(above, at: g, side: 1),
                             planBelowAfter: planName(below, at: g, side: 1),
                             costBelow: below.flatMap { curves[$0].leftLimit(at: g) },
                             costAbove: above.flatMap { curves[$0].rightLimit(at: g) }))
        }
        guard envelope.integerAxis else { return raw }

        var points: [Point] = []
        for var point in raw {
            let g = point.exact
            var n = g.ceiling
            if n == g {
                // At a whole crossing the costs tie: the change is reported there. Otherwise the
                // value at g still belongs to the old order (a block, a strict limit).
                let a = value(point.above, at: g), b = value(point.below, at: g)
                let changed: Bool
                switch (a, b) {
                case (let a?, let b?): changed = a <= b
                case (_?, nil): changed = true
                case (nil, _?): changed = false
                case (nil, nil): changed = true
                }
                if !changed { n = n + .one }
            }
            point.at = n
            if let last = points.last, n <= last.at {
                // Two changes within one step: only their combined effect is visible on whole values.
                var merged = last
                merged.above = point.above
                merged.kind = (last.kind == .crossing && point.kind == .crossing) ? .crossing : point.kind
                points.removeLast()
                if merged.below != merged.above { points.append(merged) }
                continue
            }
            points.append(point)
        }
        return points.compactMap { point in
            guard point.at <= upper else { return nil }
            var point = point
            point.costBelow = value(point.below, at: point.at)
            point.costAbove = value(point.above, at: point.at)
            point.planBelow = planName(point.below, at: point.at, side: 0)
            point.planAbove = planName(point.above, at: point.at, side: 0)
            if point.below != nil && point.costBelow == nil { point.kind = .infeasible }
            return point
        }
    }

    func kind(below: Int?, above: Int?, at g: Rational) -> Kind {
        guard let below else { return .feasible }
        guard let above else { return .infeasible }
        let b = curves[below], a = curves[above]
        if b.rightLimit(at: g) == nil { return .infeasible }
        if a.leftLimit(at: g) == nil { return .feasible }
        let values = [b.leftLimit(at: g), b.rightLimit(at: g), a.leftLimit(at: g), a.rightLimit(at: g)]
        return Set(values).count == 1 ? .crossing : .jump
    }

    /// The stretches between points, each with its cheapest option.
    func makeIntervals() -> [Interval] {
        var bounds = [lower] + points.map(\.at) + [upper]
        var cheapest = [envelope.pieces.first?.label] + points.map(\.above)
        // A point at the very end leaves an empty last stretch: drop it.
        if bounds.count > 2 && bounds[bounds.count - 2] == upper {
            bounds.removeLast()
            cheapest.removeLast()
        }
        return (0..<(bounds.count - 1)).map { index in
            Interval(from: bounds[index], to: bounds[index + 1], cheapest: cheapest[index],
                     plans: plans(of: cheapest[index], from: bounds[index], to: bounds[index + 1]))
        }
    }

    /// The plans an option uses between two values, in order.
    func plans(of option: Int?, from: Rational, to: Rational) -> [String] {
        guard let option else { return [] }
        var names: [String] = []
        for piece in curves[option].pieces where piece.to > from && piece.from < to {
            guard let label = piece.label else { continue }
            let name = options[option].provider.plans[label].name
            if names.last != name { names.append(name) }
        }
        return names
    }

    /// Each option's infeasible stretches, with `CostEngine`'s reasons at a value inside.
    func findInfeasibleRanges() -> [InfeasibleRange] {
        var ranges: [InfeasibleRange] = []
        for (index, curve) in curves.enumerated() {
            let pieces = curve.pieces
            var start: Int?
            for (position, piece) in pieces.enumerated() {
                let infeasible = !piece.isFeasible
                if infeasible && start == nil { start = position }
                let endsHere = position == pieces.count - 1 || pieces[position + 1].isFeasible
                    || curve.cost(at: piece.to) != nil
                if let first = start, infeasible && endsHere {
                    if let range = infeasibleRange(option: index, from: pieces[first].from, to: piece.to) { ranges.append(range) }
                    start = nil
                }
            }
        }
        return ranges
    }

    func infeasibleRange(option: Int, from a: Rational, to b: Rational) -> InfeasibleRange? {
        let curve = curves[option]
        var from = a, to = b
        let sample: Rational
        if axis.axis.isInteger {
            from = a.isInteger && curve.cost(at: a) == nil ? a : a.floor + .one
            to = b.isInteger && curve.cost(at: b) == nil ? b : b.ceiling - .one
            guard from <= to else { return nil }
        }
        // Reasons are read a little inside the stretch, at a round value (4,100 MB rather than
        // 4,096.01): far enough that "exceeds" shows in the figures, close enough to explain the edge.
        let bound = a + (b - a) / Rational(100)
        sample = axis.axis.isInteger ? max(from, Self.roundest(above: a, below: max(bound, from + .one), minimumPower: 0))
                                     : Self.roundest(above: a, below: bound, minimumPower: -12)
        let previous = a > lower ? curve.leftLabel(at: a) : nil
        return InfeasibleRange(option: option, from: from, to: to, fromIncluded: curve.cost(at: from) == nil,
                               toIncluded: curve.cost(at: to) == nil,
                               reasons: engineReasons(option: option, at: sample, previousPlan: previous))
    }

    /// The value in (low, high) with the fewest significant digits (the highest power of ten
    /// possible), nearest `low`: `roundest(above: 21949.5, below: 1021949)` is 1,000,000.
    static func roundest(above low: Rational, below high: Rational, minimumPower: Int) -> Rational {
        for power in stride(from: 18, through: minimumPower, by: -1) {
            let step = power >= 0 ? Rational(BigInt(10).power(power)) : Rational(1) / Rational(BigInt(10).power(-power))
            let candidate = ((low / step).floor + .one) * step
            if candidate < high { return candidate }
        }
        return minimumPower >= 0 ? low.floor + .one : (low + high) / Rational(2)
    }

    /// Why `CostEngine` rules the option out at x (a short decimal), at most three reasons. For
    /// a provider, the reasons of the plan it was on just before (`previousPlan`) come first:
    /// those are the ones that matter.
    func engineReasons(option: Int, at x: Rational, previousPlan: Int? = nil) -> [String] {
        guard let value = x.exactDecimal else { return [] }
        let engine = CostEngine(workload: axis.apply(value, to: workload), platform: platform, withPlatformCosts: withPlatformCosts)
        let choice = options[option]
        var reasons: [String] = []
        if choice.plan == nil, let previousPlan {
            let plan = choice.provider.plans[previousPlan]
            let others = choice.provider.plans.filter { $0.production && !$0.custom }.count - 1
            reasons = engine.evaluate(provider: choice.provider, plan: plan).reasons.map { others > 0 ? "\(plan.name): \($0)" : $0 }
            if others > 0 { reasons.append("no other \(choice.provider.name) plan is feasible") }
        } else {
            reasons = choice.infeasibilityReasons(with: engine)
        }
        return reasons.count > 3 ? Array(reasons.prefix(3)) + ["… and \(reasons.count - 3) more"] : reasons
    }

    /// Where a provider option moves to another plan.
    func findPlanSwitches() -> [PlanSwitch] {
        var switches: [PlanSwitch] = []
        for (index, option) in options.enumerated() where option.plan == nil {
            let curve = curves[index]
            let pieces = curve.pieces
            for position in pieces.indices.dropFirst() {
                guard let old = pieces[position - 1].label, let new = pieces[position].label, old != new else { continue }
                var at = pieces[position].from
                if curve.integerAxis {
                    // On a whole value where the new plan already costs no more (a tie), the
                    // switch is reported there; otherwise at the next whole value.
                    let newPlanHere = curve.rightLimit(at: at)
                    if !(at.isInteger && newPlanHere != nil && newPlanHere == curve.cost(at: at)) {
                        at = at.isInteger ? at + .one : at.ceiling
                    }
                    guard at <= upper else { continue }
                    if let last = switches.last, last.option == index, last.at >= at {
                        switches.removeLast()
                    }
                }
                switches.append(PlanSwitch(option: index, at: at, from: option.provider.plans[old].name,
                                           to: option.provider.plans[new].name))
            }
        }
        return switches.filter { $0.from != $0.to }
    }

    func makeNotes() -> [String] {
        var notes: [String] = []
        let onPlatform = options.map(\.provider).filter { $0.runsOn == .platform }
        if platform == nil && !onPlatform.isEmpty {
            notes.append(Comparison.noPlatformNote(names: Array(Set(onPlatform.map(\.name))).sorted()))
        }
        if withPlatformCosts && platform == nil {
            notes.append(Comparison.platformCostsWithoutPlatformNote)
        }
        var seen: Set<String> = []
        for option in options where seen.insert(option.provider.provider).inserted {
            if let note = Comparison.unverifiedNote(option.provider) { notes.append(note) }
        }
        notes.append("costs are exact monthly costs before rounding; `costsim compare` rounds each bill line to cents, so its totals can differ by a cent")
        return notes
    }
}
