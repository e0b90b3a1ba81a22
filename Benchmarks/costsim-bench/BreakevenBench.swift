// `costsim-bench --mode breakeven`: times the breakeven analysis (issue 4) in process, on the
// seed fixture and on a generated workload of many jobs, along every axis against the default
// catalog, plus a 1,000-point sweep and `costsim breakeven` end to end. Not part of `swift test`.
//
//   swift build -c release --product costsim && swift build -c release --product costsim-bench
//   .build/release/costsim-bench --mode breakeven [--jobs 10000] [--repeat 5] [--costsim .build/release/costsim]
// (`--mode` must come first; `Benchmarks/run.sh --mode breakeven …` adds `--costsim` after the options.)
import CostModel
import Foundation
import Simulation
import Workload

enum BreakevenBenchmark {
    static func run(_ arguments: [String]) -> Int32 {
        var jobs = 10_000, repetitions = 5
        var costsim: String?
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--jobs": jobs = iterator.next().flatMap(Int.init) ?? jobs
            case "--repeat": repetitions = iterator.next().flatMap(Int.init) ?? repetitions
            case "--costsim": costsim = iterator.next()
            default:
                FileHandle.standardError.write(Data("usage: costsim-bench --mode breakeven [--jobs N] [--repeat N] [--costsim PATH]\n".utf8))
                return 64
            }
        }
        do {
            let root = benchRoot()
            let library = try PricingLibrary.load(roots: [root.appendingPathComponent("pricing")])
            let current = library.catalog(named: nil)!, seedCatalog = library.catalog(named: "seed-2025-01")!
            let seed = try Workload.load(path: root.appendingPathComponent("Fixtures/seed-article.yaml").path)
            let text = generateWorkload(jobs: jobs)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("costsim-bench-breakeven-\(jobs).yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let large = try Workload.parse(text, file: path)
            print("costsim-bench --mode breakeven: seed fixture and \(jobs) generated jobs, catalog \(current.name), median of \(repetitions) runs (seconds)")
            print("  axis      seed (seed catalog)  seed (\(current.name))  \(jobs) jobs  grid points (\(jobs) jobs)")
            for axis in WorkloadAxis.allCases {
                var points = 0
                let small = try time(repetitions) {
                    _ = try Breakeven.analyze(seed, catalog: seedCatalog, axis: axis, job: nil, options: [])
                }
                let seedCurrent = try time(repetitions) {
                    _ = try Breakeven.analyze(seed, catalog: current, axis: axis, job: nil, options: [])
                }
                let many = try time(repetitions) {
                    let result = try Breakeven.analyze(large, catalog: current, axis: axis, job: nil, options: [],
                                                       to: axis == .runs ? 100_000 : axis == .steps ? 50 : axis == .duration ? 600 : nil)
                    points = result.curves.map(\.grid.count).reduce(0, +)
                }
                print("  " + axis.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                      + String(format: "  %19.4f  %21.4f  %10.4f  %d", small, seedCurrent, many, points))
            }
            let sweep = try time(repetitions) {
                _ = try Sweep.run(large, catalog: current, axis: .scale, job: nil, options: [], from: Decimal(string: "0.1")!, to: 100,
                                  points: 1000, log: true)
            }
            print(String(format: "  sweep of 1,000 log-spaced scales on \(jobs) jobs: %.4f", sweep))
            if let costsim {
                let chart = FileManager.default.temporaryDirectory.appendingPathComponent("costsim-bench-breakeven.svg").path
                let endToEnd = try time(repetitions) {
                    try runProcess(costsim, ["breakeven", root.appendingPathComponent("Fixtures/seed-article.yaml").path,
                                             "--catalog", "seed-2025-01", "--axis", "runs", "--chart", chart])
                }
                let endToEndLarge = try time(repetitions) {
                    try runProcess(costsim, ["breakeven", path, "--axis", "scale", "--chart", chart])
                }
                print(String(format: "  costsim breakeven end to end: seed runs + chart %.4f; \(jobs) jobs scale + chart %.4f", endToEnd, endToEndLarge))
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("costsim-bench: \(error)\n".utf8))
            return 70
        }
    }
}
