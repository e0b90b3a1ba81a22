import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

/// `Sweep`: the values it visits and the costs it reports (the same as `CostEngine`'s).
@Suite("Breakeven sweeps")
struct BreakevenSweepTests {
    func values(_ from: String, _ to: String, _ count: Int, log: Bool = false, integer: Bool = false) -> [String] {
        Sweep.spacedValues(from: Rational(S.d(from)), to: Rational(S.d(to)), count: count, log: log, integer: integer)
            .map { "\($0.exactDecimal!)" }
    }

    @Test("values: evenly spaced, whole on integer axes without repeats, geometric to 4 significant digits")
    func spacing() {
        #expect(values("0", "2000", 5) == ["0", "500", "1000", "1500", "2000"])
        #expect(values("0", "1", 4) == ["0", "0.333333", "0.666667", "1"])
        #expect(values("0", "3", 10, integer: true) == ["0", "1", "2", "3"])
        #expect(values("1", "1000000", 7, log: true) == ["1", "10", "100", "1000", "10000", "100000", "1000000"])
        #expect(values("1", "2", 3, log: true) == ["1", "1.414", "2"])
        #expect(values("1", "100", 5, log: true, integer: true) == ["1", "3", "10", "32", "100"])
    }

    @Test("every swept cost is CostEngine's exact cost at that value (seed workload: short decimals)")
    func costsMatchEngine() throws {
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        for axis in WorkloadAxis.allCases {
            let sweep = try Sweep.run(workload, catalog: try S.shippedCatalog("current-2026-11"), axis: axis, job: nil, options: [],
                                      from: axis == .steps ? 1 : 0, to: axis == .memory ? 20000 : 5000, points: 41)
            for (row, value) in sweep.values.enumerated() {
                for option in sweep.breakeven.options.indices {
                    let engine = BreakevenGenerator.engineCost(sweep.breakeven, option: option, at: value.exactDecimal!)
                    #expect(sweep.costs[row][option] == engine.map { Rational($0) }, "\(axis): \(sweep.breakeven.options[option].id) at \(value)")
                }
            }
        }
    }

    /// The saas fixture's runs come from runs_per_day × 730/24 and cron schedules: 38-digit
    /// decimals. `CostEngine` multiplies them in `Decimal`, which rounds every product back to 38
    /// digits, so its "exact" cost is itself off in the last digits; the curve keeps the exact
    /// fraction. They agree to 25 significant digits, and to the cent after rounding.
    @Test("on 38-digit workloads the curve and CostEngine agree to 25 digits and to the cent")
    func costsMatchEngineToTheCent() throws {
        let workload = try Workload.load(path: S.fixture("saas.yaml"))
        let sweep = try Sweep.run(workload, catalog: try S.shippedCatalog("current-2026-11"), axis: .scale, job: nil, options: [],
                                  from: S.d("0.5"), to: 60, points: 13)
        #expect(sweep.values.count == 13)
        for (row, value) in sweep.values.enumerated() {
            for option in sweep.breakeven.options.indices {
                let engine = BreakevenGenerator.engineCost(sweep.breakeven, option: option, at: value.exactDecimal!)
                guard let curve = sweep.costs[row][option], let engine else {
                    #expect(sweep.costs[row][option] == nil && engine == nil, "\(sweep.breakeven.options[option].id) at \(value): feasibility differs")
                    continue
                }
                let difference = curve - Rational(engine)
                let bound = Rational(engine).isZero ? Rational(1) / Rational(BigInt(10).power(25))
                    : (Rational(engine) < .zero ? -Rational(engine) : Rational(engine)) / Rational(BigInt(10).power(25))
                #expect((difference < .zero ? -difference : difference) <= bound, "\(sweep.breakeven.options[option].id) at \(value): \(curve) vs \(engine)")
                #expect(curve.decimal(scale: 2) == Money.round(engine))
            }
        }
    }

    @Test("--points and --log are checked")
    func errors() throws {
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let catalog = try S.shippedCatalog()
        #expect(throws: CostsimError.usage("--points 1: a sweep visits between 2 and 10,000 points", hint: "e.g. --points 21")) {
            try Sweep.run(workload, catalog: catalog, axis: .runs, job: nil, options: [], from: 0, to: 10, points: 1)
        }
        #expect(throws: CostsimError.usage("--log needs --from above 0 (a logarithmic axis never reaches 0), found --from 0", hint: "e.g. --from 1")) {
            try Sweep.run(workload, catalog: catalog, axis: .runs, job: nil, options: [], from: 0, to: 10, points: 5, log: true)
        }
    }
}
