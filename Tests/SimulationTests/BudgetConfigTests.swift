import CostModel
import Foundation
@testable import Simulation
import Testing

@Suite("BudgetConfig")
struct BudgetConfigTests {
    @Test("reads every key and resolves the baseline against the file's folder")
    func readsEveryKey() throws {
        let config = try BudgetConfig.parse("""
            version: 1
            budget: 250
            max_increase: 10%
            baseline: ../saas.yaml
            plan: inngest/pro-2026
            providers: [inngest, trigger-dev]
            """, file: "ci/budgets.yaml")
        #expect(config.budget == 250)
        #expect(config.maxIncrease == .percent(10))
        #expect(config.baseline == "ci/../saas.yaml")
        #expect(config.plan == "inngest/pro-2026")
        #expect(config.providers == ["inngest", "trigger-dev"])
    }

    @Test("an amount increase and an absolute baseline path")
    func amountIncrease() throws {
        let config = try BudgetConfig.parse("version: 1\nmax_increase: 200\nbaseline: /tmp/main.json\n", file: "b.yaml")
        #expect(config.maxIncrease == .amount(200))
        #expect(config.baseline == "/tmp/main.json")
        #expect(config.budget == nil)
    }

    @Test("problems are reported word for word")
    func problems() throws {
        func messages(_ text: String) -> [String] {
            do {
                _ = try BudgetConfig.parse(text, file: "b.yaml")
                return []
            } catch {
                guard case .invalid(let diagnostics) = error else { return ["unexpected \(error)"] }
                return diagnostics.map(\.description)
            }
        }
        #expect(messages("version: 1\nbudgt: 5\n") == [
            "b.yaml:2:1: budgt: unknown key 'budgt'\n  hint: did you mean 'budget'?",
            "b.yaml:1:1: the file sets no budget\n  hint: add 'budget: AMOUNT' and/or 'max_increase: AMOUNT|PCT%'",
        ])
        #expect(messages("version: 1\nmax_increase: lots\nbaseline: x.json\n") == [
            "b.yaml:2:15: max_increase: expected an amount (200) or a percentage (10%), found \"lots\"",
            "b.yaml:1:1: the file sets no budget\n  hint: add 'budget: AMOUNT' and/or 'max_increase: AMOUNT|PCT%'",
        ])
        #expect(messages("version: 1\nmax_increase: 5%\n") == [
            "b.yaml:2:15: max_increase: max_increase needs a baseline\n  hint: add 'baseline: FILE' (a workload or a saved JSON report)",
        ])
        #expect(messages("version: 1\nbudget: -3\n") == [
            "b.yaml:2:9: budget: must be at least 0, found -3",
            "b.yaml:1:1: the file sets no budget\n  hint: add 'budget: AMOUNT' and/or 'max_increase: AMOUNT|PCT%'",
        ])
    }
}
