import Foundation
import Testing
@testable import Simulation
@testable import Workload

@Suite("Simulation: synthetic workloads (workload generate)")
struct SimulateGeneratorTests {
    static let cases: [(WorkloadGenerator.Profile, WorkloadGenerator.Size)] = WorkloadGenerator.Profile.allCases.flatMap { profile in
        WorkloadGenerator.Size.allCases.map { (profile, $0) }
    }

    @Test("every profile and size gives a valid workload, with and without distributions", arguments: cases)
    func valid(_ item: (WorkloadGenerator.Profile, WorkloadGenerator.Size)) throws {
        for seed: UInt64 in [1, 2, 99, 123_456_789] {
            for uncertain in [true, false] {
                for scale: Decimal in [1, 10, Decimal(string: "0.001")!] {
                    let generator = WorkloadGenerator(jobs: 12, profile: item.0, size: item.1, scale: scale, seed: seed, uncertain: uncertain)
                    let text = generator.yaml()
                    let workload: Workload
                    do {
                        workload = try Workload.parse(text, file: "generated.yaml")
                    } catch {
                        Issue.record("seed \(seed), \(item.0.rawValue)/\(item.1.rawValue), scale \(scale), uncertain \(uncertain): \(error)\n\(text)")
                        continue
                    }
                    #expect(workload.jobs.count == 12)
                    #expect(Set(workload.jobs.map(\.name)).count == 12)
                    // Every job is uncertain somewhere, or (with --fixed) nowhere.
                    #expect(workload.jobs.allSatisfy { $0.specs.isEmpty == !uncertain })
                }
            }
        }
    }

    @Test("the same options give the same bytes; another seed another workload")
    func deterministic() {
        let generator = WorkloadGenerator(jobs: 20, profile: .burstyWebhooks, size: .large, seed: 7)
        #expect(generator.yaml() == generator.yaml())
        var other = generator
        other.seed = 8
        #expect(other.yaml() != generator.yaml())
        #expect(generator.yaml().hasPrefix("# Synthetic workload: costsim workload generate --profile bursty-webhooks --jobs 20 --size large --scale 1 --seed 7\n"))
    }

    @Test("--scale multiplies event-driven volumes and scheduled jobs' steps")
    func scale() throws {
        for profile in WorkloadGenerator.Profile.allCases {
            let base = try Workload.parse(WorkloadGenerator(jobs: 10, profile: profile, seed: 3, uncertain: false).yaml(), file: "a.yaml")
            let tenfold = try Workload.parse(WorkloadGenerator(jobs: 10, profile: profile, scale: 10, seed: 3, uncertain: false).yaml(), file: "b.yaml")
            for (a, b) in zip(base.jobs, tenfold.jobs) {
                if case .schedule = a.volume {
                    #expect(b.runsPerMonth == a.runsPerMonth)
                    #expect(b.stepsPerRun >= a.stepsPerRun * 10 - 10, "\(profile.rawValue) \(a.name): steps \(a.stepsPerRun) → \(b.stepsPerRun)")
                } else {
                    let ratio = NSDecimalNumber(decimal: b.runsPerMonth / a.runsPerMonth).doubleValue
                    #expect(abs(ratio - 10) < 0.01, "\(profile.rawValue) \(a.name): runs \(a.runsPerMonth) → \(b.runsPerMonth)")
                }
            }
        }
    }

    @Test("profiles have their shape: bursty volumes are lognormal, heavy tails have p95 ≥ 20 × median")
    func shapes() throws {
        let bursty = try Workload.parse(WorkloadGenerator(jobs: 5, profile: .burstyWebhooks, seed: 5).yaml(), file: "b.yaml")
        #expect(bursty.jobs.allSatisfy { if case .distribution(.lognormal) = $0.specs["runs_per_day"] { return true } else { return false } })
        let heavy = try Workload.parse(WorkloadGenerator(jobs: 5, profile: .heavyTail, seed: 5).yaml(), file: "h.yaml")
        for job in heavy.jobs {
            guard case .distribution(.lognormal(_, let sigma)) = job.specs["step_seconds"] else {
                Issue.record("\(job.name): step_seconds is not lognormal")
                continue
            }
            #expect(exp(1.6448536269514722 * NSDecimalNumber(decimal: sigma).doubleValue) >= 19.99)
        }
        let batch = try Workload.parse(WorkloadGenerator(jobs: 5, profile: .nightlyBatch, seed: 5).yaml(), file: "n.yaml")
        #expect(batch.jobs.allSatisfy { if case .schedule = $0.volume { return true } else { return false } })
    }
}
