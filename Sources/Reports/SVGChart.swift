import CostModel
import Foundation

/// A line chart of cost curves as a self-contained SVG document (no scripts, fonts or links):
/// labelled axes (x linear or logarithmic), a legend, breakeven markers, hatched infeasible
/// regions, a strip naming the cheapest option along the axis, and the workload's own value.
///
/// Coordinates are computed in `Double` (drawing only; every figure in the reports is exact)
/// and written with one decimal, so the same chart gives the same bytes.
///
/// ```swift
/// var chart = SVGChart(title: "Monthly cost", xLabel: "runs per month", xMin: 0, xMax: 2000)
/// chart.series = [.init(name: "inngest", color: SVGChart.palette[0], segments: [[.init(x: 0, y: 40), .init(x: 2000, y: 40)]])]
/// chart.render()   // "<svg xmlns=…"
/// ```
public struct SVGChart: Sendable {
    /// A point in data coordinates (axis value, cost).
    public struct Point: Sendable, Equatable {
        /// Axis value.
        public var x: Double
        /// Monthly cost.
        public var y: Double
        /// A point at (x, y).
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    /// One option's curve: continuous segments (a jump or an infeasible stretch starts a new one).
    public struct Series: Sendable {
        /// The option's name, as in the legend.
        public var name: String
        /// The line colour (`#0072B2`).
        public var color: String
        /// Continuous runs of points.
        public var segments: [[Point]]
        /// A named, coloured curve.
        public init(name: String, color: String, segments: [[Point]]) {
            self.name = name
            self.color = color
            self.segments = segments
        }
    }

    /// A breakeven point: a dashed vertical line, a dot at the cost, a label above the plot.
    public struct Marker: Sendable {
        /// Where the change happens.
        public var x: Double
        /// The cost there, for the dot; nil draws only the line.
        public var y: Double?
        /// The value written above the plot.
        public var label: String
        /// A marker at x.
        public init(x: Double, y: Double?, label: String) { self.x = x; self.y = y; self.label = label }
    }

    /// A stretch of the axis, coloured: an option's infeasible region (hatched over the plot),
    /// or the option cheapest there (in the strip under the axis).
    public struct Band: Sendable {
        /// Where the stretch starts.
        public var from: Double
        /// Where it ends.
        public var to: Double
        /// The option's colour; nil for grey (no option).
        public var color: String?
        /// The text shown on or beside it.
        public var label: String
        /// A stretch from `from` to `to`.
        public init(from: Double, to: Double, color: String?, label: String) {
            self.from = from
            self.to = to
            self.color = color
            self.label = label
        }
    }

    /// A short text at a point of a curve (a plan switch).
    public struct Annotation: Sendable {
        /// Where, in data coordinates.
        public var point: Point
        /// What it says (`→ pro`).
        public var text: String
        /// Its colour.
        public var color: String
        /// A note at a point.
        public init(point: Point, text: String, color: String) { self.point = point; self.text = text; self.color = color }
    }

    /// How axis values are written in tick labels.
    public enum ValueStyle: Sendable { case number, money }

    /// Colour-blind-safe (Okabe–Ito) line colours, in option order.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933"]

    /// The heading.
    public var title: String
    /// A line under the heading (catalog, platform).
    public var subtitle: String = ""
    /// Read by screen readers and shown as a tooltip: the verdict in words.
    public var summary: String = ""
    /// The x axis's label.
    public var xLabel: String
    /// The cost axis's label.
    public var yLabel: String = "monthly cost (USD)"
    /// The x range drawn: lower end.
    public var xMin: Double
    /// The x range drawn: upper end.
    public var xMax: Double
    /// A logarithmic x axis (xMin must be above 0).
    public var logX: Bool = false
    /// A logarithmic cost axis (with a logarithmic x axis, cost curves spanning decades stay readable).
    public var logY: Bool = false
    /// One curve per option.
    public var series: [Series] = []
    /// The breakeven points.
    public var markers: [Marker] = []
    /// Hatched regions where an option is infeasible.
    public var infeasible: [Band] = []
    /// The strip under the axis naming the cheapest option along it.
    public var cheapest: [Band] = []
    /// Notes on the curves (plan names and switches).
    public var annotations: [Annotation] = []
    /// The workload's own value on the axis, and its label.
    public var current: (x: Double, label: String)?
    /// Extra legend entries' wording.
    public var seriesNote: String = ""

    /// An empty chart of the given range.
    public init(title: String, xLabel: String, xMin: Double, xMax: Double) {
        self.title = title
        self.xLabel = xLabel
        self.xMin = xMin
        self.xMax = xMax
    }

    // Layout, in pixels.
    static let width = 980.0, height = 570.0
    static let left = 92.0, top = 100.0, plotWidth = 630.0, plotHeight = 340.0
    var right: Double { Self.left + Self.plotWidth }
    var bottom: Double { Self.top + Self.plotHeight }

    /// The cost axis: from 0 (or, logarithmic, the decade below the lowest positive cost) to
    /// the highest cost drawn rounded up to a tick.
    struct YScale {
        var low: Double
        var high: Double
        var log: Bool
    }

    var yScale: YScale {
        let values = series.flatMap { $0.segments.flatMap { $0.map(\.y) } }
        let highest = max(values.max() ?? 0, 1)
        if logY {
            let lowest = values.filter { $0 > 0 }.min() ?? 1
            let low = pow(10, log10(max(lowest, 0.01)).rounded(.down))
            let high = pow(10, log10(highest).rounded(.up))
            return YScale(low: low, high: high > low ? high : low * 10, log: true)
        }
        let step = Self.niceStep(highest * 1.05 / 5)
        return YScale(low: 0, high: max(step, (highest * 1.05 / step).rounded(.up) * step), log: false)
    }

    func sx(_ x: Double) -> Double {
        let fraction = logX ? (log10(x) - log10(xMin)) / (log10(xMax) - log10(xMin)) : (x - xMin) / (xMax - xMin)
        return Self.left + fraction * Self.plotWidth
    }

    /// Costs below the axis's lowest value (zero on a logarithmic axis) sit on its bottom edge.
    func sy(_ y: Double, _ scale: YScale) -> Double {
        let fraction = scale.log ? (log10(max(y, scale.low)) - log10(scale.low)) / (log10(scale.high) - log10(scale.low))
                                 : (y - scale.low) / (scale.high - scale.low)
        return bottom - fraction * Self.plotHeight
    }

    /// The SVG document, ending in a newline.
    /// - Complexity: O(points drawn).
    public func render() -> String {
        let yScale = self.yScale
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" "
        svg += "viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" font-family=\"Helvetica, Arial, sans-serif\" "
        svg += "role=\"img\" aria-labelledby=\"chart-title chart-summary\">\n"
        svg += "<title id=\"chart-title\">\(Self.escape(title))</title>\n"
        svg += "<desc id=\"chart-summary\">\(Self.escape(summary))</desc>\n"
        svg += "<defs>\n<clipPath id=\"plot-area\"><rect x=\"\(f(Self.left))\" y=\"\(f(Self.top))\" width=\"\(f(Self.plotWidth))\" height=\"\(f(Self.plotHeight))\"/></clipPath>\n"
        for (index, color) in Self.hatchColors(self).enumerated() {
            svg += "<pattern id=\"hatch-\(index)\" patternUnits=\"userSpaceOnUse\" width=\"9\" height=\"9\" patternTransform=\"rotate(45)\">"
            svg += "<rect width=\"9\" height=\"9\" fill=\"\(color)\" fill-opacity=\"0.06\"/>"
            svg += "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"9\" stroke=\"\(color)\" stroke-width=\"3\" stroke-opacity=\"0.28\"/></pattern>\n"
        }
        svg += "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        svg += text(x: 24, y: 34, title, size: 19, weight: "bold")
        if !subtitle.isEmpty { svg += text(x: 24, y: 58, subtitle, size: 13, color: "#555555") }

        svg += "<g id=\"infeasible\">\n" + drawInfeasible() + "</g>\n"
        svg += "<g id=\"grid\">\n" + drawGrid(yScale) + "</g>\n"
        svg += "<g id=\"curves\" clip-path=\"url(#plot-area)\">\n" + drawCurves(yScale) + "</g>\n"
        svg += "<g id=\"breakeven\">\n" + drawMarkers(yScale) + "</g>\n"
        svg += "<g id=\"annotations\">\n" + drawAnnotations(yScale) + "</g>\n"
        svg += "<g id=\"workload\">\n" + drawCurrent() + "</g>\n"
        svg += "<g id=\"axes\">\n" + drawAxes(yScale) + "</g>\n"
        svg += "<g id=\"cheapest\">\n" + drawCheapest() + "</g>\n"
        svg += "<g id=\"legend\">\n" + drawLegend() + "</g>\n"
        return svg + "</svg>\n"
    }

    /// The colours of the hatch patterns: one per infeasible band colour, plus grey.
    static func hatchColors(_ chart: SVGChart) -> [String] {
        var colors: [String] = []
        for band in chart.infeasible + chart.cheapest {
            let color = band.color ?? "#888888"
            if !colors.contains(color) { colors.append(color) }
        }
        if !colors.contains("#888888") { colors.append("#888888") }
        return colors
    }

    func hatch(_ color: String?) -> String {
        let index = Self.hatchColors(self).firstIndex(of: color ?? "#888888") ?? 0
        return "url(#hatch-\(index))"
    }

    func drawInfeasible() -> String {
        var out = ""
        var row = [Double]()
        for band in infeasible {
            let x0 = sx(max(band.from, xMin)), x1 = sx(min(band.to, xMax))
            guard x1 > x0 else { continue }
            out += "<rect x=\"\(f(x0))\" y=\"\(f(Self.top))\" width=\"\(f(max(x1 - x0, 1.5)))\" height=\"\(f(Self.plotHeight))\" fill=\"\(hatch(band.color))\"/>\n"
            // Labels stack downwards so two options' labels never overlap.
            var level = 0
            while level < row.count && row[level] > x0 { level += 1 }
            if level == row.count { row.append(0) }
            let labelWidth = Double(band.label.count) * 6.4 + 8
            row[level] = x0 + labelWidth
            let anchorRight = x0 + labelWidth > right
            out += text(x: anchorRight ? min(x1, right) - 4 : x0 + 4, y: Self.top + 16 + Double(level) * 15, band.label,
                        size: 11.5, color: band.color ?? "#555555", anchor: anchorRight ? "end" : "start", weight: "bold")
        }
        return out
    }

    func drawGrid(_ yScale: YScale) -> String {
        var out = ""
        for tick in yTicks(yScale) {
            out += "<line x1=\"\(f(Self.left))\" y1=\"\(f(sy(tick, yScale)))\" x2=\"\(f(right))\" y2=\"\(f(sy(tick, yScale)))\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n"
        }
        for tick in xTicks() {
            out += "<line x1=\"\(f(sx(tick)))\" y1=\"\(f(Self.top))\" x2=\"\(f(sx(tick)))\" y2=\"\(f(bottom))\" stroke=\"#f0f0f0\" stroke-width=\"1\"/>\n"
        }
        return out
    }

    func drawCurves(_ yScale: YScale) -> String {
        var out = ""
        for item in series {
            var path = ""
            for segment in item.segments where !segment.isEmpty {
                for (index, point) in segment.enumerated() {
                    path += (index == 0 ? (path.isEmpty ? "M" : " M") : " L") + "\(f(sx(point.x))),\(f(sy(point.y, yScale)))"
                }
                if segment.count == 1 { path += " l0.01,0" }
            }
            guard !path.isEmpty else { continue }
            out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"2.6\" stroke-linejoin=\"round\" stroke-linecap=\"round\"><title>\(Self.escape(item.name))</title></path>\n"
        }
        return out
    }

    func drawMarkers(_ yScale: YScale) -> String {
        var out = ""
        var lastLabelEnd = [-Double.infinity, -Double.infinity]
        for marker in markers {
            let x = sx(marker.x)
            out += "<line x1=\"\(f(x))\" y1=\"\(f(Self.top))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\" stroke=\"#333333\" stroke-width=\"1.2\" stroke-dasharray=\"5,4\"/>\n"
            if let y = marker.y {
                out += "<circle cx=\"\(f(x))\" cy=\"\(f(sy(y, yScale)))\" r=\"5.5\" fill=\"#ffffff\" stroke=\"#222222\" stroke-width=\"2\"/>\n"
            }
            // Labels alternate between two rows when they would collide; the rest stay unlabelled.
            let width = Double(marker.label.count) * 6.2 + 10
            guard let row = (0..<2).first(where: { lastLabelEnd[$0] < x - width / 2 }) else { continue }
            lastLabelEnd[row] = x + width / 2
            out += text(x: x, y: Self.top - 8 - Double(row) * 15, marker.label, size: 11.5, color: "#222222", anchor: "middle", weight: "bold")
        }
        return out
    }

    /// A label's box, for keeping labels apart.
    struct Box {
        var x0, y0, x1, y1: Double
        func overlaps(_ other: Box) -> Bool { x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1 }
    }

    /// Where the workload's own label goes: beside its line, at the bottom of the plot, else at
    /// the top, else in the middle, wherever no curve passes.
    var currentLabelBox: Box? {
        guard let current, current.x >= xMin, current.x <= xMax else { return nil }
        let x = sx(current.x), width = Double(current.label.count) * 6.3
        let anchorEnd = x > right - width - 10
        let x0 = anchorEnd ? x - 5 - width : x + 5
        let rows = [bottom - 20, Self.top + 4 + Double(infeasibleLabelRows) * 15, Self.top + Self.plotHeight / 2]
        let boxes = rows.map { Box(x0: x0, y0: $0, x1: x0 + width, y1: $0 + 16) }
        return boxes.first { !curvesCross($0) } ?? boxes[0]
    }

    /// How many rows of infeasible-region labels the top of the plot holds.
    var infeasibleLabelRows: Int {
        var ends: [Double] = []
        for band in infeasible {
            let x0 = sx(max(band.from, xMin))
            guard sx(min(band.to, xMax)) > x0 else { continue }
            var level = 0
            while level < ends.count && ends[level] > x0 { level += 1 }
            if level == ends.count { ends.append(0) }
            ends[level] = x0 + Double(band.label.count) * 6.4 + 8
        }
        return ends.count
    }

    /// True when a drawn curve passes through the box (checked at a few x positions).
    func curvesCross(_ box: Box) -> Bool {
        let yScale = self.yScale
        for item in series {
            for segment in item.segments {
                for (a, b) in zip(segment, segment.dropFirst()) {
                    let xa = sx(a.x), xb = sx(b.x)
                    guard xb >= box.x0 && xa <= box.x1 else { continue }
                    for t in stride(from: 0.0, through: 1.0, by: 0.125) {
                        let x = xa + (xb - xa) * t
                        guard x >= box.x0 && x <= box.x1 else { continue }
                        let y = sy(a.y + (b.y - a.y) * t, yScale)
                        if y >= box.y0 - 3 && y <= box.y1 + 3 { return true }
                    }
                }
            }
        }
        return false
    }

    func drawAnnotations(_ yScale: YScale) -> String {
        var out = ""
        var placed: [Box] = currentLabelBox.map { [$0] } ?? []
        for note in annotations {
            let x = sx(note.point.x), y = sy(note.point.y, yScale)
            guard x >= Self.left && x <= right else { continue }
            out += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3.5\" fill=\"\(note.color)\"/>\n"
            // Above-right of the dot, else below-right, else above-left; dropped if all collide.
            let width = Double(note.text.count) * 6.2 + 4
            let candidates = [(x + 6, y - 18, "start"), (x + 6, y + 4, "start"), (x - 6 - width, y - 18, "end"), (x - 6 - width, y + 4, "end"),
                              (x + 6, y - 32, "start"), (x + 6, y + 18, "start")]
            let boxes = candidates.map { (Box(x0: $0.0, y0: $0.1, x1: $0.0 + width, y1: $0.1 + 14), $0.2) }.filter { box, _ in
                box.x0 >= Self.left + 2 && box.x1 <= right && box.y0 >= Self.top && box.y1 <= bottom - 2
                    && !placed.contains(where: { $0.overlaps(box) })
            }
            // Prefer a place no curve crosses; else any free place.
            if let (box, anchor) = boxes.first(where: { !curvesCross($0.0) }) ?? boxes.first {
                placed.append(box)
                out += text(x: anchor == "start" ? box.x0 : box.x1, y: box.y0 + 11, note.text, size: 11, color: note.color, anchor: anchor)
            }
        }
        return out
    }

    func drawCurrent() -> String {
        guard let current, current.x >= xMin, current.x <= xMax else { return "" }
        let x = sx(current.x)
        var out = "<line x1=\"\(f(x))\" y1=\"\(f(Self.top))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\" stroke=\"#555555\" stroke-width=\"1.5\" stroke-dasharray=\"1.5,3.5\"/>\n"
        if let box = currentLabelBox {
            let anchorEnd = box.x1 < x
            out += "<rect x=\"\(f(box.x0 - 2))\" y=\"\(f(box.y0))\" width=\"\(f(box.x1 - box.x0 + 4))\" height=\"\(f(box.y1 - box.y0))\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>\n"
            out += text(x: anchorEnd ? box.x1 : box.x0, y: box.y1 - 4, current.label, size: 11.5, color: "#333333", anchor: anchorEnd ? "end" : "start")
        }
        return out
    }

    func drawAxes(_ yScale: YScale) -> String {
        var out = "<line x1=\"\(f(Self.left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\" stroke=\"#333333\" stroke-width=\"1.2\"/>\n"
        out += "<line x1=\"\(f(Self.left))\" y1=\"\(f(Self.top))\" x2=\"\(f(Self.left))\" y2=\"\(f(bottom))\" stroke=\"#333333\" stroke-width=\"1.2\"/>\n"
        for tick in yTicks(yScale) {
            let y = sy(tick, yScale)
            out += "<line x1=\"\(f(Self.left - 5))\" y1=\"\(f(y))\" x2=\"\(f(Self.left))\" y2=\"\(f(y))\" stroke=\"#333333\"/>\n"
            out += text(x: Self.left - 9, y: y + 4, Self.format(tick, .money), size: 12, color: "#333333", anchor: "end")
        }
        for tick in xTicks() {
            let x = sx(tick)
            out += "<line x1=\"\(f(x))\" y1=\"\(f(bottom))\" x2=\"\(f(x))\" y2=\"\(f(bottom + 5))\" stroke=\"#333333\"/>\n"
            out += text(x: x, y: bottom + 20, Self.format(tick, .number), size: 12, color: "#333333", anchor: "middle")
        }
        out += text(x: Self.left + Self.plotWidth / 2, y: bottom + 44, xLabel + (logX ? " (logarithmic scale)" : ""),
                    size: 13.5, color: "#222222", anchor: "middle")
        let yLabelX = 24.0, yLabelY = Self.top + Self.plotHeight / 2
        let label = yLabel + (logY ? " (logarithmic scale)" : "")
        out += "<text x=\"\(f(yLabelX))\" y=\"\(f(yLabelY))\" font-size=\"13.5\" fill=\"#222222\" text-anchor=\"middle\" transform=\"rotate(-90 \(f(yLabelX)) \(f(yLabelY)))\">\(Self.escape(label))</text>\n"
        return out
    }

    func drawCheapest() -> String {
        guard !cheapest.isEmpty else { return "" }
        let y = bottom + 62, height = 22.0
        var out = text(x: Self.left - 9, y: y + 15, "cheapest", size: 12, color: "#333333", anchor: "end", weight: "bold")
        for band in cheapest {
            let x0 = sx(max(band.from, xMin)), x1 = sx(min(band.to, xMax))
            guard x1 > x0 else { continue }
            let fill = band.color ?? hatch(nil)
            out += "<rect x=\"\(f(x0))\" y=\"\(f(y))\" width=\"\(f(x1 - x0))\" height=\"\(f(height))\" fill=\"\(fill)\" fill-opacity=\"\(band.color == nil ? "1" : "0.88")\" stroke=\"#ffffff\" stroke-width=\"1\"><title>\(Self.escape(band.label))</title></rect>\n"
            if Double(band.label.count) * 6.6 + 8 < x1 - x0 {
                out += text(x: (x0 + x1) / 2, y: y + 15, band.label, size: 11.5, color: band.color == nil ? "#333333" : "#ffffff",
                            anchor: "middle", weight: "bold")
            }
        }
        return out
    }

    func drawLegend() -> String {
        let x = right + 26
        var y = Self.top + 6
        var out = text(x: x, y: y, "options", size: 12, color: "#555555", weight: "bold")
        y += 20
        for item in series {
            out += "<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 26))\" y2=\"\(f(y - 4))\" stroke=\"\(item.color)\" stroke-width=\"3\" stroke-linecap=\"round\"/>\n"
            out += text(x: x + 34, y: y, item.name, size: 13, color: "#222222")
            y += 21
        }
        if !seriesNote.isEmpty {
            for line in seriesNote.split(separator: "\n") {
                out += text(x: x, y: y, String(line), size: 11, color: "#666666")
                y += 14
            }
        }
        y += 12
        out += text(x: x, y: y, "key", size: 12, color: "#555555", weight: "bold")
        y += 20
        out += "<line x1=\"\(f(x + 13))\" y1=\"\(f(y - 13))\" x2=\"\(f(x + 13))\" y2=\"\(f(y + 3))\" stroke=\"#333333\" stroke-width=\"1.2\" stroke-dasharray=\"5,4\"/>"
        out += "<circle cx=\"\(f(x + 13))\" cy=\"\(f(y - 5))\" r=\"4\" fill=\"#ffffff\" stroke=\"#222222\" stroke-width=\"1.6\"/>\n"
        out += text(x: x + 34, y: y, "cheapest option changes", size: 12, color: "#222222")
        if !infeasible.isEmpty {
            y += 22
            out += "<rect x=\"\(f(x))\" y=\"\(f(y - 13))\" width=\"26\" height=\"16\" fill=\"\(hatch(nil))\" stroke=\"#bbbbbb\" stroke-width=\"0.8\"/>\n"
            out += text(x: x + 34, y: y, "option infeasible there", size: 12, color: "#222222")
        }
        if currentLabelBox != nil {
            y += 22
            out += "<line x1=\"\(f(x + 13))\" y1=\"\(f(y - 14))\" x2=\"\(f(x + 13))\" y2=\"\(f(y + 3))\" stroke=\"#555555\" stroke-width=\"1.5\" stroke-dasharray=\"1.5,3.5\"/>\n"
            out += text(x: x + 34, y: y, "the workload as it is", size: 12, color: "#222222")
        }
        return out
    }

    func text(x: Double, y: Double, _ content: String, size: Double, color: String = "#222222", anchor: String = "start",
              weight: String? = nil) -> String {
        var out = "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\" fill=\"\(color)\""
        if anchor != "start" { out += " text-anchor=\"\(anchor)\"" }
        if let weight { out += " font-weight=\"\(weight)\"" }
        return out + ">\(Self.escape(content))</text>\n"
    }

    // MARK: Ticks and numbers

    func yTicks(_ scale: YScale) -> [Double] {
        if scale.log {
            var ticks: [Double] = []
            var decade = scale.low
            let multiples: [Double] = scale.high / scale.low <= 1000 ? [1, 2, 5] : [1]
            for _ in 0..<40 where decade <= scale.high * 1.000_001 {
                for multiple in multiples where decade * multiple <= scale.high * 1.000_001 { ticks.append(decade * multiple) }
                decade *= 10
            }
            return ticks
        }
        let step = Self.niceStep(scale.high / 5)
        return (0...Int((scale.high / step).rounded(.down))).map { Double($0) * step }
    }

    func xTicks() -> [Double] {
        if logX {
            var ticks: [Double] = []
            var decade = pow(10, (log10(xMin)).rounded(.down))
            let multiples: [Double] = log10(xMax / xMin) < 2.5 ? [1, 2, 5] : [1]
            for _ in 0..<40 {
                for multiple in multiples {
                    let tick = decade * multiple
                    if tick >= xMin * 0.999_999 && tick <= xMax * 1.000_001 { ticks.append(tick) }
                }
                decade *= 10
                if decade > xMax { break }
            }
            return ticks
        }
        let step = Self.niceStep((xMax - xMin) / 7)
        let first = (xMin / step).rounded(.up)
        let last = (xMax / step).rounded(.down)
        guard first <= last else { return [xMin, xMax] }
        return (0...Int(last - first)).map { (first + Double($0)) * step }
    }

    /// 1, 2, 2.5 or 5 × 10^k, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 && raw.isFinite else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        for multiple in [1.0, 2.0, 2.5, 5.0, 10.0] where multiple * magnitude >= raw * 0.999_999 {
            return multiple * magnitude
        }
        return 10 * magnitude
    }

    /// `2,500`, `12.5k`, `1.5M`, `0.25`; money with a `$`.
    static func format(_ value: Double, _ style: ValueStyle) -> String {
        let magnitude = abs(value)
        var text: String
        switch magnitude {
        case 1e9...: text = trimmed(value / 1e9) + "B"
        case 1e6...: text = trimmed(value / 1e6) + "M"
        case 1e4...: text = trimmed(value / 1e3) + "k"
        default:
            text = trimmed(value)
            if !text.contains(".") && magnitude >= 1000 {
                text = NumberFormat.grouped(text)
            }
        }
        return style == .money ? (text.hasPrefix("-") ? "-$" + text.dropFirst() : "$" + text) : text
    }

    static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// One decimal, never `-0.0`.
    func f(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        return text == "-0.0" ? "0.0" : text
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
