import Foundation
import Testing
@testable import CostModel
@testable import Simulation
@testable import Workload

private typealias S = SimFixture

@Suite("Budget check")
struct BudgetCheckTests {
    // MARK: Parsing

    @Test("amounts as a user types them", arguments: [
        ("500", "500"),
        ("$500", "500"),
        ("$1,250.50", "1250.5"),
        ("1,250.50", "1250.5"),
        ("0", "0"),
        ("0.99", "0.99"),
        (" 42 ", "42"),
        (".5", "0.5"),
    ])
    func parseAmount(text: String, expected: String) {
        #expect(BudgetCheck.parseAmount(text) == S.d(expected), "\(text)")
    }

    @Test("anything else is not an amount", arguments: ["lots", "-5", "", "$", "$-5", "1.2.3", "1e3", "5 USD", "½", "5%", "NaN"])
    func parseAmountRejects(text: String) {
        #expect(BudgetCheck.parseAmount(text) == nil, "\(text)")
    }

    @Test("increase: a percentage or an amount")
    func parseIncrease() {
        #expect(BudgetCheck.Increase(parsing: "10%") == .percent(10))
        #expect(BudgetCheck.Increase(parsing: "12.5%") == .percent(S.d("12.5")))
        #expect(BudgetCheck.Increase(parsing: "0%") == .percent(0))
        #expect(BudgetCheck.Increase(parsing: "200") == .amount(200))
        #expect(BudgetCheck.Increase(parsing: "$200") == .amount(200))
        #expect(BudgetCheck.Increase(parsing: "$1,000.25") == .amount(S.d("1000.25")))
        #expect(BudgetCheck.Increase(parsing: "-5%") == nil)
        #expect(BudgetCheck.Increase(parsing: "%") == nil)
        #expect(BudgetCheck.Increase(parsing: "ten%") == nil)
        #expect(BudgetCheck.Increase(parsing: "lots") == nil)
        #expect(BudgetCheck.Increase(parsing: "-200") == nil)
        #expect(BudgetCheck.Increase.percent(10).description == "10%")
        #expect(BudgetCheck.Increase.amount(S.d("200.5")).description == "200.5")
    }

    // MARK: Violations

    @Test("over budget")
    func overBudget() {
        let check = BudgetCheck(budget: 500)
        #expect(check.violations(cost: 612, subject: "inngest/startup") == [
            .init(rule: "budget", limit: "500.00", actual: "612.00",
                  message: "inngest/startup costs $612.00/month, over the budget of $500.00 by $112.00"),
        ])
    }

    @Test("at or under budget passes")
    func withinBudget() {
        let check = BudgetCheck(budget: 500)
        #expect(check.violations(cost: 500, subject: "x").isEmpty)
        #expect(check.violations(cost: S.d("499.99"), subject: "x").isEmpty)
        #expect(check.violations(cost: S.d("500.01"), subject: "x").count == 1)
    }

    @Test("money in messages is grouped with two decimals")
    func moneyFormat() {
        let check = BudgetCheck(budget: S.d("1250.5"))
        #expect(check.violations(cost: S.d("12345.678"), subject: "x") == [
            .init(rule: "budget", limit: "1250.50", actual: "12345.68",
                  message: "x costs $12,345.68/month, over the budget of $1,250.50 by $11,095.18"),
        ])
        #expect(BudgetCheck.money(0) == "$0.00")
        #expect(BudgetCheck.money(S.d("0.5")) == "$0.50")
        #expect(BudgetCheck.money(S.d("-5")) == "-$5.00")
        #expect(BudgetCheck.money(1_000_000) == "$1,000,000.00")
    }

    @Test("max increase as an amount")
    func increaseAmount() {
        let check = BudgetCheck(maxIncrease: .amount(200), baselineCost: 400)
        #expect(check.violations(cost: 612, subject: "trigger-dev/pro") == [
            .init(rule: "max_increase", limit: "200.00", actual: "212.00",
                  message: "trigger-dev/pro rose by $212.00 (from $400.00 to $612.00), more than the allowed $200.00"),
        ])
        #expect(check.violations(cost: 600, subject: "x").isEmpty)
        #expect(check.violations(cost: 300, subject: "x").isEmpty)
    }

    @Test("max increase as a percentage")
    func increasePercent() {
        let check = BudgetCheck(maxIncrease: .percent(10), baselineCost: 500)
        #expect(check.violations(cost: 560, subject: "x") == [
            .init(rule: "max_increase", limit: "10%", actual: "12.0%",
                  message: "x rose by 12.0% (from $500.00 to $560.00), more than the allowed 10%"),
        ])
        let seventh = BudgetCheck(maxIncrease: .percent(10), baselineCost: 700)
        #expect(seventh.violations(cost: 800, subject: "x") == [
            .init(rule: "max_increase", limit: "10%", actual: "14.3%",
                  message: "x rose by 14.3% (from $700.00 to $800.00), more than the allowed 10%"),
        ])
        #expect(check.violations(cost: 550, subject: "x").isEmpty, "exactly 10% is allowed")
        #expect(check.violations(cost: 400, subject: "x").isEmpty, "a decrease is allowed")
    }

    @Test("max increase from a zero baseline")
    func zeroBaseline() {
        let check = BudgetCheck(maxIncrease: .percent(10), baselineCost: 0)
        #expect(check.violations(cost: 0, subject: "x").isEmpty)
        #expect(check.violations(cost: 5, subject: "x") == [
            .init(rule: "max_increase", limit: "10%", actual: "from zero",
                  message: "x rose from $0.00 to $5.00: any increase from zero is more than the allowed 10%"),
        ])
        let amount = BudgetCheck(maxIncrease: .amount(10), baselineCost: 0)
        #expect(amount.violations(cost: 5, subject: "x").isEmpty)
        #expect(amount.violations(cost: 11, subject: "x").map(\.actual) == ["11.00"])
    }

    @Test("max increase without a baseline is not checked")
    func noBaseline() {
        #expect(BudgetCheck(maxIncrease: .percent(1)).violations(cost: 1000, subject: "x").isEmpty)
    }

    @Test("budget and increase are both reported, budget first")
    func bothRules() {
        let check = BudgetCheck(budget: 100, maxIncrease: .amount(10), baselineCost: 100)
        #expect(check.violations(cost: 150, subject: "x").map(\.rule) == ["budget", "max_increase"])
    }

    @Test("no feasible plan is a violation of its own")
    func noFeasiblePlan() {
        let check = BudgetCheck(budget: 500)
        #expect(check.violations(cost: nil, subject: "seed-article") == [
            .init(rule: "feasible", limit: "a feasible plan", actual: "none",
                  message: "seed-article: no feasible plan to measure, so the check cannot pass"),
        ])
        #expect(BudgetCheck().violations(cost: nil, subject: "x").count == 1)
        #expect(BudgetCheck().violations(cost: 1_000_000, subject: "x").isEmpty)
    }

    @Test("the seed scenario passes a $50 budget and fails a $39 one")
    func seedScenario() throws {
        let catalog = try S.shippedCatalog()
        let workload = try Workload.load(path: S.fixture("seed-article.yaml"))
        let comparison = try Comparison.compare(workload, catalog: catalog)
        let cost = comparison.cheapest?.monthlyCost
        #expect(BudgetCheck(budget: 50).violations(cost: cost, subject: "inngest/startup").isEmpty)
        #expect(BudgetCheck(budget: 39).violations(cost: cost, subject: "inngest/startup").map(\.message)
                == ["inngest/startup costs $40.00/month, over the budget of $39.00 by $1.00"])
    }
}
