import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// The seed article's argument as breakeven checks (issue 4): step-billed Inngest wins for many
/// short jobs, run-billed Trigger.dev for few runs or many steps.
@Suite("Breakeven: seed catalog")
struct BreakevenSeedTests {
    func seed() throws -> (Workload, Catalog) {
        (try Workload.load(path: S.fixture("seed-article.yaml")), try S.shippedCatalog())
    }

    @Test("3-step job: Trigger.dev Startup is cheaper than Inngest Startup below 1,000 runs/month and dearer above")
    func runsBreakevenAt1000() throws {
        let (workload, catalog) = try seed()
        let result = try Breakeven.analyze(workload, catalog: catalog, axis: .runs, job: nil,
                                           options: ["inngest/startup", "trigger-dev/startup"])
        #expect(result.points.count == 1)
        let point = try #require(result.points.first)
        #expect(point.at == Rational(1000))
        #expect(point.exact == Rational(1000))
        #expect(point.kind == .crossing)
        #expect(result.options[point.below!].id == "trigger-dev/startup")
        #expect(result.options[point.above!].id == "inngest/startup")
        #expect(point.costBelow == Rational(40) && point.costAbove == Rational(40))
        #expect(result.intervals.count == 2)
        #expect(result.intervals[0].from == Rational(0) && result.intervals[0].to == Rational(1000))
        #expect(result.options[result.intervals[0].cheapest!].id == "trigger-dev/startup")
        #expect(result.options[result.intervals[1].cheapest!].id == "inngest/startup")
        // Either side, evaluated by the engine.
        let trigger = result.curves[1], inngest = result.curves[0]
        #expect(trigger.cost(at: Rational(999))! < inngest.cost(at: Rational(999))!)
        #expect(trigger.cost(at: Rational(1001))! > inngest.cost(at: Rational(1001))!)
    }

    @Test("at 100,000 runs/month Trigger.dev Startup overtakes Inngest Startup only above 1,000 steps per run")
    func stepsBreakevenAt1000() throws {
        let (workload, catalog) = try seed()
        let result = try Breakeven.analyze(workload, catalog: catalog, axis: .steps, job: "high-frequency-job",
                                           options: ["inngest/startup", "trigger-dev/startup"])
        let point = try #require(result.points.first)
        #expect(result.points.count == 1)
        #expect(point.at == Rational(1000))
        #expect(point.costBelow == Rational(4000) && point.costAbove == Rational(4000))
        #expect(result.options[point.below!].id == "inngest/startup")
        #expect(result.options[point.above!].id == "trigger-dev/startup")
    }
}
