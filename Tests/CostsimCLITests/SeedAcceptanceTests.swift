import Foundation
import Testing

/// SPEC §8: the seed article's reference scenario, checked on the real binary's output.
@Suite("Seed article acceptance")
struct SeedAcceptanceTests {
    static let arguments = ["compare", "Fixtures/seed-article.yaml", "--catalog", "seed-2025-01"]

    private func json() throws -> [String: Any] {
        let result = try CLI.run(Self.arguments + ["--format", "json"])
        try #require(result.status == 0, "\(result)")
        return try result.jsonObject()
    }

    private func result(_ object: [String: Any], _ provider: String, _ plan: String) throws -> [String: Any] {
        let results = try #require(object["results"] as? [[String: Any]])
        return try #require(results.first { $0["provider"] as? String == provider && $0["plan"] as? String == plan },
                            "no result for \(provider)/\(plan)")
    }

    @Test func planCostsAreTheArticles() throws {
        let object = try json()
        #expect(try result(object, "inngest", "startup")["monthly_cost"] as? String == "40.00")
        #expect(try result(object, "trigger-dev", "startup")["monthly_cost"] as? String == "4000.00")
        #expect(try result(object, "trigger-dev", "pro")["monthly_cost"] as? String == "2000.00")
        #expect(try result(object, "inngest", "startup")["feasible"] as? Bool == true)
    }

    @Test func cheapestIsInngestStartup() throws {
        let cheapest = try #require(try json()["cheapest"] as? [String: Any])
        #expect(cheapest["provider"] as? String == "inngest")
        #expect(cheapest["plan"] as? String == "startup")
        #expect(cheapest["monthly_cost"] as? String == "40.00")
    }

    @Test func honestMarginIsAgainstTriggerDevPro() throws {
        let margin = try #require(try json()["margin"] as? [String: Any])
        #expect(margin["amount"] as? String == "1960.00")
        #expect(margin["runner_up"] as? String == "trigger-dev/pro")
    }

    @Test func jsonHasTheContractKeys() throws {
        let object = try json()
        #expect(object["version"] as? Int == 1)
        #expect(object["currency"] as? String == "USD")
        #expect(object["workload"] != nil)
        let pricing = try #require(object["pricing"] as? [[String: Any]])
        #expect(!pricing.isEmpty)
        for entry in pricing {
            for key in ["file", "provider", "catalog", "effective", "sha256"] {
                #expect(entry[key] is String, "pricing entry lacks \(key): \(entry)")
            }
            #expect((entry["sha256"] as? String)?.count == 64)
        }
        let results = try #require(object["results"] as? [[String: Any]])
        for entry in results {
            for key in ["provider", "plan", "feasible", "monthly_cost", "reasons", "lines"] {
                #expect(entry.keys.contains(key), "result lacks \(key): \(entry)")
            }
            for line in entry["lines"] as? [[String: Any]] ?? [] {
                for key in ["name", "quantity", "unit_price", "amount"] {
                    #expect(line.keys.contains(key), "line lacks \(key): \(line)")
                }
            }
        }
    }

    @Test func moneyInJSONIsAlwaysAStringWithTwoDecimals() throws {
        let result = try CLI.run(Self.arguments + ["--format", "json"])
        let moneyLines = result.stdout.lines.filter { $0.contains("\"monthly_cost\"") || $0.contains("\"amount\"") }
        #expect(!moneyLines.isEmpty)
        for line in moneyLines where !line.hasSuffix("null") && !line.hasSuffix("null,") {
            #expect(line.contains(#/": "-?\d+\.\d\d",?$/#), "not money text: \(line)")
        }
    }

    @Test func tableStatesTheHonestGap() throws {
        let result = try CLI.run(Self.arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("$1,960.00 less than trigger-dev/pro"))
        #expect(result.stdout.contains(
            "Cheapest: inngest/startup at $40.00/month, $1,960.00 less than trigger-dev/pro ($2,000.00), the cheapest Trigger.dev plan."))
        #expect(result.stdout.contains("$4,000.00"))
    }

    @Test func markdownStatesTheHonestGap() throws {
        let result = try CLI.run(Self.arguments + ["--format", "markdown"])
        #expect(result.stdout.contains("$1,960.00 less than trigger-dev/pro"))
    }

    @Test func csvHasOneRowPerPlan() throws {
        let result = try CLI.run(Self.arguments + ["--format", "csv"])
        let rows = result.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.first?.hasPrefix("provider,plan,") == true)
        #expect(rows.count == 1 + 8)  // header + 4 Inngest plans + 4 Trigger.dev plans
        #expect(rows.contains { $0.hasPrefix("trigger-dev,startup,feasible,4000.00,") })
        #expect(rows.contains { $0.hasPrefix("inngest,startup,feasible,40.00,") })
    }

    @Test func estimateExplainShowsTheArticlesArithmetic() throws {
        let result = try CLI.run(["estimate", "Fixtures/seed-article.yaml", "--catalog", "seed-2025-01",
                                  "--plan", "trigger-dev/pro", "--explain"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("steps = runs × steps_per_run = 100,000 × 3 = 300,000"))
        #expect(result.stdout.contains("max(0, 100,000 − 5,000) = 95,000 over × 0.02 = $1,900.00"))
        #expect(result.stdout.contains("total = sum of the rounded lines = $2,000.00"))
    }
}
