import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CostModel
@testable import Reports
@testable import Simulation
@testable import Workload

/// The SVG chart: well-formed, self-contained, byte-stable, and carrying what a reader needs
/// (curves, legend, breakeven markers, infeasible regions, the cheapest strip).
@Suite("SVG charts")
struct SVGChartTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func catalog(_ name: String) throws -> Catalog {
        let library = try PricingLibrary.load(roots: [root.appendingPathComponent("pricing")])
        return try #require(library.catalog(named: name))
    }

    static func workload(_ name: String) throws -> Workload {
        try Workload.load(path: root.appendingPathComponent("Fixtures/\(name).yaml").path)
    }

    static func seedRuns() throws -> Breakeven {
        try Breakeven.analyze(try workload("seed-article"), catalog: try catalog("seed-2025-01"), axis: .runs, job: nil,
                              options: ["inngest/startup", "trigger-dev/startup"], to: 2000)
    }

    /// Parses the document as XML; returns the element names in order.
    static func elements(_ svg: String) throws -> [String] {
        final class Collector: NSObject, XMLParserDelegate {
            var names: [String] = []
            func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                names.append(elementName)
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        return collector.names
    }

    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("the seed chart is well-formed SVG with one curve per option, a legend, a marker and the cheapest strip")
    func seedChartContents() throws {
        let result = try Self.seedRuns()
        let svg = result.chart().render()
        let names = try Self.elements(svg)
        #expect(names.first == "svg")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        // Self-contained: no scripts, external images, fonts or links.
        for forbidden in ["<script", "<image", "href=", "@import", "url(http"] { #expect(!svg.contains(forbidden)) }
        #expect(count("<path d=", in: svg) == 2)
        #expect(svg.contains(">inngest/startup</text>") && svg.contains(">trigger-dev/startup</text>"))
        #expect(svg.contains(">1,000</text>"), "the breakeven point is labelled")
        #expect(svg.contains(">trigger-dev/startup<title>") || svg.contains("<title>trigger-dev/startup</title>"))
        #expect(count("stroke-dasharray=\"5,4\"", in: svg) == 2, "one breakeven line plus its legend key")
        #expect(svg.contains(">cheapest</text>"))
        #expect(svg.contains(">runs per month of job high-frequency-job (runs_per_month)</text>"))
        #expect(svg.contains(">$40</text>") && svg.contains(">2,000</text>"))
        #expect(!svg.lowercased().contains("nan") && !svg.contains("inf\""))
        #expect(svg.contains("<desc id=\"chart-summary\">Cheapest: trigger-dev/startup from 0 to 1,000; inngest/startup from 1,000 to 2,000 (runs/month).</desc>"))
    }

    @Test("rendering is byte-stable")
    func deterministic() throws {
        let first = try Self.seedRuns().chart().render()
        let second = try Self.seedRuns().chart().render()
        #expect(first == second)
    }

    @Test("the marker sits on the crossing: x at 1,000 runs, y at $40")
    func markerPosition() throws {
        let result = try Self.seedRuns()
        let chart = result.chart()
        #expect(chart.markers.count == 1)
        #expect(chart.markers[0].x == 1000 && chart.markers[0].y == 40)
        let scale = chart.yScale
        #expect(scale.low == 0 && scale.high == 100)
        // The dot is drawn there, on Inngest Startup's flat $40 line.
        let y = chart.f(chart.sy(40, scale))
        let svg = chart.render()
        #expect(svg.contains("cx=\"\(chart.f(chart.sx(1000)))\" cy=\"\(y)\""))
        #expect(svg.contains("<path d=\"M\(chart.f(chart.sx(0))),\(y) L\(chart.f(chart.sx(2000))),\(y)\""))
    }

    @Test("infeasible regions are hatched and labelled; the strip shows no option where none is feasible")
    func infeasibleRegions() throws {
        let result = try Breakeven.analyze(try Self.workload("pdf-generation"), catalog: try Self.catalog("seed-2025-01"),
                                           axis: .duration, job: nil, options: [])
        let chart = result.chart()
        #expect(chart.infeasible.count == 1 && chart.infeasible[0].from == 10 && chart.infeasible[0].label == "inngest infeasible")
        let svg = chart.render()
        #expect(svg.contains("fill=\"url(#hatch-0)\""))
        #expect(svg.contains(">inngest infeasible</text>"))
        #expect(svg.contains(">option infeasible there</text>"))
        #expect(svg.contains(">the workload: 45 s</text>"))
        _ = try Self.elements(svg)
    }

    @Test("a logarithmic chart has decade ticks on both axes and says so")
    func logarithmic() throws {
        let result = try Breakeven.analyze(try Self.workload("seed-article"), catalog: try Self.catalog("seed-2025-01"), axis: .runs,
                                           job: nil, options: [], from: 1, to: 10_000_000)
        let chart = result.chart(logScale: true)
        #expect(chart.xTicks() == [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000])
        #expect(chart.yTicks(chart.yScale).first == 10)
        let svg = chart.render()
        #expect(svg.contains("(logarithmic scale)</text>"))
        #expect(svg.contains(">10M</text>") && svg.contains(">$1,000</text>"))
        _ = try Self.elements(svg)
    }

    @Test("text is escaped for XML")
    func escaping() throws {
        var chart = SVGChart(title: "R&D <jobs> \"quoted\"", xLabel: "a < b", xMin: 0, xMax: 10)
        chart.series = [.init(name: "x&y", color: SVGChart.palette[0], segments: [[.init(x: 0, y: 1), .init(x: 10, y: 2)]])]
        let svg = chart.render()
        #expect(svg.contains("R&amp;D &lt;jobs&gt; &quot;quoted&quot;"))
        #expect(svg.contains(">x&amp;y</text>"))
        _ = try Self.elements(svg)
    }

    @Test("tick labels: grouped below 10,000, then k, M and B; money with $")
    func tickFormat() {
        #expect(SVGChart.format(2500, .number) == "2,500")
        #expect(SVGChart.format(12500, .number) == "12.5k")
        #expect(SVGChart.format(1_500_000, .number) == "1.5M")
        #expect(SVGChart.format(2e9, .number) == "2B")
        #expect(SVGChart.format(0.25, .number) == "0.25")
        #expect(SVGChart.format(40, .money) == "$40")
        #expect(SVGChart.format(25000, .money) == "$25k")
        #expect(SVGChart.niceStep(0.7) == 1 && SVGChart.niceStep(1.3) == 2 && SVGChart.niceStep(2.2) == 2.5 && SVGChart.niceStep(3) == 5)
    }

    @Test("the default chart range reaches a round value past the last point and the workload, not the whole search range")
    func autoRange() throws {
        let result = try Breakeven.analyze(try Self.workload("seed-article"), catalog: try Self.catalog("seed-2025-01"), axis: .steps,
                                           job: nil, options: [])
        #expect(result.upper == Rational(3000))
        let (low, high) = result.chartRange(logScale: false)
        #expect(low == Rational(1) && high == Rational(800))
        let given = try Breakeven.analyze(try Self.workload("seed-article"), catalog: try Self.catalog("seed-2025-01"), axis: .steps,
                                          job: nil, options: [], to: 3000)
        #expect(given.chartRange(logScale: false).1 == Rational(3000))
    }
}
