import CostModel
import Foundation
import Workload

/// The compiled simulation: samplers for the uncertain jobs, the fixed jobs' totals, and per
/// provider a `MeterPricer` (exact `Decimal`) and, when its figures allow, a `ScaledPricer`
/// (the same exact semantics in 64-bit fixed point, many times faster).
///
/// Quantities of a simulated month: each job's monthly quantity becomes whole millionths
/// (sampled values: × 10⁶ rounded to nearest, ties to even, in IEEE 754 double arithmetic;
/// fixed jobs' exact decimals: rounded to 6 places, half away from zero), and totals add them up
/// exactly. A workload with no uncertain field keeps the engine's exact decimal totals instead,
/// so its one month costs exactly what `compare` computes.
final class Simulator: Sendable {
    let workload: Workload
    let seed: UInt64
    /// Jobs with an uncertain field, in workload order.
    let sampled: [JobSampler]
    /// Jobs with nothing uncertain.
    let fixedJobs: [Job]
    let platform: PlatformPlan?
    let pricers: [MeterPricer]
    /// One per provider when every provider's figures fit fixed point; nil otherwise.
    let scaledPricers: [ScaledPricer]?
    /// Per provider: which execution model's sums it reads (0 steps, 1 runs).
    let executionSlot: [Int]
    /// The quantities any provider reads, per execution slot.
    let neededQuantities: [[Int]]
    let inputs: [SimulationInput]
    let recordInputs: Bool

    /// No uncertain job: one month, with the engine's exact totals.
    var isDeterministic: Bool { sampled.isEmpty }
    /// Per provider, when deterministic: the engine's exact totals and machine seconds.
    let exactTotals: [[Decimal]]
    let exactMachineSeconds: [[Decimal?]]
    /// The fixed jobs' totals in millionths, per execution slot (and exactly, as decimals).
    let fixedMillionths: [[UInt64]]?
    let fixedQuantized: [[Decimal]]
    /// Per provider, per machine × machine-meter term: the fixed jobs' millionths (and decimals).
    let fixedMachineMillionths: [[UInt64]]?
    let fixedMachineQuantized: [[Decimal]]
    let fixedMachineUsed: [[Bool]]

    /// [sampled job][provider]: the machine index when it does not change from month to month,
    /// or one of the markers below.
    let machineChoice: [[Int]]
    static let notMachinePriced = -1, machineByMemory = -2, noMachine = -3
    /// [sampled job]: the monthly extremes some limit reads.
    let extremes: [JobSampler.Extremes]
    /// Per provider (and one past the last): where its machine sums and machine flags start in
    /// `Scratch.machineSums` and `Scratch.machineUsed`.
    let machineOffsets: [Int]
    let machineUsedOffsets: [Int]
    /// Every step-duration limit some provider checks, ascending, and per sampled job
    /// log P(step ≤ limit) of its step durations (empty when its longest step is not drawn from them).
    let stepLimits: [Double]
    let stepLogCDF: [[Double]]
    /// The machine-priced providers: index, execution slot and machine-meter quantities.
    let machineProviders: [(provider: Int, slot: Int, quantities: [Int])]

    /// Trials handled together by one task.
    static let chunkSize = 256

    init(workload: Workload, providers: [PricingFile], platform: PlatformPlan?, withPlatformCosts: Bool, seed: UInt64,
         recordInputs: Bool) throws(CostsimError) {
        self.workload = workload
        self.seed = seed
        self.recordInputs = recordInputs
        self.platform = platform
        var samplers: [JobSampler] = []
        var fixedJobs: [Job] = []
        var cache: [FieldSampler.Key: FieldSampler] = [:]
        for (index, job) in workload.jobs.enumerated() {
            let sampler = try JobSampler(job: job, index: index, jobPath: "jobs[\(index)]", file: workload.file,
                                         monthHours: workload.monthHours, cache: &cache)
            if sampler.isFixed { fixedJobs.append(job) } else { samplers.append(sampler) }
        }
        sampled = samplers
        self.fixedJobs = fixedJobs
        let pricers = providers.map {
            MeterPricer(file: $0, platform: platform, withPlatformCosts: withPlatformCosts, workload: workload, fixedJobs: fixedJobs)
        }
        self.pricers = pricers
        let digits = pricers.map { ScaledPricer.digitsNeeded($0, platform: platform) }
        if !digits.contains(where: { $0 == nil }), let scale = MoneyScale(digits: digits.compactMap { $0 }.max() ?? 2) {
            let compiled = pricers.compactMap { ScaledPricer($0, scale: scale) }
            scaledPricers = compiled.count == pricers.count ? compiled : nil
        } else {
            scaledPricers = nil
        }
        executionSlot = providers.map { $0.execution == .steps ? 0 : 1 }

        // The deterministic case: CostEngine's own totals, summed in job order.
        exactTotals = providers.map { file in
            var totals = QuantitySet()
            for job in fixedJobs { totals += job.quantities(execution: file.execution) }
            return Quantity.allCases.map { totals[$0] }
        }
        exactMachineSeconds = zip(providers, pricers).map { file, pricer in
            guard let meter = file.meter(named: PricingFile.machineMeterName), pricer.machineMeter != nil else { return [] }
            var seconds = [Decimal?](repeating: nil, count: file.machines.count)
            for job in fixedJobs {
                guard case .success(let machine) = ProviderUsage.machine(for: job, on: file),
                      let index = file.machines.firstIndex(where: { $0.name == machine.name }) else { continue }
                let quantities = job.quantities(execution: file.execution)
                seconds[index] = (seconds[index] ?? 0) + meter.value { quantities[$0] }
            }
            return seconds
        }

        // The mixed case: the fixed jobs' quantities in whole millionths (not needed when nothing
        // is uncertain: the engine's totals are used as they are).
        func millionths(_ value: Decimal) -> Decimal { value.rounded(scale: 6) }
        var quantized: [[Decimal]] = [[Decimal](repeating: 0, count: Quantity.allCases.count),
                                      [Decimal](repeating: 0, count: Quantity.allCases.count)]
        for job in samplers.isEmpty ? [] : fixedJobs {
            for (slot, execution) in [PricingFile.Execution.steps, .runs].enumerated() {
                let quantities = job.quantities(execution: execution)
                for (index, quantity) in Quantity.allCases.enumerated() where !quantities[quantity].isZero {
                    quantized[slot][index] += millionths(quantities[quantity])
                }
            }
        }
        fixedQuantized = quantized
        var machineQuantized: [[Decimal]] = []
        var machineUsed: [[Bool]] = []
        for (file, pricer) in zip(providers, pricers) {
            let terms = pricer.machineMeter?.terms ?? []
            var sums = [Decimal](repeating: 0, count: file.machines.count * terms.count)
            var used = [Bool](repeating: false, count: file.machines.count)
            if !terms.isEmpty {
                for job in samplers.isEmpty ? [] : fixedJobs {
                    guard case .success(let machine) = ProviderUsage.machine(for: job, on: file),
                          let index = file.machines.firstIndex(where: { $0.name == machine.name }) else { continue }
                    let quantities = job.quantities(execution: file.execution)
                    used[index] = true
                    for (position, term) in terms.enumerated() {
                        sums[index * terms.count + position] += millionths(quantities[Quantity.allCases[term.quantity]])
                    }
                }
            }
            machineQuantized.append(sums)
            machineUsed.append(used)
        }
        fixedMachineQuantized = machineQuantized
        fixedMachineUsed = machineUsed
        let asIntegers: ([Decimal]) -> [UInt64]? = { values in
            var integers: [UInt64] = []
            for value in values {
                guard let integer = MoneyScale.integer(value, shiftedBy: 6), integer <= UInt64(Int64.max) else { return nil }
                integers.append(integer)
            }
            return integers
        }
        let fixedIntegers = quantized.compactMap(asIntegers)
        fixedMillionths = fixedIntegers.count == 2 ? fixedIntegers : nil
        let machineIntegers = machineQuantized.compactMap(asIntegers)
        fixedMachineMillionths = machineIntegers.count == machineQuantized.count ? machineIntegers : nil

        var needed: [Set<Int>] = [[], []]
        for (index, pricer) in pricers.enumerated() {
            needed[executionSlot[index]].formUnion(pricer.neededQuantities)
        }
        neededQuantities = needed.map { $0.sorted() }
        machineChoice = samplers.map { sampler in
            pricers.map { pricer in
                guard pricer.machineMeter != nil else { return Self.notMachinePriced }
                if let memory = sampler.memoryMB, memory.constantValue == nil { return Self.machineByMemory }
                return pricer.machineIndex(for: sampler.job, memoryMB: sampler.memoryMB?.constantValue) ?? Self.noMachine
            }
        }
        // Extremes only matter where a limit reads them; a job whose steps per run cannot exceed
        // the smallest steps limit needs no draw of its most steps.
        var shared: JobSampler.Extremes = []
        var stepsLimit = Double.infinity
        for pricer in pricers {
            if pricer.platformMaxDuration != nil { shared.insert(.longestStep) }
            for plan in pricer.plans where !plan.custom {
                if plan.maxDurationSeconds != nil { shared.insert(pricer.execution == .steps ? .longestStep : .longestRun) }
                if let limit = plan.maxStepsPerRun { stepsLimit = Swift.min(stepsLimit, limit) }
            }
        }
        var offsets = [0], usedOffsets = [0]
        for pricer in pricers {
            offsets.append(offsets[offsets.count - 1] + pricer.file.machines.count * (pricer.machineMeter?.terms.count ?? 0))
            usedOffsets.append(usedOffsets[usedOffsets.count - 1] + pricer.file.machines.count)
        }
        machineOffsets = offsets
        machineUsedOffsets = usedOffsets
        machineProviders = pricers.indices.compactMap { index in
            pricers[index].machineMeter.map { (index, pricers[index].execution == .steps ? 0 : 1, $0.terms.map(\.quantity)) }
        }
        var limits = Set<Double>()
        for pricer in pricers {
            if let limit = pricer.platformMaxDuration { limits.insert(limit) }
            if pricer.execution == .steps {
                for plan in pricer.plans where !plan.custom { if let limit = plan.maxDurationSeconds { limits.insert(limit) } }
            }
        }
        let sortedLimits = limits.sorted()
        stepLimits = sortedLimits
        stepLogCDF = samplers.map { sampler in
            guard let seconds = sampler.stepSeconds, !seconds.isConstant, sampler.maxStepSeconds == nil else { return [] }
            return sortedLimits.map { log1p(-seconds.survival($0)) }
        }
        extremes = samplers.map { sampler in
            sampler.steps.largestPossible > stepsLimit ? shared.union(.mostSteps) : shared
        }
        inputs = samplers.flatMap { sampler in
            sampler.uncertainFields.map { field in
                SimulationInput(job: sampler.job.name, field: field, perRun: !JobSampler.monthlyFields.contains(field),
                                distribution: Self.describe(sampler.job.specs[field]))
            }
        }
    }

    /// True when months are priced in fixed point.
    var usesFixedPoint: Bool { scaledPricers != nil && fixedMillionths != nil && fixedMachineMillionths != nil && !isDeterministic }

    // MARK: Running

    /// Everything the trials produced, in trial order.
    struct Run: Sendable {
        /// [provider][trial]: the cheapest feasible plan's index, or -1.
        var chosen: [[Int32]]
        /// [provider][trial]: its exact cost and its bill (zero when none), in fixed point…
        var scaledExact: [[ScaledMoney]]
        var scaledMonthly: [[ScaledMoney]]
        /// …or as decimals (one of the two pairs is filled).
        var exact: [[Decimal]]
        var monthly: [[Decimal]]
        /// [provider][plan][kind]: months with that reason, and the first such month.
        var reasonTrials: [[[Int]]]
        var firstTrial: [[[Int]]]
        /// [provider][plan]: months infeasible.
        var infeasibleTrials: [[Int]]
        /// [input][trial]: each uncertain input's monthly value, when recording.
        var inputValues: [[Double]]
        /// True when fixed point overflowed: the run must be repeated with decimals.
        var overflowed = false
    }

    /// Reusable buffers of one task.
    struct Scratch {
        /// Sampled jobs' totals in millionths, by slot × 9 + quantity, and what overflowed Int64.
        var sums = [Int64](repeating: 0, count: 2 * Quantity.allCases.count)
        var overflow = [Decimal](repeating: 0, count: 2 * Quantity.allCases.count)
        var overflowed = false
        /// Sampled machine-meter quantities: at `machineOffsets[provider]` + machine × terms + term.
        var machineSums: [Int64]
        var machineOverflow: [Decimal]
        /// Machines used by a sampled job this month: at `machineUsedOffsets[provider]` + machine.
        var machineUsed: [Bool]
        var masks: [[UInt32]]
        var inputs: [Double]
        /// Per provider: the month for `MeterPricer`, and meter-total buffers.
        var months: [ProviderMonth]
        var meterTotals: [[Decimal]]
        /// Per provider: totals in millionths for `ScaledPricer`.
        var totals: [[UInt64]]
        var machineTotals: [[UInt64]]
        var machineTotalsUsed: [[Bool]]
        var scaledMeterTotals: [[UInt64]]
    }

    func makeScratch() -> Scratch {
        let quantities = Quantity.allCases.count
        return Scratch(
            machineSums: [Int64](repeating: 0, count: machineOffsets.last ?? 0),
            machineOverflow: [Decimal](repeating: 0, count: machineOffsets.last ?? 0),
            machineUsed: [Bool](repeating: false, count: machineUsedOffsets.last ?? 0),
            masks: pricers.map { [UInt32](repeating: 0, count: $0.plans.count) },
            inputs: [Double](repeating: 0, count: inputs.count),
            months: pricers.indices.map { ProviderMonth(totals: exactTotals[$0], machineSeconds: exactMachineSeconds[$0]) },
            meterTotals: pricers.map { [Decimal](repeating: 0, count: $0.meters.count) },
            totals: pricers.map { _ in [UInt64](repeating: 0, count: quantities) },
            machineTotals: pricers.map { [UInt64](repeating: 0, count: $0.file.machines.count * ($0.machineMeter?.terms.count ?? 0)) },
            machineTotalsUsed: pricers.map { [Bool](repeating: false, count: $0.file.machines.count) },
            scaledMeterTotals: pricers.map { [UInt64](repeating: 0, count: $0.meters.count) })
    }

    /// Runs every trial, on all cores, in fixed point when possible (repeating the run in
    /// decimals if fixed point ever overflows, so the result never depends on it).
    func run(trials: Int, progress: (@Sendable (Int, Int) -> Void)?) -> Run {
        if usesFixedPoint {
            let run = run(trials: trials, fixedPoint: true, progress: progress)
            if !run.overflowed { return run }
        }
        return run(trials: trials, fixedPoint: false, progress: progress)
    }

    func run(trials: Int, fixedPoint: Bool, progress: (@Sendable (Int, Int) -> Void)?) -> Run {
        let chunks = (trials + Self.chunkSize - 1) / Self.chunkSize
        let slots = ResultSlots<Run>(count: chunks)
        let counter = ProgressCounter()
        let body: @Sendable (Int) -> Void = { chunk in
            let start = chunk * Self.chunkSize
            let end = Swift.min(trials, start + Self.chunkSize)
            slots.store(self.runChunk(start..<end, fixedPoint: fixedPoint), at: chunk)
            if let progress { progress(counter.add(end - start), trials) }
        }
        if isDeterministic || chunks == 1 {
            // Nothing varies, or one chunk: no threads needed.
            for chunk in 0..<chunks { body(chunk) }
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
        }
        let parts = slots.values()
        var merged = parts[0]
        for part in parts.dropFirst() {
            merged.overflowed = merged.overflowed || part.overflowed
            for provider in merged.chosen.indices {
                merged.chosen[provider] += part.chosen[provider]
                merged.scaledExact[provider] += part.scaledExact[provider]
                merged.scaledMonthly[provider] += part.scaledMonthly[provider]
                merged.exact[provider] += part.exact[provider]
                merged.monthly[provider] += part.monthly[provider]
                for plan in merged.reasonTrials[provider].indices {
                    merged.infeasibleTrials[provider][plan] += part.infeasibleTrials[provider][plan]
                    for kind in merged.reasonTrials[provider][plan].indices {
                        merged.reasonTrials[provider][plan][kind] += part.reasonTrials[provider][plan][kind]
                        merged.firstTrial[provider][plan][kind] = Swift.min(merged.firstTrial[provider][plan][kind], part.firstTrial[provider][plan][kind])
                    }
                }
            }
            for input in merged.inputValues.indices { merged.inputValues[input] += part.inputValues[input] }
        }
        return merged
    }

    /// Runs trials `range` (one task).
    func runChunk(_ range: Range<Int>, fixedPoint: Bool) -> Run {
        let kinds = InfeasibilityKind.allCases.count
        var run = Run(chosen: pricers.map { _ in [] }, scaledExact: pricers.map { _ in [] }, scaledMonthly: pricers.map { _ in [] },
                      exact: pricers.map { _ in [] }, monthly: pricers.map { _ in [] },
                      reasonTrials: pricers.map { [[Int]](repeating: [Int](repeating: 0, count: kinds), count: $0.plans.count) },
                      firstTrial: pricers.map { [[Int]](repeating: [Int](repeating: Int.max, count: kinds), count: $0.plans.count) },
                      infeasibleTrials: pricers.map { [Int](repeating: 0, count: $0.plans.count) },
                      inputValues: recordInputs ? inputs.map { _ in [] } : [])
        for provider in pricers.indices {
            run.chosen[provider].reserveCapacity(range.count)
            if fixedPoint {
                run.scaledExact[provider].reserveCapacity(range.count)
                run.scaledMonthly[provider].reserveCapacity(range.count)
            } else {
                run.exact[provider].reserveCapacity(range.count)
                run.monthly[provider].reserveCapacity(range.count)
            }
        }
        var scratch = makeScratch()
        // Fixed point samples the whole chunk job by job first (one job's draws in a tight loop).
        let samples = fixedPoint ? sampleChunk(range) : nil
        if let samples, samples.overflowed {
            run.overflowed = true
            return run
        }
        // A workload with nothing uncertain has one month, repeated: price it once.
        var repeated: [MeterPricer.Outcome]?
        for trial in range {
            if let samples {
                guard let outcomes = scaledTrial(trial - range.lowerBound, samples, &scratch) else {
                    run.overflowed = true
                    return run
                }
                for (provider, outcome) in outcomes.enumerated() {
                    run.chosen[provider].append(Int32(outcome.chosen ?? -1))
                    run.scaledExact[provider].append(outcome.exactCost)
                    run.scaledMonthly[provider].append(outcome.monthlyCost)
                }
            } else {
                let outcomes = repeated ?? decimalTrial(trial, &scratch)
                if isDeterministic { repeated = outcomes }
                for (provider, outcome) in outcomes.enumerated() {
                    run.chosen[provider].append(Int32(outcome.chosen ?? -1))
                    run.exact[provider].append(outcome.exactCost)
                    run.monthly[provider].append(outcome.monthlyCost)
                }
            }
            for provider in pricers.indices {
                for plan in scratch.masks[provider].indices where scratch.masks[provider][plan] != 0 {
                    let mask = scratch.masks[provider][plan]
                    run.infeasibleTrials[provider][plan] += 1
                    for kind in 0..<kinds where mask & (1 << UInt32(kind)) != 0 {
                        run.reasonTrials[provider][plan][kind] += 1
                        if run.firstTrial[provider][plan][kind] == Int.max { run.firstTrial[provider][plan][kind] = trial }
                    }
                }
            }
            if recordInputs {
                if let samples {
                    let base = (trial - range.lowerBound) * inputs.count
                    for index in inputs.indices { run.inputValues[index].append(samples.inputs[base + index]) }
                } else {
                    for index in inputs.indices { run.inputValues[index].append(scratch.inputs[index]) }
                }
            }
        }
        return run
    }

    /// One month priced with `MeterPricer` (decimals).
    func decimalTrial(_ trial: Int, _ scratch: inout Scratch) -> [MeterPricer.Outcome] {
        let month = sample(trial, &scratch)
        var outcomes: [MeterPricer.Outcome] = []
        outcomes.reserveCapacity(pricers.count)
        for provider in pricers.indices {
            updateProviderMonth(provider, &scratch, month)
            outcomes.append(pricers[provider].price(scratch.months[provider], masks: &scratch.masks[provider],
                                                    meterTotals: &scratch.meterTotals[provider]))
        }
        return outcomes
    }

    /// One month of a sampled chunk (position `k`) priced with `ScaledPricer` (fixed point);
    /// nil on overflow.
    func scaledTrial(_ k: Int, _ samples: ChunkSamples, _ scratch: inout Scratch) -> [ScaledPricer.Outcome]? {
        guard let scaledPricers, let fixedMillionths, let fixedMachineMillionths else { return nil }
        var outcomes: [ScaledPricer.Outcome] = []
        outcomes.reserveCapacity(pricers.count)
        let quantityCount = Quantity.allCases.count
        let sumsBase = k * 2 * quantityCount
        let machineBase = k * (machineOffsets.last ?? 0)
        let usedBase = k * (machineUsedOffsets.last ?? 0)
        let month = SampledMonth(longestStep: samples.extremes[k * 4], longestRun: samples.extremes[k * 4 + 1],
                                 largestMemoryMB: samples.extremes[k * 4 + 2], mostSteps: samples.extremes[k * 4 + 3],
                                 machineMask: Array(samples.machineMask[(k * pricers.count)..<((k + 1) * pricers.count)]))
        for provider in pricers.indices {
            let slot = executionSlot[provider]
            for index in pricers[provider].neededQuantities {
                let sampledTotal = samples.sums[sumsBase + slot * quantityCount + index]
                let (total, overflow) = fixedMillionths[slot][index].addingReportingOverflow(UInt64(bitPattern: sampledTotal))
                guard !overflow, sampledTotal >= 0 else { return nil }
                scratch.totals[provider][index] = total
            }
            for index in scratch.machineTotals[provider].indices {
                let sampledTotal = samples.machineSums[machineBase + machineOffsets[provider] + index]
                let (total, overflow) = fixedMachineMillionths[provider][index].addingReportingOverflow(UInt64(bitPattern: sampledTotal))
                guard !overflow, sampledTotal >= 0 else { return nil }
                scratch.machineTotals[provider][index] = total
            }
            for machine in scratch.machineTotalsUsed[provider].indices {
                scratch.machineTotalsUsed[provider][machine] = samples.machineUsed[usedBase + machineUsedOffsets[provider] + machine]
                    || fixedMachineUsed[provider][machine]
            }
            setExtremes(provider, &scratch, month)
            guard let outcome = scaledPricers[provider].price(
                totals: scratch.totals[provider], machineQuantities: scratch.machineTotals[provider],
                machineUsed: scratch.machineTotalsUsed[provider], extremes: scratch.months[provider],
                masks: &scratch.masks[provider], meterTotals: &scratch.scaledMeterTotals[provider]) else { return nil }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// A chunk of trials sampled job by job: per trial (position k in the chunk) the sampled
    /// jobs' totals in millionths, machine quantities, extremes and recorded inputs.
    struct ChunkSamples {
        /// [k × 18 + slot × 9 + quantity].
        var sums: [Int64]
        /// [k × machine total + machineOffsets[provider] + machine × terms + term].
        var machineSums: [Int64]
        var machineUsed: [Bool]
        /// [k × 4 + (longest step, longest run, largest memory, most steps)].
        var extremes: [Double]
        /// [k × providers + provider].
        var machineMask: [UInt32]
        /// [k × inputs + input].
        var inputs: [Double]
        /// True when a sum left Int64 (fixed point cannot price the chunk).
        var overflowed = false
    }

    /// Samples trials `range`, one job at a time: the same months as `sample(_:_:)`, in a layout
    /// that keeps each job's samplers hot.
    /// - Complexity: O(range × uncertain jobs).
    func sampleChunk(_ range: Range<Int>) -> ChunkSamples {
        let count = range.count
        let quantityCount = Quantity.allCases.count
        let machineWidth = machineOffsets.last ?? 0
        let usedWidth = machineUsedOffsets.last ?? 0
        var samples = ChunkSamples(sums: [Int64](repeating: 0, count: count * 2 * quantityCount),
                                   machineSums: [Int64](repeating: 0, count: count * machineWidth),
                                   machineUsed: [Bool](repeating: false, count: count * usedWidth),
                                   extremes: [Double](repeating: 0, count: count * 4),
                                   machineMask: [UInt32](repeating: 0, count: count * pricers.count),
                                   inputs: [Double](repeating: 0, count: recordInputs ? count * inputs.count : 0))
        var overflowed = false
        let trialKeys = range.map { Xoshiro256StarStar.streamKey(seed: seed, stream: UInt64($0)) }
        let stepsNeeded = neededQuantities[0], runsNeeded = neededQuantities[1]
        // The machine-priced providers, flattened (no array copies in the loop).
        let machineProviderCount = machineProviders.count
        let machineProviderIndex = machineProviders.map(\.provider)
        let machineProviderSlot = machineProviders.map(\.slot)
        var machineTermOffsets = [0]
        for entry in machineProviders { machineTermOffsets.append(machineTermOffsets[machineTermOffsets.count - 1] + entry.quantities.count) }
        let machineTermQuantities = machineProviders.flatMap(\.quantities)
        var inputBase = 0
        samples.sums.withUnsafeMutableBufferPointer { sums in
        samples.machineSums.withUnsafeMutableBufferPointer { machineSums in
        samples.machineUsed.withUnsafeMutableBufferPointer { machineUsed in
        samples.extremes.withUnsafeMutableBufferPointer { extremesOut in
        samples.machineMask.withUnsafeMutableBufferPointer { masks in
        samples.inputs.withUnsafeMutableBufferPointer { inputsOut in
            for position in sampled.indices {
                let sampler = sampled[position]
                let wanted = extremes[position]
                let logCDF = stepLogCDF[position]
                let choices = machineChoice[position]
                let fields = sampler.uncertainFields
                for k in 0..<count {
                    let month = sampler.month(trialKey: trialKeys[k], extremes: wanted, stepLimits: stepLimits, stepLogCDF: logCDF)
                    let e = k * 4
                    extremesOut[e] = Swift.max(extremesOut[e], month.longestStep)
                    extremesOut[e + 1] = Swift.max(extremesOut[e + 1], month.longestRun)
                    if let memory = month.memoryMB { extremesOut[e + 2] = Swift.max(extremesOut[e + 2], memory) }
                    extremesOut[e + 3] = Swift.max(extremesOut[e + 3], month.mostSteps)
                    let base = k * 2 * quantityCount
                    for position in 0..<stepsNeeded.count {
                        let index = stepsNeeded[position]
                        if !Self.accumulate(month.quantity(index, .steps), into: &sums[base + index]) { overflowed = true }
                    }
                    for position in 0..<runsNeeded.count {
                        let index = runsNeeded[position]
                        if !Self.accumulate(month.quantity(index, .runs), into: &sums[base + quantityCount + index]) { overflowed = true }
                    }
                    for entry in 0..<machineProviderCount {
                        let provider = machineProviderIndex[entry]
                        var machine = choices[provider]
                        if machine == Self.machineByMemory {
                            machine = pricers[provider].machineIndex(for: sampler.job, memoryMB: month.memoryMB) ?? Self.noMachine
                        }
                        guard machine >= 0 else {
                            masks[k * pricers.count + provider] |= InfeasibilityKind.machine.bit
                            continue
                        }
                        let execution: PricingFile.Execution = machineProviderSlot[entry] == 0 ? .steps : .runs
                        let termStart = machineTermOffsets[entry], terms = machineTermOffsets[entry + 1] - termStart
                        for term in 0..<terms {
                            let index = k * machineWidth + machineOffsets[provider] + machine * terms + term
                            if !Self.accumulate(month.quantity(machineTermQuantities[termStart + term], execution), into: &machineSums[index]) {
                                overflowed = true
                            }
                        }
                        machineUsed[k * usedWidth + machineUsedOffsets[provider] + machine] = true
                    }
                    if recordInputs {
                        for (offset, field) in fields.enumerated() {
                            inputsOut[k * inputs.count + inputBase + offset] = month.inputValue(field, volumeFactor: sampler.volumeFactor)
                        }
                    }
                }
                inputBase += fields.count
            }
        }
        }
        }
        }
        }
        }
        samples.overflowed = overflowed
        return samples
    }

    /// The month's extremes over the sampled jobs, and machine problems per provider.
    struct SampledMonth {
        var longestStep = 0.0
        var longestRun = 0.0
        var largestMemoryMB = 0.0
        var mostSteps = 0.0
        var machineMask: [UInt32]
    }

    /// Draws every uncertain job's month and adds its quantities, as whole millionths, into
    /// `scratch` (per execution model, and per machine for machine-priced providers).
    /// - Complexity: O(uncertain jobs × providers).
    func sample(_ trial: Int, _ scratch: inout Scratch) -> SampledMonth {
        if scratch.overflowed {
            for index in scratch.overflow.indices { scratch.overflow[index] = 0 }
            for index in scratch.machineOverflow.indices { scratch.machineOverflow[index] = 0 }
            scratch.overflowed = false
        }
        var result = SampledMonth(machineMask: [UInt32](repeating: 0, count: pricers.count))
        let quantityCount = Quantity.allCases.count
        let needed = neededQuantities
        var overflowed = false
        scratch.sums.withUnsafeMutableBufferPointer { sums in
            scratch.machineSums.withUnsafeMutableBufferPointer { machineSums in
                scratch.machineUsed.withUnsafeMutableBufferPointer { machineUsed in
                    for index in sums.indices { sums[index] = 0 }
                    for index in machineSums.indices { machineSums[index] = 0 }
                    for index in machineUsed.indices { machineUsed[index] = false }
                    var inputPosition = 0
                    for position in sampled.indices {
                        let sampler = sampled[position]
                        let month = sampler.month(seed: seed, trial: trial, extremes: extremes[position], stepLimits: stepLimits,
                                                  stepLogCDF: stepLogCDF[position])
                        result.longestStep = Swift.max(result.longestStep, month.longestStep)
                        result.longestRun = Swift.max(result.longestRun, month.longestRun)
                        if let memory = month.memoryMB { result.largestMemoryMB = Swift.max(result.largestMemoryMB, memory) }
                        result.mostSteps = Swift.max(result.mostSteps, month.mostSteps)
                        for slot in 0..<2 {
                            let execution: PricingFile.Execution = slot == 0 ? .steps : .runs
                            for index in needed[slot] {
                                if !Self.accumulate(month.quantity(index, execution), into: &sums[slot * quantityCount + index]) {
                                    scratch.overflow[slot * quantityCount + index] += Self.exactMillionths(month.quantity(index, execution))
                                    overflowed = true
                                }
                            }
                        }
                        for machineProvider in machineProviders {
                            let provider = machineProvider.provider
                            var machine = machineChoice[position][provider]
                            if machine == Self.machineByMemory {
                                machine = pricers[provider].machineIndex(for: sampler.job, memoryMB: month.memoryMB) ?? Self.noMachine
                            }
                            guard machine >= 0 else {
                                result.machineMask[provider] |= InfeasibilityKind.machine.bit
                                continue
                            }
                            let execution: PricingFile.Execution = machineProvider.slot == 0 ? .steps : .runs
                            let terms = machineProvider.quantities.count
                            for term in 0..<terms {
                                let value = month.quantity(machineProvider.quantities[term], execution)
                                let index = machineOffsets[provider] + machine * terms + term
                                if !Self.accumulate(value, into: &machineSums[index]) {
                                    scratch.machineOverflow[index] += Self.exactMillionths(value)
                                    overflowed = true
                                }
                            }
                            machineUsed[machineUsedOffsets[provider] + machine] = true
                        }
                        if recordInputs {
                            for field in sampler.uncertainFields {
                                scratch.inputs[inputPosition] = month.inputValue(field, volumeFactor: sampler.volumeFactor)
                                inputPosition += 1
                            }
                        }
                    }
                }
            }
        }
        if overflowed { scratch.overflowed = true }
        return result
    }

    /// Copies the month's extremes into `scratch.months[provider]`.
    @inline(__always)
    func setExtremes(_ provider: Int, _ scratch: inout Scratch, _ month: SampledMonth) {
        scratch.months[provider].longestStep = month.longestStep
        scratch.months[provider].longestRun = month.longestRun
        scratch.months[provider].largestMemoryMB = month.largestMemoryMB
        scratch.months[provider].mostSteps = month.mostSteps
        scratch.months[provider].providerMask = month.machineMask[provider]
    }

    /// One provider's view of the sampled month as exact decimals, written into
    /// `scratch.months[provider]`: the engine's totals when nothing is uncertain, else the fixed
    /// jobs' millionths plus the sampled ones.
    func updateProviderMonth(_ provider: Int, _ scratch: inout Scratch, _ month: SampledMonth) {
        setExtremes(provider, &scratch, month)
        guard !isDeterministic else { return }
        let pricer = pricers[provider]
        let slot = executionSlot[provider]
        let quantityCount = Quantity.allCases.count
        for index in pricer.neededQuantities {
            var total = fixedQuantized[slot][index] + Decimal.millionths(scratch.sums[slot * quantityCount + index])
            if scratch.overflowed { total += scratch.overflow[slot * quantityCount + index] }
            scratch.months[provider].totals[index] = total
        }
        if let meter = pricer.machineMeter {
            let terms = meter.terms.count
            for machine in scratch.months[provider].machineSeconds.indices {
                guard scratch.machineUsed[machineUsedOffsets[provider] + machine] || fixedMachineUsed[provider][machine] else {
                    scratch.months[provider].machineSeconds[machine] = nil
                    continue
                }
                var seconds = Decimal(0)
                for term in 0..<terms {
                    let index = machine * terms + term
                    var quantity = fixedMachineQuantized[provider][index] + Decimal.millionths(scratch.machineSums[machineOffsets[provider] + index])
                    if scratch.overflowed { quantity += scratch.machineOverflow[machineOffsets[provider] + index] }
                    seconds += meter.terms[term].isOne ? quantity : meter.terms[term].coefficient * quantity
                }
                scratch.months[provider].machineSeconds[machine] = seconds
            }
        }
    }

    /// A provider's decimal month for `trial` (for reasons in words and tests).
    func providerMonth(_ provider: Int, trial: Int) -> ProviderMonth {
        var scratch = makeScratch()
        let month = sample(trial, &scratch)
        updateProviderMonth(provider, &scratch, month)
        return scratch.months[provider]
    }

    /// Adds a quantity as whole millionths: `value × 10⁶` rounded to nearest (ties to even) in
    /// double arithmetic. False when the sum would leave Int64 (the caller then continues in
    /// `Decimal` with `exactMillionths`).
    @inline(__always)
    static func accumulate(_ value: Double, into sum: inout Int64) -> Bool {
        let product = value * 1_000_000
        let whole: Int64
        if abs(product) < 0x1p51 {
            whole = Int64((product + 0x1.8p52) - 0x1.8p52)   // already whole: the conversion is exact
        } else {
            guard let exact = Int64(exactly: product.rounded(.toNearestOrEven)) else { return false }
            whole = exact
        }
        let (total, overflowed) = sum.addingReportingOverflow(whole)
        guard !overflowed else { return false }
        sum = total
        return true
    }

    /// `value × 10⁶` rounded to the nearest integer, ties to even (below 2⁵¹, adding and removing
    /// 1.5 × 2⁵² does exactly that).
    @inline(__always)
    static func millionths(_ value: Double) -> Double {
        let product = value * 1_000_000
        return abs(product) < 0x1p51 ? (product + 0x1.8p52) - 0x1.8p52 : product.rounded(.toNearestOrEven)
    }

    /// The same whole millionths as an exact decimal (for sums beyond Int64).
    static func exactMillionths(_ value: Double) -> Decimal {
        (Decimal(exactText: String(format: "%.0f", millionths(value))) ?? 0) * Decimal(sign: .plus, exponent: -6, significand: 1)
    }
}

/// A counter shared by concurrent tasks, for progress reports.
final class ProgressCounter: @unchecked Sendable {
    private var done = 0
    private let lock = NSLock()

    func add(_ count: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        done += count
        return done
    }
}

extension Decimal {
    /// `value × 10⁻⁶`, exactly.
    @inline(__always)
    static func millionths(_ value: Int64) -> Decimal {
        if value == 0 { return 0 }
        return Decimal(sign: value < 0 ? .minus : .plus, exponent: -6, significand: Decimal(value.magnitude))
    }
}
