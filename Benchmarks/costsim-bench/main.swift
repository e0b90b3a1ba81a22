// costsim-bench: times costsim on a generated 10,000-job workload against the whole catalog,
// side by side with `costsim compare` on the seed fixture, in one run.
//
//   swift build -c release && .build/release/costsim-bench [--jobs 10000] [--repeat 5]
//
// Reports medians and ratios (absolute times on shared 2-core machines are noisy).
import CostModel
import Foundation
import Reports
import Simulation
import Workload

struct Options {
    var jobs = 10_000
    var repetitions = 5
    var costsim: String?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--jobs": jobs = iterator.next().flatMap(Int.init) ?? jobs
            case "--repeat": repetitions = iterator.next().flatMap(Int.init) ?? repetitions
            case "--costsim": costsim = iterator.next()
            default:
                FileHandle.standardError.write(Data("usage: costsim-bench [--jobs N] [--repeat N] [--costsim PATH]\n".utf8))
                exit(64)
            }
        }
    }
}

/// A deterministic synthetic workload: varied volumes, steps, durations, memory and retries.
func generateWorkload(jobs: Int) -> String {
    var generator = SplitMix64(seed: 0x9E3779B97F4A7C15)
    func next(_ bound: Int) -> Int { Int(generator.next() % UInt64(bound)) }
    var text = "version: 1\nname: bench-\(jobs)\nplatform: vercel/pro\ndefaults: {memory_mb: 1024}\njobs:\n"
    let memories = [256, 512, 1024, 2048, 4096]
    for index in 0..<jobs {
        text += "  - name: job-\(index)\n"
        switch next(4) {
        case 0: text += "    runs_per_month: \(1 + next(2_000_000))\n"
        case 1: text += "    runs_per_day: \(1 + next(5_000))\n"
        case 2: text += "    runs_per_hour: \(1 + next(500))\n"
        default: text += "    schedule: \"*/\(1 + next(59)) * * * *\"\n"
        }
        let steps = 1 + next(8)
        text += "    steps_per_run: \(steps)\n"
        if steps > 1 && next(3) == 0 { text += "    sleeps_per_run: 1\n" }
        text += "    step_seconds: \(1 + next(40)).\(next(10))\n"
        if next(4) == 0 { text += "    memory_mb: \(memories[next(memories.count)])\n" }
        if next(3) == 0 { text += "    retry_rate: 0.0\(1 + next(9))\n" }
        if next(5) == 0 { text += "    events_per_run: \(next(4))\n" }
    }
    return text
}

/// The middle value (the upper one of an even count); 0 for no values.
func median<T: Comparable & AdditiveArithmetic>(_ values: [T]) -> T {
    guard !values.isEmpty else { return .zero }
    return values.sorted()[values.count / 2]
}

/// The package's root folder (this file is Benchmarks/costsim-bench/main.swift). A function:
/// the modes run before this file's globals are set up.
func benchRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

func time(_ repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<repetitions {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return median(samples)
}

func runProcess(_ path: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "costsim-bench", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "\(path) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)"])
    }
}

// `--mode NAME` (first): the Monte Carlo benchmark (SimulateBench.swift), breakeven analysis
// and sweeps (BreakevenBench.swift) or the hybrid placement search (PlacementBenchmark.swift).
if CommandLine.arguments.count > 2 && CommandLine.arguments[1] == "--mode" {
    let rest = Array(CommandLine.arguments.dropFirst(3))
    switch CommandLine.arguments[2] {
    case "simulate": exit(runSimulateBenchmark(rest))
    case "breakeven": exit(BreakevenBenchmark.run(rest))
    case "placement": exit(PlacementBenchmark.run(rest))
    default: break   // the default mode's options report it
    }
}
let options = Options(CommandLine.arguments)
let root = benchRoot()
let pricingRoot = root.appendingPathComponent("pricing")
let seedFixture = root.appendingPathComponent("Fixtures/seed-article.yaml").path
let text = generateWorkload(jobs: options.jobs)
let workloadPath = FileManager.default.temporaryDirectory.appendingPathComponent("costsim-bench-\(options.jobs).yaml").path
try text.write(toFile: workloadPath, atomically: true, encoding: .utf8)

print("costsim-bench: \(options.jobs) jobs (\(text.utf8.count / 1024) KiB of YAML), median of \(options.repetitions) runs")
let compose = try time(options.repetitions) { _ = try YAMLReader.compose(text, file: workloadPath) }
var workload: Workload?
let parse = try time(options.repetitions) { workload = try Workload.parse(text, file: workloadPath) }
var library: PricingLibrary?
let catalogLoad = try time(options.repetitions) { library = try PricingLibrary.load(roots: [pricingRoot]) }
guard let workload, let library else { fatalError("setup failed") }
var plans = 0
let pricing = try time(options.repetitions) {
    plans = 0
    for catalog in library.catalogs {
        let comparison = try Comparison.compare(workload, catalog: catalog)
        plans += comparison.evaluations.count
    }
}
let comparison = try Comparison.compare(workload, catalog: library.catalog(named: nil)!)
let render = time(options.repetitions) {
    _ = comparison.render(.table)
    _ = comparison.render(.json)
}
let library_ = String(format: "%.3f", catalogLoad)
print("in-process phases (seconds):")
print("  parse + validate workload  \(String(format: "%.3f", parse))  (YAML composition alone \(String(format: "%.3f", compose)))")
print("  load + validate catalogs   \(library_)")
print("  price \(plans) plans (all catalogs)  \(String(format: "%.3f", pricing))")
print("  render table + json        \(String(format: "%.3f", render))")
let total = parse + catalogLoad + pricing + render
print("  total                      \(String(format: "%.3f", total))  (parsing share \(String(format: "%.0f", 100 * parse / total)) %)")

let binary = options.costsim ?? CommandLine.arguments[0].replacingOccurrences(of: "costsim-bench", with: "costsim")
if FileManager.default.isExecutableFile(atPath: binary) {
    let seed = try time(options.repetitions) { try runProcess(binary, ["compare", seedFixture, "--catalog", "seed-2025-01"]) }
    let big = try time(options.repetitions) { try runProcess(binary, ["compare", workloadPath]) }
    let bigSeedCatalog = try time(options.repetitions) { try runProcess(binary, ["compare", workloadPath, "--catalog", "seed-2025-01", "--format", "json"]) }
    print("end to end, \(binary) (seconds):")
    print("  compare seed-article.yaml           \(String(format: "%.3f", seed))")
    print("  compare \(options.jobs)-job workload      \(String(format: "%.3f", big))  (\(String(format: "%.1f", big / seed))× the seed fixture)")
    print("  compare \(options.jobs)-job, seed, json   \(String(format: "%.3f", bigSeedCatalog))")
} else {
    print("(no costsim binary at \(binary); pass --costsim PATH for end-to-end timings)")
}
