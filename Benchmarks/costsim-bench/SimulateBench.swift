// `costsim-bench --mode simulate`: the Monte Carlo benchmark (issue 3). Times 10,000 trials of
// a 50-job workload with 1,000,000 runs a month per job on every provider of the default
// catalog, in process, and in the same run the numpy reference of the same model
// (Benchmarks/simulate_reference.py), then prints both figures and their ratio.
//
//   swift build -c release --product costsim-bench
//   .build/release/costsim-bench --mode simulate [--trials 10000] [--jobs 50] [--runs 1000000]
//       [--repeat 5] [--python python3] [--no-reference]
//
// Needs numpy for the reference (`pip install numpy`); without it the Swift figure alone is shown.
import CostModel
import Foundation
import Simulation
import Workload

/// Options of `--mode simulate`.
struct SimulateBenchOptions {
    var trials = 10_000
    var jobs = 50
    var runs = 1_000_000
    var repetitions = 5
    var python = "python3"
    var reference = true

    init?(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--trials": trials = iterator.next().flatMap(Int.init) ?? trials
            case "--jobs": jobs = iterator.next().flatMap(Int.init) ?? jobs
            case "--runs": runs = iterator.next().flatMap(Int.init) ?? runs
            case "--repeat": repetitions = Swift.max(1, iterator.next().flatMap(Int.init) ?? repetitions)
            case "--python": python = iterator.next() ?? python
            case "--no-reference": reference = false
            default: return nil
            }
        }
    }
}

/// The benchmark workload: `jobs` jobs of about `runs` runs a month each, every field uncertain
/// the way real workloads are: volume (normal, 5–20 % sd), steps per run (Poisson 2–4), step
/// durations (lognormal, p95 five times the median; job 0 with a long tail that crosses Vercel
/// Pro's 800 s limit in some months), retries (uniform up to 2–6 %).
func simulateBenchWorkload(jobs: Int, runs: Int) -> String {
    var text = "version: 1\nname: simulate-bench-\(jobs)\nplatform: vercel/pro\ndefaults: {memory_mb: 1024}\njobs:\n"
    let medians = ["0.2", "0.5", "1"]
    for index in 0..<jobs {
        let sd = runs * (5 + 5 * (index % 4)) / 100
        text += "  - name: job-\(index)\n"
        text += "    runs_per_month: {dist: normal, mean: \(runs), sd: \(sd)}\n"
        text += "    steps_per_run: {dist: poisson, mean: \(2 + index % 3)}\n"
        if index == 0 {
            text += "    step_seconds: {dist: lognormal, median: 2, p95: 14.4}\n"
        } else {
            let median = medians[index % medians.count]
            text += "    step_seconds: {dist: lognormal, median: \(median), p95: \(Decimal(string: median)! * 5)}\n"
        }
        text += "    retry_rate: {dist: uniform, min: 0, max: 0.0\(2 + index % 5)}\n"
        text += "    events_per_run: 1\n"
    }
    return text
}

/// The model for the numpy reference, as JSON: the workload's parsed parameters and the
/// catalog's plans (prices as decimal text).
func simulateBenchSpec(_ workload: Workload, catalog: Catalog, trials: Int, seed: UInt64) -> [String: Any] {
    func number(_ value: Decimal?) -> Any { value.map { "\($0)" } ?? NSNull() }
    func distribution(_ spec: NumericSpec?, fixed: Decimal?) -> [String: Any] {
        switch spec {
        case .distribution(.normal(let mean, let sd)): return ["kind": "normal", "mean": "\(mean)", "sd": "\(sd)"]
        case .distribution(.poisson(let mean)): return ["kind": "poisson", "mean": "\(mean)"]
        case .distribution(.lognormal(let mu, let sigma)): return ["kind": "lognormal", "mu": "\(mu)", "sigma": "\(sigma)"]
        case .distribution(.uniform(let min, let max)): return ["kind": "uniform", "min": "\(min)", "max": "\(max)"]
        default: return ["kind": "constant", "value": "\(fixed ?? 0)"]
        }
    }
    func price(_ price: Price) -> [String: Any] {
        switch price {
        case .unit(let value): return ["kind": "unit", "price": "\(value)"]
        case .block(let per, let amount): return ["kind": "block", "per": "\(per)", "amount": "\(amount)"]
        case .prorated(let per, let amount): return ["kind": "prorated", "per": "\(per)", "amount": "\(amount)"]
        case .tiers(let tiers): return ["kind": "tiers", "tiers": tiers.map { ["up_to": number($0.upTo), "price": "\($0.price)"] }]
        }
    }
    func file(_ file: PricingFile) -> [String: Any] {
        [
            "provider": file.provider, "execution": file.execution.rawValue, "runs_on": file.runsOn.rawValue,
            "meters": file.meters.map { meter in ["name": meter.name, "terms": Dictionary(uniqueKeysWithValues: meter.terms.map { ($0.quantity.rawValue, "\($0.coefficient)") })] },
            "machines": file.machines.map { ["name": $0.name, "memory_mb": "\($0.memoryMB)", "per_second": "\($0.perSecond)"] },
            "default_machine": file.defaultMachine ?? NSNull(),
            "plans": file.plans.map { plan in
                [
                    "name": plan.name, "custom": plan.custom, "production": plan.production, "fee": number(plan.monthlyFee ?? 0),
                    "credit": "\(plan.credit)", "included": plan.included.mapValues { "\($0)" }, "price": plan.price.mapValues(price),
                    "limits": [
                        "max_duration_seconds": number(plan.limits.maxDurationSeconds), "memory_mb": number(plan.limits.memoryMB),
                        "concurrency": number(plan.limits.concurrency), "max_steps_per_run": number(plan.limits.maxStepsPerRun),
                        "max_usage": number(plan.limits.maxUsage), "max_quantity": plan.limits.maxQuantity.mapValues { "\($0)" },
                    ] as [String: Any],
                ] as [String: Any]
            },
        ]
    }
    let platform = workload.platform.flatMap { reference in
        catalog.platforms.first { $0.provider == reference.provider }?.plan(named: reference.plan)
    }
    return [
        "trials": trials, "seed": seed, "month_hours": "\(workload.monthHours)",
        "platform": ["max_duration_seconds": number(platform?.limits.maxDurationSeconds), "memory_mb": number(platform?.limits.memoryMB)],
        "jobs": workload.jobs.map { job in
            [
                "name": job.name,
                "runs": distribution(job.specs["runs_per_month"], fixed: job.runsPerMonth),
                "steps": distribution(job.specs["steps_per_run"], fixed: job.stepsPerRun),
                "step_seconds": distribution(job.specs["step_seconds"], fixed: job.stepSeconds),
                "retry_rate": distribution(job.specs["retry_rate"], fixed: job.retryRate),
                "events_per_run": "\(job.eventsPerRun)", "memory_mb": number(job.memoryMB),
            ] as [String: Any]
        },
        "providers": catalog.providers.map(file),
    ]
}

/// CPU time used by the whole process so far (all threads), in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs the benchmark; returns the process exit status.
func runSimulateBenchmark(_ arguments: [String]) -> Int32 {
    guard let options = SimulateBenchOptions(arguments) else {
        FileHandle.standardError.write(Data("usage: costsim-bench --mode simulate [--trials N] [--jobs N] [--runs N] [--repeat N] [--python PATH] [--no-reference]\n".utf8))
        return 64
    }
    let root = benchRoot()
    do {
        let text = simulateBenchWorkload(jobs: options.jobs, runs: options.runs)
        let workload = try Workload.parse(text, file: "simulate-bench.yaml")
        let library = try PricingLibrary.load(roots: [root.appendingPathComponent("pricing")])
        guard let catalog = library.catalog(named: nil) else { throw NSError(domain: "costsim-bench", code: 1) }
        let simulation = SimulationOptions(trials: options.trials, seed: 1)
        var samples: [Double] = []
        var cpuSamples: [Double] = []
        var result: SimulationResult?
        for _ in 0..<options.repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = processCPUSeconds()
            result = try MonteCarlo.simulate(workload, catalog: catalog, options: simulation)
            cpuSamples.append(processCPUSeconds() - cpuStart)
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let swift = median(samples)
        let swiftCPU = median(cpuSamples)
        print("costsim-bench --mode simulate: \(options.trials) trials, \(options.jobs) jobs × \(options.runs) runs/month, catalog \(catalog.name) (\(catalog.providers.map(\.provider).joined(separator: ", ")))")
        print("  swift  MonteCarlo.simulate, in process, median of \(options.repetitions): \(String(format: "%.3f", swift)) s wall "
              + "(min \(String(format: "%.3f", samples.min() ?? 0)) s), \(String(format: "%.3f", swiftCPU)) s CPU on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for provider in result?.providers ?? [] {
            let mean = provider.cost.map { NumberFormat.dollars($0.mean) } ?? "-"
            print("    \(provider.provider): mean \(mean), months with no feasible plan \(provider.infeasibleTrials(of: options.trials))")
        }
        guard options.reference else { return 0 }
        let specURL = FileManager.default.temporaryDirectory.appendingPathComponent("costsim-simulate-bench-spec.json")
        let spec = simulateBenchSpec(workload, catalog: catalog, trials: options.trials, seed: 1)
        try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]).write(to: specURL)
        let script = root.appendingPathComponent("Benchmarks/simulate_reference.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [options.python, script, specURL.path, "--repeat", "\(options.repetitions)", "--json"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let report = try JSONSerialization.jsonObject(with: output) as? [String: Any],
              let numpy = report["seconds"] as? Double else {
            print("  numpy  reference unavailable (\(options.python) \(script) exited \(process.terminationStatus); `pip install numpy`)")
            return 0
        }
        let numpyCPU = report["cpu_seconds"] as? Double ?? 0
        print("  numpy  simulate_reference.py, in process, median of \(options.repetitions): \(String(format: "%.3f", numpy)) s wall "
              + "(min \(String(format: "%.3f", report["min_seconds"] as? Double ?? 0)) s), \(String(format: "%.3f", numpyCPU)) s CPU (numpy \(report["numpy"] as? String ?? "?"))")
        for (provider, mean) in (report["means"] as? [String: Double] ?? [:]).sorted(by: { $0.key < $1.key }) {
            print("    \(provider): mean $\(String(format: "%.2f", mean)) (floating point)")
        }
        print("  ratio  numpy / swift = \(String(format: "%.2f", numpy / swift))× wall, \(String(format: "%.2f", numpyCPU / swiftCPU))× CPU (above 1: Swift is faster)")
        return 0
    } catch {
        FileHandle.standardError.write(Data("costsim-bench: \(error)\n".utf8))
        return 70
    }
}
