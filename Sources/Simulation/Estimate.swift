import CostModel
import Foundation
import Workload

/// One plan's bill for a workload, with each job's share of each meter: `costsim estimate`.
public struct Estimate: Sendable {
    public var workload: Workload
    public var catalog: Catalog
    public var provider: PricingFile
    public var platform: PlatformPlan?
    public var evaluation: PlanEvaluation
    public var usage: ProviderUsage

    /// Prices `provider/plan` and keeps the per-job usage for the report.
    public static func make(_ workload: Workload, catalog: Catalog, plan reference: String,
                            platform override: PlatformReference? = nil, withPlatformCosts: Bool = false) throws(CostsimError) -> Estimate {
        let (file, plan) = try catalog.findPlan(reference)
        let platform = try catalog.resolvePlatform(override ?? workload.platform, fromCommandLine: override != nil, workloadFile: workload.file)
        let engine = CostEngine(workload: workload, platform: platform, withPlatformCosts: withPlatformCosts)
        let usage = engine.usage(on: file)
        return Estimate(workload: workload, catalog: catalog, provider: file, platform: platform,
                        evaluation: engine.evaluate(usage: usage, plan: plan), usage: usage)
    }

    /// Each job's contribution to each priced meter, in meter order (compute meters by machine).
    public func jobMeterValues(job index: Int) -> [(meter: String, quantity: Decimal)] {
        let quantities = usage.jobQuantities[index]
        return provider.meters.map { meter in
            var name = meter.name
            if provider.isMachinePriced && meter.name == PricingFile.machineMeterName, let machine = usage.jobMachines[index] {
                name += " (\(machine))"
            }
            return (name, meter.value { quantities[$0] })
        }
    }
}
