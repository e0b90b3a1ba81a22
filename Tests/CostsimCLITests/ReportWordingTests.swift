import Foundation
import Testing

/// Wording problems found while reading the golden files as a user: each pins the text a
/// reader sees, beyond byte-equality with a golden.
@Suite("Report wording")
struct ReportWordingTests {
    /// `pricing show` used to write an overage price with no included quantity as "runs: then
    /// 0.000025": a "then" with nothing before it. It now reads "runs: 0.000025 each".
    @Test func priceWithoutIncludedQuantityReadsNaturally() throws {
        let result = try CLI.run(["pricing", "show", "trigger-dev"])
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains(": then "))
        #expect(result.stdout.contains("  plan free\n    monthly fee: $0.00\n    runs: 0.000025 each\n"))
    }

    @Test func priceAfterAnIncludedQuantityReadsNaturally() throws {
        let result = try CLI.run(["pricing", "show", "inngest/startup", "--catalog", "seed-2025-01"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("    steps: 1,000,000 included, then 0.00004\n"))
    }

    @Test func infeasibleReasonNamesJobStepAndLimit() throws {
        let result = try CLI.run(["compare", "Fixtures/pdf-generation.yaml", "--catalog", "seed-2025-01"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("  inngest/startup: pdf-generation: 45 s step exceeds Vercel Hobby's 10 s limit\n"))
        #expect(result.stdout.contains("Cheapest: trigger-dev/pro at $400.00/month, the only provider with a feasible plan.\n"))
    }

    @Test func missingPlatformIsSaid() throws {
        let result = try CLI.run(["compare", "Fixtures/seed-article.yaml", "--catalog", "seed-2025-01"])
        #expect(result.stdout.contains("platform not given"))
        #expect(result.stdout.contains("step time limits of Inngest were not checked"))
    }

    @Test func unverifiedFiguresAreFlagged() throws {
        let result = try CLI.run(["compare", "Fixtures/saas.yaml"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Trigger.dev figures are partly unverified"))
    }
}
