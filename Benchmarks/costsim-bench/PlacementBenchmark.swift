// costsim-bench --mode placement: times `Placement.place` (the search behind `costsim place`) on
// random instances of 12, 18 and 24 jobs × 6 provider options and reports, per size, the median
// and slowest time and how many instances were proven optimal.
//
//   swift build -c release --product costsim-bench
//   .build/release/costsim-bench --mode placement [--instances 15] [--sizes 12,18,24] [--seed 1]
//                                                 [--node-limit N] [--verbose]
//
// `--verbose` prints one line per instance: time, nodes, profiles searched, cost, lower bound
// and where the jobs went. Times are wall-clock on whatever else the machine is doing.
//
// The shipped catalogs have two providers, so each instance generates six synthetic pricing
// files (YAML text parsed by the real loader), one of each billing shape: step-billed with
// allowances (seed Inngest), executions in blocks (Inngest 2026), graduated executions tiers
// (Inngest 2025), run-billed with allowances (seed Trigger.dev), per-run fee plus per-second
// machines with a credit (Trigger.dev v4), and a flat-fee self-hosted queue with a concurrency
// limit. Parameters are drawn around those shapes from a seeded generator; jobs vary in volume
// (10 to 2,000,000 runs a month), steps, durations (some over the platform's 60 s), memory,
// retries and events. Same seed, same instances.
import CostModel
import Foundation
import Simulation
import Workload

enum PlacementBenchmark {
    struct Options {
        var instances = 15
        var sizes = [12, 18, 24]
        var providers = 6
        var seed: UInt64 = 1
        var nodeLimit = Placement.defaultNodeLimit
        var verbose = false
    }

    /// SplitMix64 (CostModel's), with the benchmark's draws (`SplitMix64` extension below).
    typealias Random = SplitMix64

    static func run(_ arguments: [String]) -> Int32 {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--instances": options.instances = iterator.next().flatMap(Int.init) ?? options.instances
            case "--sizes": options.sizes = iterator.next()?.split(separator: ",").compactMap { Int($0) } ?? options.sizes
            case "--seed": options.seed = iterator.next().flatMap { UInt64($0) } ?? options.seed
            case "--node-limit": options.nodeLimit = iterator.next().flatMap(Int.init) ?? options.nodeLimit
            case "--verbose": options.verbose = true
            default:
                FileHandle.standardError.write(Data("usage: costsim-bench --mode placement [--instances N] [--sizes 12,18,24] [--seed S] [--node-limit N] [--verbose]\n".utf8))
                return 64
            }
        }
        print("costsim-bench --mode placement: \(options.instances) random instances per size × \(options.providers) provider options, seed \(options.seed)")
        print("  jobs  instances  median s  slowest s  proven optimal  median nodes  max nodes  median profiles searched")
        for size in options.sizes {
            var times: [Double] = []
            var nodes: [Int] = []
            var profiles: [Int] = []
            var proven = 0
            for instance in 0..<options.instances {
                var random = Random(seed: options.seed &* 1_000_003 &+ UInt64(size) &* 10_007 &+ UInt64(instance))
                do {
                    let (workload, catalog) = try generate(&random, jobs: size, providers: options.providers)
                    let start = DispatchTime.now().uptimeNanoseconds
                    let placement = try Placement.place(workload, catalog: catalog, request: PlacementRequest(nodeLimit: options.nodeLimit))
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    nodes.append(placement.search.nodes)
                    profiles.append(placement.search.profilesSearched)
                    if placement.search.provenOptimal { proven += 1 }
                    if options.verbose {
                        let used = placement.shares.map { "\($0.provider)/\($0.evaluation.plan.name)×\($0.jobs.count)" }.joined(separator: " ")
                        print(String(format: "    %2d/%2d  %7.3f s  %8d nodes  %4d/%4d profiles  ", size, instance, times.last!, placement.search.nodes,
                                     placement.search.profilesSearched, placement.search.profiles) + "\(placement.monthlyCost) (lower bound \(placement.search.lowerBound))  \(used)")
                    }
                } catch {
                    FileHandle.standardError.write(Data("instance \(size)/\(instance): \(error)\n".utf8))
                    return 70
                }
            }
            let provenText = "\(proven)/\(times.count)"
            let row = [String(format: "%4d", size), String(format: "%9d", times.count),
                       String(format: "%8.3f", median(times)), String(format: "%9.3f", times.max() ?? 0),
                       String(repeating: " ", count: max(0, 14 - provenText.count)) + provenText, String(format: "%12d", median(nodes)),
                       String(format: "%9d", nodes.max() ?? 0), String(format: "%24d", median(profiles))]
            print("  " + row.joined(separator: "  "))
        }
        return 0
    }

    // MARK: - Instances

    static func generate(_ random: inout Random, jobs: Int, providers: Int) throws -> (Workload, Catalog) {
        let shapes: [(inout Random, String) -> String] = [stepBilled, blockExecutions, tieredExecutions, runBilled, machineBilled, selfHosted]
        var files: [PricingFile] = []
        for index in 0..<providers {
            let id = "synthetic-\(index + 1)"
            let text = header(id: id, kind: "provider") + shapes[index % shapes.count](&random, id)
            files.append(try PricingFile.parse(text, file: "bench/\(id).yaml"))
        }
        files.append(try PricingFile.parse(header(id: "platform", kind: "platform") + """
            plans:
              - name: pro
                limits: {max_duration_seconds: 60, memory_mb: 3008}

            """, file: "bench/platform.yaml"))
        let catalog = PricingLibrary(files: files).catalog(named: "bench")!
        return (try Workload.parse(workload(&random, jobs: jobs), file: "bench-\(jobs).yaml"), catalog)
    }

    static func header(id: String, kind: String) -> String {
        """
        version: 1
        kind: \(kind)
        provider: \(id)
        name: \(id)
        catalog: bench
        effective: 2026-01-01
        source: "synthetic (costsim-bench --mode placement)"
        confidence: unverified
        currency: USD

        """
    }

    static func stepBilled(_ r: inout Random, _ id: String) -> String {
        """
        execution: steps
        runs_on: platform
        meters:
          steps: {steps: 1}
        plans:
          - {name: free, monthly_fee: 0, production: false}
          - name: startup
            monthly_fee: \(r.int(20...60))
            included: {steps: \(r.int(5...20) * 100_000)}
            price: {steps: \(r.decimal(30...50, scale: 6))}
          - name: team
            monthly_fee: \(r.int(150...250))
            included: {steps: \(r.int(3...8) * 1_000_000)}
            price: {steps: \(r.decimal(20...40, scale: 6))}

        """
    }

    static func blockExecutions(_ r: inout Random, _ id: String) -> String {
        """
        execution: steps
        runs_on: platform
        meters:
          executions: {runs: 1, steps: 1}
          events: {events: 1}
        plans:
          - name: free
            monthly_fee: 0
            included: {executions: \(r.int(3...8) * 10_000), events: 500000}
            limits: {concurrency: 5}
          - name: pro
            monthly_fee: \(r.int(75...120))
            included: {executions: 1000000, events: 5000000}
            price: {executions: {per: 1000000, amount: \(r.int(40...60))}}
            limits: {concurrency: 100}
          - name: business
            monthly_fee: \(r.int(400...600))
            included: {executions: 10000000, events: 50000000}
            price: {executions: {per: 1000000, amount: \(r.int(30...50))}}

        """
    }

    static func tieredExecutions(_ r: inout Random, _ id: String) -> String {
        """
        execution: steps
        runs_on: platform
        meters:
          executions: {runs: 1, steps: 1}
        plans:
          - name: pro
            monthly_fee: \(r.int(50...100))
            included: {executions: 1000000}
            price:
              executions:
                tiers:
                  - {up_to: 5000000, price: \(r.decimal(40...60, scale: 6))}
                  - {up_to: 15000000, price: \(r.decimal(20...30, scale: 6))}
                  - {price: \(r.decimal(10...20, scale: 6))}

        """
    }

    static func runBilled(_ r: inout Random, _ id: String) -> String {
        """
        execution: runs
        runs_on: provider
        meters:
          runs: {runs: 1}
        plans:
          - name: startup
            monthly_fee: \(r.int(10...30))
            included: {runs: \(r.int(1...10) * 100)}
            price: {runs: \(r.decimal(30...50, scale: 3))}
          - name: pro
            monthly_fee: \(r.int(80...120))
            included: {runs: \(r.int(3...8) * 1000)}
            price: {runs: \(r.decimal(10...25, scale: 3))}

        """
    }

    static func machineBilled(_ r: inout Random, _ id: String) -> String {
        """
        execution: runs
        runs_on: provider
        meters:
          runs: {runs: 1}
          compute_seconds: {compute_seconds: 1}
        machines:
          micro: {vcpu: 0.25, memory_mb: 256, per_second: \(r.decimal(150...200, scale: 7))}
          small-1x: {vcpu: 0.5, memory_mb: 512, per_second: \(r.decimal(300...400, scale: 7))}
          small-2x: {vcpu: 1, memory_mb: 1024, per_second: \(r.decimal(600...750, scale: 7))}
          medium-2x: {vcpu: 2, memory_mb: 4096, per_second: \(r.decimal(1500...1900, scale: 7))}
        default_machine: small-1x
        plans:
          - name: hobby
            monthly_fee: 10
            credit: 10
            price: {runs: 0.000025}
            limits: {concurrency: 25}
          - name: pro
            monthly_fee: \(r.int(40...60))
            credit: \(r.int(40...60))
            price: {runs: 0.000025}
            limits: {concurrency: 100}

        """
    }

    static func selfHosted(_ r: inout Random, _ id: String) -> String {
        """
        execution: runs
        runs_on: provider
        meters:
          runs: {runs: 1}
        plans:
          - name: small-vps
            monthly_fee: \(r.int(15...40))
            limits: {concurrency: \(r.int(1...3)), memory_mb: 2048}
          - name: large-vps
            monthly_fee: \(r.int(80...160))
            limits: {concurrency: \(r.int(8...16)), memory_mb: 8192}

        """
    }

    static func workload(_ r: inout Random, jobs: Int) -> String {
        var text = "version: 1\nname: bench-placement-\(jobs)\nplatform: platform/pro\njobs:\n"
        for index in 0..<jobs {
            text += "  - name: job-\(index + 1)\n"
            switch r.int(0...3) {
            case 0: text += "    runs_per_month: \(r.int(10...2_000))\n"
            case 1: text += "    runs_per_month: \(r.int(2_000...200_000))\n"
            case 2: text += "    runs_per_hour: \(r.int(1...2_500))\n"
            default: text += "    runs_per_day: \(r.int(1...500))\n"
            }
            let steps = r.int(1...10)
            text += "    steps_per_run: \(steps)\n"
            if steps > 2 && r.chance(25) { text += "    sleeps_per_run: 1\n" }
            text += "    step_seconds: \(r.decimal(5...900, scale: 1))\n"
            if r.chance(30) { text += "    memory_mb: \([256, 512, 1024, 2048, 4096][r.int(0...4)])\n" }
            if r.chance(30) { text += "    retry_rate: \(r.decimal(1...10, scale: 2))\n" }
            if r.chance(20) { text += "    events_per_run: \(r.int(1...3))\n" }
        }
        return text
    }
}

extension SplitMix64 {
    /// An integer in `range` (the output modulo the range's width).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// A decimal text n / 10^scale with n in `range`.
    mutating func decimal(_ range: ClosedRange<Int>, scale: Int) -> String {
        let value = int(range)
        guard scale > 0 else { return "\(value)" }
        let text = String(repeating: "0", count: max(0, scale + 1 - "\(value)".count)) + "\(value)"
        return String(text.dropLast(scale)) + "." + String(text.suffix(scale))
    }

    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
}
