import Foundation
import Testing

/// `check --config FILE`: budgets kept in a file, overridden by command-line options.
@Suite("check with a budget file")
struct CheckConfigTests {
    @Test("the shipped budget file passes on the saas fixture")
    func shippedBudgetPasses() throws {
        let result = try CLI.run(["check", "Fixtures/saas.yaml", "--config", "Fixtures/budgets/saas-budget.yaml"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ok: the cheapest plan (inngest/pro-2025) costs $167.58/month, within the budget of $250.00"))
        #expect(result.stdout.contains("changed by +$0.00 (+0.0%) against the baseline's $167.58, within the allowed 10%"))
    }

    @Test("a command-line budget overrides the file's and fails the check")
    func commandLineOverrides() throws {
        let result = try CLI.run(["check", "Fixtures/saas.yaml", "--config", "Fixtures/budgets/saas-budget.yaml", "--budget", "100"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "check failed: the cheapest plan (inngest/pro-2025) costs $167.58/month, over the budget of $100.00 by $67.58\n")
    }

    @Test("a bad budget file is invalid input (65); a missing one is 66")
    func badFiles() throws {
        let scratch = try TemporaryDirectory()
        let bad = try scratch.write("b.yaml", "version: 1\nbudgt: 5\n").path
        let invalid = try CLI.run(["check", "Fixtures/saas.yaml", "--config", bad])
        #expect(invalid.status == 65, "\(invalid)")
        #expect(invalid.stderr.contains("b.yaml:2:1: budgt: unknown key 'budgt'\n  hint: did you mean 'budget'?"))
        let missing = try CLI.run(["check", "Fixtures/saas.yaml", "--config", scratch.path("none.yaml")])
        #expect(missing.status == 66, "\(missing)")
    }
}

/// A step too long for the platform gets advice: split it, or a platform plan that fits.
@Suite("advice on steps over the platform's limit")
struct SplitAdviceTests {
    @Test("the 45 s PDF step under Vercel Hobby")
    func pdfUnderHobby() throws {
        let result = try CLI.run(["compare", "Fixtures/pdf-generation.yaml", "--catalog", "seed-2025-01"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("  - pdf-generation: to run on Inngest under Vercel Hobby, split its 45 s step into steps of at most 10 s, or use vercel/pro (60 s)\n"))
    }

    @Test("no advice when every step fits")
    func noAdviceWhenItFits() throws {
        let result = try CLI.run(["compare", "Fixtures/pdf-generation.yaml", "--catalog", "seed-2025-01", "--platform", "vercel/pro"])
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("split its"))
    }
}
