import CostModel
import Foundation
import Simulation
import Workload

extension Breakeven {
    /// The axis in a few words for a chart title: `runs per month`, `steps per run`.
    var axisWords: String {
        switch axis.axis {
        case .runs: return "runs per month"
        case .steps: return "steps per run"
        case .duration: return axis.field(in: workload) == "run_seconds" ? "run duration" : "step duration"
        case .memory: return "memory"
        case .scale: return "workload scale"
        }
    }

    /// The x range a chart shows: the range searched when it was given (`--to`) or the axis is
    /// logarithmic; otherwise from the lower end to a round value past the last breakeven point
    /// and the workload's own value, so that the points are not squeezed against the left edge
    /// of a range 1,000 times the workload.
    public func chartRange(logScale: Bool) -> (Rational, Rational) {
        var low = lower
        if logScale && low <= .zero {
            low = integer ? .one : max(upper / Rational(1_000_000), Rational(1) / Rational(1000))
        }
        guard !upperGiven && !logScale else { return (low, upper) }
        var reach = points.map(\.at).max() ?? lower
        if let current { reach = max(reach, Rational(current)) }
        for switchPoint in planSwitches { reach = max(reach, switchPoint.at) }
        guard reach > lower else { return (low, upper) }
        // A quarter past the farthest point of interest, rounded up to a tenth-ish round step.
        let target = (lower + (reach - lower) * Rational(5) / Rational(4)).doubleValue
        let step = SVGChart.niceStep(target / 10)
        let nice = (target / step).rounded(.up) * step
        let high = Rational(Decimal(exactText: String(format: "%.6f", nice)) ?? 0)
        return (low, high > low && high < upper ? high : upper)
    }

    /// A chart of every option's cost along the axis, with the breakeven points, infeasible
    /// regions, plan switches, the cheapest option's strip and the workload's own value.
    ///
    /// - Parameters:
    ///   - range: the x range drawn; by default `chartRange(logScale:)`.
    ///   - logScale: a logarithmic x axis.
    /// - Complexity: O(pieces in range) per option.
    public func chart(range: (Rational, Rational)? = nil, logScale: Bool = false) -> SVGChart {
        let (low, high) = range ?? chartRange(logScale: logScale)
        var chart = SVGChart(title: "Monthly cost by \(axisWords): \(workload.name)",
                             xLabel: AxisText.axisName(axis, in: workload), xMin: low.doubleValue, xMax: high.doubleValue)
        chart.logX = logScale
        chart.logY = logScale
        chart.subtitle = "catalog \(catalog.name), platform \(platform?.id ?? "not given"); exact monthly cost in USD"
        chart.summary = verdict
        func color(_ option: Int) -> String { SVGChart.palette[option % SVGChart.palette.count] }

        for (index, curve) in curves.enumerated() {
            chart.series.append(SVGChart.Series(name: options[index].id, color: color(index),
                                                segments: segments(curve, from: low, to: high, logScale: logScale)))
        }
        if options.contains(where: { $0.plan == nil }) {
            chart.seriesNote = "a provider is drawn at its cheapest\nfeasible plan; labels on its line\nname the plan and each switch"
        }
        for point in points where point.at >= low && point.at <= high {
            let y = point.costAbove ?? point.costBelow
            chart.markers.append(SVGChart.Marker(x: point.at.doubleValue, y: y?.doubleValue, label: AxisText.short(point.at, integer: integer)))
        }
        for (index, curve) in curves.enumerated() {
            for band in infeasibleStretches(curve, from: low, to: high) {
                chart.infeasible.append(SVGChart.Band(from: band.0.doubleValue, to: band.1.doubleValue, color: color(index),
                                                      label: "\(options[index].id) infeasible"))
            }
        }
        for stretch in labelStretches(envelope, from: low, to: high) {
            chart.cheapest.append(SVGChart.Band(from: stretch.from.doubleValue, to: stretch.to.doubleValue,
                                                color: stretch.label.map(color), label: optionName(stretch.label)))
        }
        for (index, option) in options.enumerated() where option.plan == nil {
            let curve = curves[index]
            if let first = curve.pieces.first(where: { $0.isFeasible && $0.to > low && $0.from < high }), let label = first.label {
                let x = max(first.from, low)
                if let y = first.cost(at: x) {
                    chart.annotations.append(SVGChart.Annotation(point: .init(x: x.doubleValue, y: y.doubleValue),
                                                                 text: option.provider.plans[label].name, color: color(index)))
                }
            }
            for switchPoint in planSwitches where switchPoint.option == index && switchPoint.at > low && switchPoint.at <= high {
                if let y = curve.cost(at: switchPoint.at) {
                    chart.annotations.append(SVGChart.Annotation(point: .init(x: switchPoint.at.doubleValue, y: y.doubleValue),
                                                                 text: "→ \(switchPoint.to)", color: color(index)))
                }
            }
        }
        if let current, Rational(current) >= low, Rational(current) <= high {
            chart.current = (Rational(current).doubleValue, "the workload: \(AxisText.withUnit(Rational(current), axis))")
        }
        return chart
    }

    /// The curve as drawable segments: straight pieces by their ends (sampled on a log axis),
    /// vertical risers at jumps, a new segment after each infeasible stretch.
    func segments(_ curve: CostCurve, from low: Rational, to high: Rational, logScale: Bool) -> [[SVGChart.Point]] {
        var segments: [[SVGChart.Point]] = []
        var current: [SVGChart.Point] = []
        for piece in curve.pieces where piece.to > low && piece.from < high {
            guard piece.isFeasible else {
                if !current.isEmpty { segments.append(current) }
                current = []
                continue
            }
            let a = max(piece.from, low), b = piece.to < high ? piece.to : high
            var xs: [Rational] = [a, b]
            if logScale || !piece.isLinear {
                let count = 24
                let da = a.doubleValue, db = b.doubleValue
                xs = [a]
                for step in 1..<count {
                    let t = Double(step) / Double(count)
                    let x = logScale && da > 0 ? da * pow(db / da, t) : da + (db - da) * t
                    if let decimal = Decimal(exactText: String(format: "%.9g", x)), Rational(decimal) > a, Rational(decimal) < b {
                        xs.append(Rational(decimal))
                    }
                }
                xs.append(b)
            }
            let points = xs.compactMap { x in piece.cost(at: x).map { SVGChart.Point(x: x.doubleValue, y: $0.doubleValue) } }
            current += points
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    /// Stretches where the curve is infeasible, merged, inside [low, high].
    func infeasibleStretches(_ curve: CostCurve, from low: Rational, to high: Rational) -> [(Rational, Rational)] {
        stretches(curve, from: low, to: high, key: \.isFeasible).filter { !$0.key }.map { ($0.from, $0.to) }
    }

    /// Stretches of one label (the cheapest option), merged, inside [low, high].
    func labelStretches(_ curve: CostCurve, from low: Rational, to high: Rational) -> [(from: Rational, to: Rational, label: Int?)] {
        stretches(curve, from: low, to: high, key: \.label).map { ($0.from, $0.to, $0.key) }
    }

    /// The curve's pieces inside [low, high], consecutive pieces of the same key merged (the
    /// pieces of a curve are contiguous, so merged stretches are too).
    func stretches<Key: Equatable>(_ curve: CostCurve, from low: Rational, to high: Rational,
                                   key: (CostCurve.Piece) -> Key) -> [(from: Rational, to: Rational, key: Key)] {
        var stretches: [(from: Rational, to: Rational, key: Key)] = []
        for piece in curve.pieces where piece.to > low && piece.from < high {
            let a = max(piece.from, low), b = piece.to < high ? piece.to : high
            if let last = stretches.last, last.key == key(piece) {
                stretches[stretches.count - 1].to = b
            } else {
                stretches.append((a, b, key(piece)))
            }
        }
        return stretches
    }
}
