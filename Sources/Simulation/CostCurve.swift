import Foundation

/// The monthly cost of one option as an exact function of an axis value x on a closed range:
/// piecewise polynomial (linear on every axis but steps) with jumps, and regions where the
/// option is infeasible.
///
/// The range is cut at grid points g₀ < g₁ < … < gₙ. Between two grid points the cost is one
/// polynomial (or the option is infeasible throughout); at each grid point the value is stored
/// on its own, because a block price or a limit decides which side a boundary belongs to.
/// Every piece carries a label: the plan that prices it (a provider's cheapest plan) or the
/// option that wins it (a lower envelope).
///
/// ```swift
/// let curve = try model.curve(plan: startup, label: 1)
/// curve.cost(at: Rational(1000))   // 40, exactly what CostEngine computes at 1,000 runs
/// ```
public struct CostCurve: Sendable {
    /// What an option costs on a piece or at a point.
    enum Form: Sendable, Equatable {
        case cost(Polynomial)
        case infeasible

        /// The value at x, nil when infeasible.
        func value(at x: Rational) -> Rational? {
            if case .cost(let polynomial) = self { return polynomial(x) }
            return nil
        }

        var polynomial: Polynomial? {
            if case .cost(let polynomial) = self { return polynomial }
            return nil
        }
    }

    /// One piece between two grid points, for drawing and reports.
    public struct Piece: Sendable {
        /// The piece's lower end (exclusive).
        public let from: Rational
        /// The piece's upper end (exclusive).
        public let to: Rational
        /// The plan or option that gives the cost here; nil when infeasible.
        public let label: Int?
        let form: Form

        /// The cost at x inside the piece (the polynomial's value; at the ends, the limits).
        public func cost(at x: Rational) -> Rational? { form.value(at: x) }
        /// False where the option is infeasible throughout the piece.
        public var isFeasible: Bool { form != .infeasible }
        /// True when the cost is a straight line here (every axis but steps with retries).
        public var isLinear: Bool { (form.polynomial?.degree ?? 0) <= 1 }
    }

    /// Grid points, strictly increasing, from the range's lower to its upper end.
    public let grid: [Rational]
    /// `forms[i]` holds on the open interval (grid[i], grid[i + 1]).
    let forms: [Form]
    let labels: [Int?]
    /// The value and label at each grid point.
    let pointValues: [Rational?]
    let pointLabels: [Int?]
    /// Whether only whole values of x matter (runs, steps).
    public let integerAxis: Bool

    init(grid: [Rational], forms: [Form], labels: [Int?], pointValues: [Rational?], pointLabels: [Int?], integerAxis: Bool) {
        precondition(grid.count >= 2 && forms.count == grid.count - 1 && labels.count == forms.count
                     && pointValues.count == grid.count && pointLabels.count == grid.count, "malformed curve")
        self.grid = grid
        self.forms = forms
        self.labels = labels
        self.pointValues = pointValues
        self.pointLabels = pointLabels
        self.integerAxis = integerAxis
    }

    /// The range's lower end.
    public var lowerBound: Rational { grid[0] }
    /// The range's upper end.
    public var upperBound: Rational { grid[grid.count - 1] }

    /// The pieces in order.
    public var pieces: [Piece] {
        forms.indices.map { Piece(from: grid[$0], to: grid[$0 + 1], label: labels[$0], form: forms[$0]) }
    }

    enum Location: Equatable {
        case point(Int)
        case piece(Int)
    }

    /// Where x falls: on a grid point or inside a piece (binary search).
    /// - Complexity: O(log grid points).
    func locate(_ x: Rational) -> Location {
        precondition(lowerBound <= x && x <= upperBound, "x outside the curve's range")
        var low = 0, high = grid.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if grid[middle] <= x { low = middle } else { high = middle }
        }
        if grid[low] == x { return .point(low) }
        if grid[high] == x { return .point(high) }
        return .piece(low)
    }

    /// The exact cost at x, nil where the option is infeasible.
    /// - Complexity: O(log grid points).
    public func cost(at x: Rational) -> Rational? {
        switch locate(x) {
        case .point(let index): return pointValues[index]
        case .piece(let index): return forms[index].value(at: x)
        }
    }

    /// The plan or option giving the cost at x, nil where infeasible.
    public func label(at x: Rational) -> Int? {
        switch locate(x) {
        case .point(let index): return pointLabels[index]
        case .piece(let index): return labels[index]
        }
    }

    /// The cost approaching x from below (x above the range's lower end); nil when infeasible there.
    public func leftLimit(at x: Rational) -> Rational? {
        switch locate(x) {
        case .point(let index): return index == 0 ? pointValues[0] : forms[index - 1].value(at: x)
        case .piece(let index): return forms[index].value(at: x)
        }
    }

    /// The cost approaching x from above; nil when infeasible there.
    public func rightLimit(at x: Rational) -> Rational? {
        switch locate(x) {
        case .point(let index): return index == grid.count - 1 ? pointValues[index] : forms[index].value(at: x)
        case .piece(let index): return forms[index].value(at: x)
        }
    }

    /// The label approaching x from above.
    func rightLabel(at x: Rational) -> Int? {
        switch locate(x) {
        case .point(let index): return index == grid.count - 1 ? pointLabels[index] : labels[index]
        case .piece(let index): return labels[index]
        }
    }

    /// The label approaching x from below.
    func leftLabel(at x: Rational) -> Int? {
        switch locate(x) {
        case .point(let index): return index == 0 ? pointLabels[0] : labels[index - 1]
        case .piece(let index): return labels[index]
        }
    }

    /// A point inside (low, high) to decide which formula holds there: a whole number when the
    /// axis is an integer axis and one lies inside, else the midpoint.
    static func sample(_ low: Rational, _ high: Rational, integerAxis: Bool) -> Rational {
        if integerAxis {
            let candidate = low.floor + .one
            if candidate < high { return candidate }
        }
        return (low + high) / Rational(2)
    }

    /// The same curve with redundant grid points removed: a point whose two pieces and own
    /// value all follow one formula with one label.
    /// - Complexity: O(grid points).
    func simplified() -> CostCurve {
        var grid = [self.grid[0]], forms: [Form] = [], labels: [Int?] = []
        var values = [pointValues[0]], pointLabels = [self.pointLabels[0]]
        for index in self.forms.indices {
            if let lastForm = forms.last, lastForm == self.forms[index], labels.last! == self.labels[index],
               pointLabels.last! == self.labels[index], values.last! == lastForm.value(at: grid.last!) {
                // The previous grid point is interior to one formula: drop it.
                grid.removeLast()
                values.removeLast()
                pointLabels.removeLast()
            } else {
                forms.append(self.forms[index])
                labels.append(self.labels[index])
            }
            grid.append(self.grid[index + 1])
            values.append(pointValues[index + 1])
            pointLabels.append(self.pointLabels[index + 1])
        }
        return CostCurve(grid: grid, forms: forms, labels: labels, pointValues: values, pointLabels: pointLabels,
                         integerAxis: integerAxis)
    }

    /// A curve infeasible over the whole range.
    static func infeasible(from low: Rational, to high: Rational, integerAxis: Bool) -> CostCurve {
        CostCurve(grid: [low, high], forms: [.infeasible], labels: [nil], pointValues: [nil, nil], pointLabels: [nil, nil],
                  integerAxis: integerAxis)
    }

    /// The pointwise cheapest of several curves over the same range, labelled with the index of
    /// the winning curve (ties go to the lower index: the plan listed first, the option named
    /// first). Where two feasible pieces cross inside an interval, the crossing is solved
    /// exactly and becomes a grid point.
    ///
    /// - Complexity: O(G × k²) root solves for G merged grid points and k curves.
    static func lowerEnvelope(_ curves: [CostCurve]) -> CostCurve {
        precondition(!curves.isEmpty, "envelope of no curves")
        let integerAxis = curves[0].integerAxis
        let merged = Array(Set(curves.flatMap(\.grid))).sorted()
        // For each curve, the piece holding each merged interval, found by walking both grids.
        var pieceIndex = [Int](repeating: 0, count: curves.count)
        var grid: [Rational] = [], forms: [Form] = [], labels: [Int?] = []
        var values: [Rational?] = [], pointLabels: [Int?] = []

        func pointWinner(_ candidates: [Rational?]) -> (Rational?, Int?) {
            var best: (Rational, Int)?
            for (index, value) in candidates.enumerated() {
                guard let value else { continue }
                if best == nil || value < best!.0 { best = (value, index) }
            }
            return (best?.0, best?.1)
        }

        for (mergedIndex, point) in merged.enumerated() {
            // The value of each curve at this merged point.
            let atPoint: [Rational?] = curves.map { $0.cost(at: point) }
            let (value, winner) = pointWinner(atPoint)
            grid.append(point)
            values.append(value)
            pointLabels.append(winner)
            guard mergedIndex + 1 < merged.count else { break }
            let next = merged[mergedIndex + 1]
            var pieceForms: [Form] = []
            for (c, curve) in curves.enumerated() {
                while curve.grid[pieceIndex[c] + 1] <= point { pieceIndex[c] += 1 }
                pieceForms.append(curve.forms[pieceIndex[c]])
            }
            // Crossings of every pair of feasible pieces inside (point, next).
            var cuts: Set<Rational> = []
            let polynomials = pieceForms.map(\.polynomial)
            for a in polynomials.indices {
                guard let p = polynomials[a] else { continue }
                for b in polynomials.indices where b > a {
                    guard let q = polynomials[b], p != q else { continue }
                    for root in (p - q).roots(integerAxis: integerAxis) where point < root && root < next {
                        cuts.insert(root)
                    }
                }
            }
            let bounds = [point] + cuts.sorted() + [next]
            for (subIndex, low) in bounds.dropLast().enumerated() {
                let high = bounds[subIndex + 1]
                if subIndex > 0 {
                    let inner: [Rational?] = polynomials.map { $0?(low) }
                    let (innerValue, innerWinner) = pointWinner(inner)
                    grid.append(low)
                    values.append(innerValue)
                    pointLabels.append(innerWinner)
                }
                let probe = sample(low, high, integerAxis: integerAxis)
                let (_, winner) = pointWinner(polynomials.map { $0?(probe) })
                if let winner, let polynomial = polynomials[winner] {
                    forms.append(.cost(polynomial))
                    labels.append(winner)
                } else {
                    forms.append(.infeasible)
                    labels.append(nil)
                }
            }
        }
        return CostCurve(grid: grid, forms: forms, labels: labels, pointValues: values, pointLabels: pointLabels,
                         integerAxis: integerAxis).simplified()
    }
}
