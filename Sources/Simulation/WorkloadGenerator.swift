import CostModel
import Foundation
import Workload

/// Seeded synthetic workloads for testing and planning (`costsim workload generate`): a number
/// of jobs shaped by a traffic profile and a size, written as a valid workload file.
///
/// ```swift
/// let text = WorkloadGenerator(jobs: 5, profile: .burstyWebhooks, size: .medium, seed: 7).yaml()
/// let workload = try Workload.parse(text, file: "synthetic.yaml")   // always valid
/// ```
/// The same options give the same bytes. `scale` multiplies traffic (`--scale 10`: "a SaaS like
/// ours at 10× traffic"): the volume of event-driven jobs, and the steps per run of scheduled
/// jobs, whose runs are fixed by their schedule but process more items.
public struct WorkloadGenerator: Sendable, Equatable {
    /// How traffic behaves.
    public enum Profile: String, CaseIterable, Sendable {
        /// Event-driven jobs with steady volumes (±10 %) and short steps, plus periodic syncs.
        case steadySaaS = "steady-saas"
        /// Webhook handlers whose daily volume swings (p95 five times the median), with bursts of retries.
        case burstyWebhooks = "bursty-webhooks"
        /// Scheduled batches: many long steps, larger memory, explicit longest steps.
        case nightlyBatch = "nightly-batch"
        /// Poisson volumes with long-tailed step durations (p95 20–40 times the median).
        case heavyTail = "heavy-tail"

        /// One line for help texts.
        public var summary: String {
            switch self {
            case .steadySaaS: return "steady event-driven jobs (±10 %) and periodic syncs"
            case .burstyWebhooks: return "webhook volumes with p95 five times the median, bursts of retries"
            case .nightlyBatch: return "scheduled batches of many long steps"
            case .heavyTail: return "Poisson volumes, step durations with a long tail"
            }
        }
    }

    /// The order of magnitude of the volumes.
    public enum Size: String, CaseIterable, Sendable {
        /// Hundreds to a few thousand runs a day per event-driven job.
        case small
        /// Thousands to a hundred thousand runs a day.
        case medium
        /// A hundred thousand to millions of runs a day.
        case large

        /// Runs per day of an event-driven job: the range the generator draws from.
        var runsPerDay: ClosedRange<Int> {
            switch self {
            case .small: return 50...2_000
            case .medium: return 2_000...100_000
            case .large: return 100_000...3_000_000
            }
        }
    }

    /// The most jobs one file may have (a 10,000-job workload prices in well under a second).
    public static let maxJobs = 10_000
    /// The largest traffic multiplier.
    public static let maxScale: Decimal = 1_000_000

    /// Number of jobs, 1…`maxJobs`.
    public var jobs: Int
    /// How traffic behaves.
    public var profile: Profile
    /// The order of magnitude of the volumes.
    public var size: Size
    /// Traffic multiplier, above 0.
    public var scale: Decimal
    /// The same seed gives the same file.
    public var seed: UInt64
    /// The workload's name; by default `<profile>-<jobs>`.
    public var name: String?
    /// `platform:` of the file, e.g. `vercel/pro`; nil writes none.
    public var platform: String?
    /// Write distributions (for `simulate`); false writes their means as plain numbers.
    public var uncertain: Bool

    /// `WorkloadGenerator(jobs: 8, profile: .steadySaaS, scale: 10, seed: 7)`.
    public init(jobs: Int, profile: Profile, size: Size = .medium, scale: Decimal = 1, seed: UInt64 = 1, name: String? = nil,
                platform: String? = "vercel/pro", uncertain: Bool = true) {
        self.jobs = jobs
        self.profile = profile
        self.size = size
        self.scale = scale
        self.seed = seed
        self.name = name
        self.platform = platform
        self.uncertain = uncertain
    }

    /// The workload file's text.
    /// - Precondition: 1 ≤ jobs ≤ `maxJobs`, 0 < scale ≤ `maxScale` (the command line checks them).
    /// - Complexity: O(jobs).
    public func yaml() -> String {
        precondition((1...Self.maxJobs).contains(jobs), "jobs must be within 1...\(Self.maxJobs)")
        precondition(scale > 0 && scale <= Self.maxScale, "scale must be within (0, \(Self.maxScale)]")
        var random = Xoshiro256StarStar(seed: seed, stream: 0x6E6E_6E6E, substream: 0)
        let title = name ?? "\(profile.rawValue)-\(jobs)"
        var out = "# Synthetic workload: costsim workload generate --profile \(profile.rawValue) --jobs \(jobs) --size \(size.rawValue)"
        out += " --scale \(NumberFormat.plain(scale)) --seed \(seed)\(uncertain ? "" : " --fixed")\n"
        out += "version: 1\nname: \(Self.quoted(title))\n"
        out += "description: \(Self.quoted("Synthetic \(profile.rawValue) workload (\(profile.summary)), \(size.rawValue) volumes"))\n"
        if let platform { out += "platform: \(Self.quoted(platform))\n" }
        out += "defaults:\n  memory_mb: 1024\njobs:\n"
        for index in 0..<jobs {
            out += job(index, &random)
        }
        return out
    }

    // MARK: Jobs

    static let nouns = ["webhook", "email", "export", "sync", "report", "resize", "digest", "billing", "import", "notify",
                        "index", "cleanup", "invoice", "transcode", "score", "backup"]

    /// One job's YAML lines.
    func job(_ index: Int, _ random: inout Xoshiro256StarStar) -> String {
        let noun = Self.nouns[Int(random.next() % UInt64(Self.nouns.count))]
        var lines = ["  - name: \(noun)-\(index + 1)"]
        func field(_ key: String, _ value: String) { lines.append("    \(key): \(value)") }
        let perDay = Decimal(Self.integer(in: size.runsPerDay, &random)) * scale
        switch profile {
        case .steadySaaS:
            if random.nextUnit() < 0.3 {
                field("schedule", Self.quoted(["*/15 * * * *", "*/5 * * * *", "0 * * * *", "30 */2 * * *"][Int(random.next() % 4)]))
                field("steps_per_run", number(Swift.max(1, (Decimal(Self.integer(in: 3...6, &random)) * scale).rounded(scale: 0))))
                field("step_seconds", band(Decimal(Self.integer(in: 5...40, &random)), spread: 2))
            } else {
                let perHour = Swift.max(Decimal(string: "0.01")!, (perDay / 24).rounded(scale: 2))
                let sd = Swift.max(Decimal(string: "0.01")!, (perHour / 10).rounded(scale: 2))
                field("runs_per_hour", uncertain ? "{dist: normal, mean: \(number(perHour)), sd: \(number(sd))}" : number(perHour))
                field("steps_per_run", number(Decimal(Self.integer(in: 1...4, &random))))
                let median = Decimal(Self.integer(in: 2...30, &random)) / 10
                field("step_seconds", lognormal(median: median, ratio: 3))
                field("retry_rate", number(Decimal(Self.integer(in: 5...20, &random)) / 1000))
                if random.nextUnit() < 0.5 { field("events_per_run", "1") }
            }
        case .burstyWebhooks:
            let median = Swift.max(Decimal(string: "0.01")!, perDay.rounded(scale: 2))
            field("runs_per_day", uncertain ? "{dist: lognormal, median: \(number(median)), p95: \(number(median * 5))}" : number(Self.lognormalMean(median, ratio: 5)))
            field("steps_per_run", uncertain ? "{dist: poisson, mean: \(number(Decimal(Self.integer(in: 15...30, &random)) / 10))}"
                  : number(Decimal(Self.integer(in: 15...30, &random)) / 10))
            field("step_seconds", lognormal(median: Decimal(Self.integer(in: 2...20, &random)) / 10, ratio: 5))
            let burst = Decimal(Self.integer(in: 2...10, &random)) / 100
            field("retry_rate", uncertain ? "{dist: uniform, min: 0, max: \(number(burst))}" : number(burst / 2))
            field("events_per_run", "1")
        case .nightlyBatch:
            let hour = Self.integer(in: 0...5, &random), minute = Self.integer(in: 0...59, &random)
            field("schedule", Self.quoted(random.nextUnit() < 0.7 ? "\(minute) \(hour) * * *" : "\(minute) \(hour) * * 1-5"))
            let steps = Swift.max(1, (Decimal(Self.integer(in: 10...120, &random)) * scale).rounded(scale: 0))
            let low = Swift.max(1, (steps / 2).rounded(scale: 0))
            field("steps_per_run", uncertain ? "{low: \(number(low)), typical: \(number(steps)), high: \(number(steps * 2))}" : number(steps))
            let seconds = Decimal(Self.integer(in: 20...240, &random))
            field("step_seconds", uncertain ? "{dist: normal, mean: \(number(seconds)), sd: \(number(seconds * Decimal(string: "0.3")!))}" : number(seconds))
            field("max_step_seconds", number(seconds * 3))
            field("memory_mb", ["2048", "3072", "4096"][Int(random.next() % 3)])
            field("retry_rate", "0.01")
        case .heavyTail:
            let mean = perDay.rounded(scale: 0)
            field("runs_per_day", uncertain ? "{dist: poisson, mean: \(number(Swift.max(1, mean)))}" : number(Swift.max(1, mean)))
            let observed = (0..<5).map { _ in Decimal(Self.integer(in: 1...8, &random)) }.sorted()
            field("steps_per_run", uncertain ? "{dist: empirical, values: [\(observed.map(number).joined(separator: ", "))]}"
                  : number(observed.reduce(0, +) / 5))
            let median = Decimal(Self.integer(in: 10...50, &random)) / 10
            field("step_seconds", lognormal(median: median, ratio: Decimal(Self.integer(in: 20...40, &random))))
            field("retry_rate", "0.02")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{dist: lognormal, median, p95}` (or its mean when writing plain numbers).
    func lognormal(median: Decimal, ratio: Decimal) -> String {
        uncertain ? "{dist: lognormal, median: \(number(median)), p95: \(number(median * ratio))}" : number(Self.lognormalMean(median, ratio: ratio))
    }

    /// A band around `typical`: low typical / spread, high typical × spread.
    func band(_ typical: Decimal, spread: Decimal) -> String {
        uncertain ? "{low: \(number((typical / spread).rounded(scale: 2))), typical: \(number(typical)), high: \(number(typical * spread))}" : number(typical)
    }

    func number(_ value: Decimal) -> String {
        NumberFormat.plain(value, scale: 6)
    }

    /// The mean of a lognormal given its median and p95/median ratio, to 2 decimals.
    static func lognormalMean(_ median: Decimal, ratio: Decimal) -> Decimal {
        let sigma = log(FieldSampler.double(ratio)) / Distribution.z95
        return (median * Simulator.decimal(exp(sigma * sigma / 2))).rounded(scale: 2)
    }

    /// A uniform integer in `range` (modulo bias below 2⁻⁴⁰ for these ranges).
    static func integer(in range: ClosedRange<Int>, _ random: inout Xoshiro256StarStar) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
