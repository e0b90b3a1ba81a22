import Foundation
import Testing
@testable import CostModel

/// The ten lines every provider test file below starts with, for readable line numbers.
/// Line 9 is `meters:` and line 10 is `plans:`; plans start on line 11.
private func provider(_ plans: String, meters: String = "meters: {steps: {steps: 1}}") -> String {
    """
    version: 1
    provider: acme
    catalog: c
    effective: 2025-01-08
    source: s
    confidence: published
    execution: steps
    runs_on: platform
    \(meters)
    plans:
    \(plans)
    """
}

/// A machine-priced provider; plans start on line 15.
private func machineProvider(_ plans: String, defaultMachine: String = "small-1x") -> String {
    """
    version: 1
    provider: acme
    catalog: c
    effective: 2025-01-08
    source: s
    confidence: published
    execution: runs
    runs_on: provider
    meters: {runs: {runs: 1}, compute_seconds: {compute_seconds: 1}}
    machines:
      micro: {vcpu: 0.25, memory_mb: 256, per_second: 0.0000169}
      small-1x: {vcpu: 0.5, memory_mb: 512, per_second: 0.0000338}
    default_machine: \(defaultMachine)
    plans:
    \(plans)
    """
}

/// Error messages, word for word (STYLE rule 7): `file:line:column: key.path: message`
/// and `  hint: …` when a fix is known.
@Suite("PricingFile.parse: diagnostics")
struct PricingFileDiagnosticsTests {
    // MARK: Unknown keys

    @Test("an unknown top-level key names the nearest valid one (and the typo is not also 'missing')")
    func unknownTopLevelKey() {
        let errors = pricingErrors("""
        version: 1
        provder: acme
        catalog: c
        effective: 2025-01-08
        source: s
        confidence: published
        execution: steps
        runs_on: platform
        meters: {steps: {steps: 1}}
        plans: [{name: p, monthly_fee: 0}]
        """)
        #expect(errors == [
            "p.yaml:2:1: provder: unknown key 'provder'\n  hint: did you mean 'provider'?",
        ])
    }

    @Test("an unknown key with no near match lists the valid keys")
    func unknownKeyFarFromAll() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}") + "\nzzzzzzzzzzzz: 1")
        #expect(errors == [
            "p.yaml:12:1: zzzzzzzzzzzz: unknown key 'zzzzzzzzzzzz'\n  hint: valid keys: version, kind, provider, name, catalog, effective, source, confidence, currency, notes, execution, runs_on, meters, machines, default_machine, plans",
        ])
    }

    @Test("a misspelt plan key: did you mean 'monthly_fee'? (and not also a missing fee)")
    func unknownPlanKey() {
        let errors = pricingErrors(provider("""
          - name: startup
            montly_fee: 40
        """))
        #expect(errors == [
            "p.yaml:12:5: plans[0].montly_fee: unknown key 'montly_fee'\n  hint: did you mean 'monthly_fee'?",
        ])
    }

    @Test("a key that is far from the missing one does not hide it")
    func farTypoStillMissing() {
        let errors = pricingErrors(provider("""
          - name: startup
            cost: 40
        """))
        #expect(errors == [
            "p.yaml:12:5: plans[0].cost: unknown key 'cost'\n  hint: valid keys: name, monthly_fee, included, price, credit, production, custom, limits, note, source, effective, confidence",
            "p.yaml:11:5: plans[0].monthly_fee: missing required key 'monthly_fee'\n  hint: give the plan's base fee (0 for a free plan), or 'custom: true' for contact-sales plans",
        ])
    }

    @Test("an unknown limit")
    func unknownLimit() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0, limits: {max_duraton_seconds: 10}}"))
        #expect(errors == [
            "p.yaml:11:40: plans[0].limits.max_duraton_seconds: unknown key 'max_duraton_seconds'\n  hint: did you mean 'max_duration_seconds'?",
        ])
    }

    @Test("a key cut short of its unit suffix gets a 'did you mean' for the full key",
          arguments: [("max_duration", "max_duration_seconds"), ("history", "history_days")])
    func truncatedKey(typo: String, key: String) {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0, limits: {\(typo): 10}}"))
        #expect(errors == ["p.yaml:11:40: plans[0].limits.\(typo): unknown key '\(typo)'\n  hint: did you mean '\(key)'?"])
    }

    // MARK: Wrong types and values

    @Test("wrong type: expected a number, found \"lots\"")
    func wrongType() {
        let errors = pricingErrors(provider("""
          - name: startup
            monthly_fee: lots
        """))
        #expect(errors == [
            "p.yaml:12:18: plans[0].monthly_fee: expected a number, found \"lots\"\n  hint: write a plain decimal number such as 1500 or 0.00004",
        ])
    }

    @Test("a key with no value")
    func nullValue() {
        let errors = pricingErrors(provider("""
          - name: startup
            monthly_fee:
        """))
        #expect(errors.count == 1)
        #expect(errors.first?.hasSuffix("plans[0].monthly_fee: expected a number, found nothing\n  hint: give a value after the colon") == true)
    }

    @Test("special floats are not numbers", arguments: [".inf", ".nan", "-.inf", "1e", "0x10"])
    func specialFloats(text: String) {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: \(text)}"))
        #expect(errors == [
            "p.yaml:11:28: plans[0].monthly_fee: expected a number, found \"\(text)\"\n  hint: write a plain decimal number such as 1500 or 0.00004",
        ])
    }

    @Test("implausibly large numbers are typos")
    func implausiblyLarge() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 1e16, credit: 10000000000000000}"))
        #expect(errors == [
            "p.yaml:11:28: plans[0].monthly_fee: 1e16 is implausibly large (above 10^15)\n  hint: check for extra digits",
            "p.yaml:11:42: plans[0].credit: 10000000000000000 is implausibly large (above 10^15)\n  hint: check for extra digits",
        ])
        #expect(pricingErrors(provider("  - {name: p, monthly_fee: 1e15}")).isEmpty)
    }

    @Test("negative money")
    func negativeMoney() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: -5, credit: -1}"))
        #expect(errors == [
            "p.yaml:11:28: plans[0].monthly_fee: must be at least 0, found -5",
            "p.yaml:11:40: plans[0].credit: must be at least 0, found -1",
        ])
    }

    @Test("max_usage is money: at least 0")
    func negativeMaxUsage() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0, limits: {max_usage: -5}}"))
        #expect(errors == ["p.yaml:11:51: plans[0].limits.max_usage: must be at least 0, found -5"])
    }

    @Test("a zero limit")
    func zeroLimit() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0, limits: {max_duration_seconds: 0}}"))
        #expect(errors == ["p.yaml:11:62: plans[0].limits.max_duration_seconds: must be greater than 0, found 0"])
    }

    @Test("not true or false")
    func notABool() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0, production: yes}"))
        #expect(errors == ["p.yaml:11:43: plans[0].production: expected true or false, found \"yes\""])
    }

    @Test("version must be the whole number 1")
    func versions() {
        let two = pricingErrors(provider("  - {name: p, monthly_fee: 0}").replacingOccurrences(of: "version: 1", with: "version: 2"))
        #expect(two == ["p.yaml:1:10: version: unsupported version 2\n  hint: this costsim reads version 1"])
        let fraction = pricingErrors(provider("  - {name: p, monthly_fee: 0}").replacingOccurrences(of: "version: 1", with: "version: 1.5"))
        #expect(fraction == ["p.yaml:1:10: version: expected a whole number, found \"1.5\""])
    }

    @Test("a choice names the options and the nearest one")
    func choices() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}")
            .replacingOccurrences(of: "confidence: published", with: "confidence: verified")
            .replacingOccurrences(of: "runs_on: platform", with: "runs_on: serverless"))
        #expect(errors == [
            "p.yaml:6:13: confidence: expected one of published, unverified, found \"verified\"\n  hint: did you mean 'unverified'?",
            "p.yaml:8:10: runs_on: expected one of platform, provider, found \"serverless\"\n  hint: valid values: platform, provider",
        ])
    }

    @Test("a date must be YYYY-MM-DD", arguments: ["2025-1-8", "Jan 8 2025", "2025-13-01", "2025-00-10", "2025-01-32", "25-01-08"])
    func badDate(text: String) {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}")
            .replacingOccurrences(of: "effective: 2025-01-08", with: "effective: \"\(text)\""))
        #expect(errors == ["p.yaml:4:12: effective: expected a date YYYY-MM-DD, found \"\(text)\""])
    }

    @Test("an impossible calendar date is not a date", arguments: ["2025-02-30", "2025-04-31", "2025-02-29", "1900-02-29"])
    func impossibleDate(text: String) {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}")
            .replacingOccurrences(of: "effective: 2025-01-08", with: "effective: \(text)"))
        #expect(errors == ["p.yaml:4:12: effective: expected a date YYYY-MM-DD, found \"\(text)\""])
    }

    @Test("a real leap day is a date", arguments: ["2024-02-29", "2000-02-29"])
    func leapDay(text: String) {
        #expect(pricingErrors(provider("  - {name: p, monthly_fee: 0}")
            .replacingOccurrences(of: "effective: 2025-01-08", with: "effective: \(text)")).isEmpty)
    }

    @Test("kind and execution name the nearest choice")
    func kindAndExecution() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}")
            .replacingOccurrences(of: "version: 1", with: "version: 1\nkind: providr")
            .replacingOccurrences(of: "execution: steps", with: "execution: step"))
        #expect(errors == [
            "p.yaml:2:7: kind: expected one of provider, platform, found \"providr\"\n  hint: did you mean 'provider'?",
            "p.yaml:8:12: execution: expected one of steps, runs, found \"step\"\n  hint: did you mean 'steps'?",
        ])
    }

    @Test("a platform file's execution and runs_on are validated too")
    func platformFileExecutionUnchecked() {
        let errors = pricingErrors("""
        version: 1
        kind: platform
        provider: vercel
        catalog: c
        effective: 2025-01-08
        source: s
        confidence: published
        execution: bogus
        runs_on: provders
        plans: [{name: hobby, limits: {max_duration_seconds: 10}}]
        """)
        #expect(errors == [
            "p.yaml:8:12: execution: expected one of steps, runs, found \"bogus\"\n  hint: valid values: steps, runs",
            "p.yaml:9:10: runs_on: expected one of platform, provider, found \"provders\"\n  hint: did you mean 'provider'?",
        ])
    }

    @Test("an empty source is refused: every file must cite where its figures come from")
    func emptySource() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}").replacingOccurrences(of: "source: s", with: "source: \"\""))
        #expect(errors == ["p.yaml:5:9: source: must not be empty\n  hint: cite where the figures come from"])
    }

    @Test("the provider id must be lowercase letters, digits and '-'")
    func badProviderID() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}")
            .replacingOccurrences(of: "provider: acme", with: "provider: Acme Jobs"))
        #expect(errors == ["p.yaml:2:11: provider: 'Acme Jobs' is not a valid id\n  hint: use lowercase letters, digits and '-', e.g. trigger-dev"])
    }

    @Test("only USD")
    func currency() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}").replacingOccurrences(of: "runs_on: platform", with: "runs_on: platform\ncurrency: EUR"))
        #expect(errors == ["p.yaml:9:11: currency: unsupported currency EUR\n  hint: this costsim prices in USD only"])
    }

    // MARK: Missing keys

    @Test("every missing required top-level key, each with its hint")
    func missingTopLevelKeys() {
        let errors = pricingErrors("version: 1\nprovider: acme\n")
        #expect(errors == [
            "p.yaml:1:1: catalog: missing required key 'catalog'",
            "p.yaml:1:1: effective: missing required key 'effective'\n  hint: add the date the prices were published or observed, e.g. effective: 2025-01-08",
            "p.yaml:1:1: source: missing required key 'source'\n  hint: cite where the figures come from",
            "p.yaml:1:1: confidence: missing required key 'confidence'\n  hint: published, or unverified for third-party or undated figures",
            "p.yaml:1:1: execution: missing required key 'execution'\n  hint: steps (a retry re-runs the failed step) or runs (the whole run)",
            "p.yaml:1:1: runs_on: missing required key 'runs_on'\n  hint: platform (your serverless functions) or provider (its machines)",
            "p.yaml:1:1: meters: missing required key 'meters'\n  hint: e.g. meters: {steps: {steps: 1}}",
            "p.yaml:1:1: plans: missing required key 'plans'",
        ])
    }

    @Test("missing version")
    func missingVersion() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}").replacingOccurrences(of: "version: 1\n", with: ""))
        #expect(errors == ["p.yaml:1:1: version: missing required key 'version'\n  hint: add 'version: 1' at the top"])
    }

    @Test("a plan without a name")
    func planWithoutName() {
        let errors = pricingErrors(provider("  - {monthly_fee: 0}"))
        #expect(errors == ["p.yaml:11:5: plans[0].name: missing required key 'name'"])
    }

    @Test("a price with no value")
    func nullPrice() {
        let errors = pricingErrors(provider("""
          - name: p
            monthly_fee: 0
            price:
              steps:
        """))
        #expect(errors == ["p.yaml:14:13: plans[0].price.steps: expected a price, found nothing\n  hint: give a value after the colon"])
    }

    @Test("a plan that is not a mapping")
    func planNotAMapping() {
        let errors = pricingErrors(provider("  - startup\n  - {name: p, monthly_fee: 0}"))
        #expect(errors == ["p.yaml:11:5: plans[0]: expected a mapping (key: value lines), found \"startup\""])
    }

    @Test("a block price without its amount")
    func blockWithoutAmount() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0, price: {steps: {per: 1000000}}}"))
        #expect(errors == ["p.yaml:11:46: plans[0].price.steps.amount: missing required key 'amount'\n  hint: the price of one block"])
    }

    @Test("a block of zero units")
    func zeroBlock() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0, price: {steps: {per: 0, amount: 5}}}"))
        #expect(errors == ["p.yaml:11:52: plans[0].price.steps.per: must be greater than 0, found 0"])
    }

    @Test("an empty plan list")
    func noPlans() {
        let errors = pricingErrors(provider("  []").replacingOccurrences(of: "plans:\n  []", with: "plans: []"))
        #expect(errors == ["p.yaml:10:8: plans: expected at least one plan"])
    }

    @Test("plans must be a list")
    func plansNotAList() {
        let errors = pricingErrors(provider("  startup: {monthly_fee: 40}"))
        #expect(errors == ["p.yaml:11:3: plans: expected a list, found a mapping"])
    }

    // MARK: Meters

    @Test("an unknown meter in included and in price")
    func unknownMeter() {
        let errors = pricingErrors(provider("""
          - name: p
            monthly_fee: 0
            included: {stepz: 100}
            price: {runs: 0.01}
        """))
        #expect(errors == [
            "p.yaml:13:16: plans[0].included.stepz: unknown key 'stepz'\n  hint: did you mean 'steps'?",
            "p.yaml:14:13: plans[0].price.runs: unknown key 'runs'\n  hint: valid keys: steps",
        ])
    }

    @Test("an unknown meter in max_quantity")
    func unknownMeterInCap() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0, limits: {max_quantity: {step: 10}}}"))
        #expect(errors == ["p.yaml:11:55: plans[0].limits.max_quantity.step: unknown key 'step'\n  hint: did you mean 'steps'?"])
    }

    @Test("a meter built from an unknown quantity")
    func unknownQuantity() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}", meters: "meters: {steps: {stepz: 1}}"))
        #expect(errors == [
            "p.yaml:9:18: meters.steps.stepz: unknown key 'stepz'\n  hint: did you mean 'steps'?",
            "p.yaml:9:17: meters.steps: a meter needs at least one quantity\n  hint: e.g. {runs: 1, steps: 1}",
        ])
    }

    @Test("a machine-priced meter takes no included quantity and no price")
    func machineMeterInIncludedAndPrice() {
        let errors = pricingErrors(machineProvider("""
          - name: hobby
            monthly_fee: 10
            credit: 10
            included: {compute_seconds: 1000}
            price: {compute_seconds: 0.0001, runs: 0.000025}
        """))
        #expect(errors == [
            "p.yaml:18:16: plans[0].included.compute_seconds: included does not apply to a machine-priced meter\n  hint: grant a money 'credit' instead",
            "p.yaml:19:13: plans[0].price.compute_seconds: compute_seconds is priced per machine here\n  hint: remove it: the machines' per_second prices apply",
        ])
    }

    // MARK: Tiers

    @Test("tier bounds must increase")
    func tiersNotIncreasing() {
        let errors = pricingErrors(provider("""
          - name: p
            monthly_fee: 0
            price:
              steps:
                tiers: [{up_to: 10, price: 1}, {up_to: 5, price: 0.5}, {up_to: 5, price: 0.4}, {price: 0.1}]
        """))
        #expect(errors == [
            "p.yaml:15:40: plans[0].price.steps.tiers[1].up_to: tier bounds must increase: 5 is not above 10",
            "p.yaml:15:64: plans[0].price.steps.tiers[2].up_to: tier bounds must increase: 5 is not above 5",
        ])
    }

    @Test("the last tier must be open")
    func lastTierClosed() {
        let errors = pricingErrors(provider("""
          - name: p
            monthly_fee: 0
            price:
              steps:
                tiers:
                  - {up_to: 10, price: 1}
                  - {up_to: 20, price: 0.5}
        """))
        #expect(errors == [
            "p.yaml:17:13: plans[0].price.steps.tiers[1].up_to: the last tier must be open (no up_to)\n  hint: remove up_to from the last tier, or add an open tier after it; use limits.max_quantity for a cap",
        ])
    }

    @Test("only the last tier may omit up_to")
    func openTierInTheMiddle() {
        let errors = pricingErrors(provider("""
          - name: p
            monthly_fee: 0
            price: {steps: {tiers: [{price: 1}, {up_to: 20, price: 0.5}, {price: 0.1}]}}
        """))
        #expect(errors == [
            "p.yaml:13:29: plans[0].price.steps.tiers[0]: only the last tier may omit up_to\n  hint: give this tier an upper bound",
        ])
    }

    @Test("a tier needs a price; an empty tier list")
    func tierWithoutPrice() {
        let errors = pricingErrors(provider("""
          - name: p
            monthly_fee: 0
            price: {steps: {tiers: [{up_to: 10}, {price: 0.1}]}}
          - name: q
            monthly_fee: 0
            price: {steps: {tiers: []}}
        """))
        #expect(errors == [
            "p.yaml:13:29: plans[0].price.steps.tiers[0].price: missing required key 'price'",
            "p.yaml:16:28: plans[1].price.steps.tiers: expected at least one tier",
        ])
    }

    // MARK: Machines

    @Test("default_machine must name a machine")
    func unknownDefaultMachine() {
        let errors = pricingErrors(machineProvider("  - {name: p, monthly_fee: 0}", defaultMachine: "smal-1x"))
        #expect(errors == ["p.yaml:13:18: default_machine: unknown machine 'smal-1x'\n  hint: did you mean 'small-1x'?"])
    }

    @Test("machines need a default_machine")
    func missingDefaultMachine() {
        let text = machineProvider("  - {name: p, monthly_fee: 0}").replacingOccurrences(of: "default_machine: small-1x\n", with: "")
        #expect(pricingErrors(text) == [
            "p.yaml:1:1: default_machine: missing required key 'default_machine'\n  hint: name the preset used when a job names none",
        ])
    }

    @Test("machines need a compute_seconds meter")
    func machinesWithoutComputeMeter() {
        let text = machineProvider("  - {name: p, monthly_fee: 0}")
            .replacingOccurrences(of: "meters: {runs: {runs: 1}, compute_seconds: {compute_seconds: 1}}", with: "meters: {runs: {runs: 1}}")
        #expect(pricingErrors(text) == [
            "p.yaml:11:3: machines: machines need a meter named 'compute_seconds' to price\n  hint: add meters: {compute_seconds: {compute_seconds: 1}}",
        ])
    }

    @Test("a machine without a price")
    func machineWithoutPrice() {
        let text = machineProvider("  - {name: p, monthly_fee: 0}")
            .replacingOccurrences(of: "micro: {vcpu: 0.25, memory_mb: 256, per_second: 0.0000169}", with: "micro: {vcpu: 0.25, memory_mb: 256}")
        #expect(pricingErrors(text) == ["p.yaml:11:10: machines.micro.per_second: missing required key 'per_second'"])
    }

    // MARK: Plans

    @Test("duplicate plan names")
    func duplicatePlans() {
        let errors = pricingErrors(provider("""
          - name: pro
            monthly_fee: 10
          - name: pro
            monthly_fee: 20
        """))
        #expect(errors == ["p.yaml:13:5: plans[1].name: duplicate plan name 'pro'\n  hint: plan names must be unique within a file"])
    }

    // MARK: Syntax

    @Test("a YAML syntax error has the parser's line and column")
    func syntaxError() {
        let errors = pricingErrors("version: 1\nprovider: [acme\ncatalog: c\n")
        #expect(errors.count == 1)
        let first = errors.first ?? ""
        #expect(first.hasPrefix("p.yaml:"))
        #expect(first.contains(": not valid YAML: "))
        #expect(first.hasSuffix("\n  hint: check the indentation and quoting on this line and the one before"))
    }

    @Test("a bad indentation error, word for word")
    func indentationError() {
        let errors = pricingErrors("version: 1\n  provider: acme\n")
        #expect(errors == ["p.yaml:2:11: not valid YAML: mapping values are not allowed in this context\n  hint: check the indentation and quoting on this line and the one before"])
    }

    @Test("a key given twice in one mapping")
    func duplicateKey() {
        let errors = pricingErrors(provider("  - {name: p, monthly_fee: 0}").replacingOccurrences(of: "catalog: c", with: "catalog: c\nsource: t"))
        #expect(errors.count == 1)
        #expect(errors.first?.contains("duplicate key 'source' in one mapping\n  hint: each key may appear once; remove or rename the repeated one") == true)
    }

    @Test("an empty file", arguments: ["", "\n\n", "# only a comment\n"])
    func emptyFile(text: String) {
        #expect(pricingErrors(text) == ["p.yaml:1:1: the file is empty\n  hint: a pricing file starts with 'version: 1' and 'provider: <id>'"])
    }

    @Test("a document that is not a mapping")
    func notAMapping() {
        #expect(pricingErrors("- a\n- b\n") == ["p.yaml:1:1: expected a mapping (key: value lines), found a list"])
        #expect(pricingErrors("just text\n") == ["p.yaml:1:1: expected a mapping (key: value lines), found \"just text\""])
    }

    // MARK: All problems at once

    @Test("several problems in one file are all reported, in file order")
    func severalProblems() {
        let text = """
        version: 1
        provider: acme
        catalog: c
        effective: 2025-01-08
        source: s
        confidence: published
        execution: steps
        runs_on: platform
        meters: {steps: {steps: 1}}
        plans:
          - name: startup
            monthly_fee: lots
            included: {stepz: 1000000}
            price: {steps: {tiers: [{up_to: 10, price: 1}, {up_to: 5, price: 2}, {price: 1}]}}
          - name: startup
            monthly_fee: 10
            credit: -3
            limits: {histroy_days: 30}
        """
        let diagnostics = pricingDiagnostics(text, file: "many.yaml")
        #expect(diagnostics.count == 6)
        #expect(diagnostics.map(\.description) == [
            "many.yaml:12:18: plans[0].monthly_fee: expected a number, found \"lots\"\n  hint: write a plain decimal number such as 1500 or 0.00004",
            "many.yaml:13:16: plans[0].included.stepz: unknown key 'stepz'\n  hint: did you mean 'steps'?",
            "many.yaml:14:52: plans[0].price.steps.tiers[1].up_to: tier bounds must increase: 5 is not above 10",
            "many.yaml:17:13: plans[1].credit: must be at least 0, found -3",
            "many.yaml:18:14: plans[1].limits.histroy_days: unknown key 'histroy_days'\n  hint: did you mean 'history_days'?",
            "many.yaml:15:5: plans[1].name: duplicate plan name 'startup'\n  hint: plan names must be unique within a file",
        ])
        #expect(diagnostics.allSatisfy { $0.file == "many.yaml" && $0.line != nil && $0.column != nil })
    }

    @Test("InputError joins every diagnostic and maps to exit code 65")
    func inputErrorText() throws {
        let text = provider("  - {name: p, monthly_fee: -1, credit: x}")
        let error = try #require(throws: InputError.self) { try PricingFile.parse(text, file: "p.yaml") }
        #expect(error.exitCode == 65)
        #expect(error.description == """
        p.yaml:11:28: plans[0].monthly_fee: must be at least 0, found -1
        p.yaml:11:40: plans[0].credit: expected a number, found "x"
          hint: write a plain decimal number such as 1500 or 0.00004
        """)
    }
}
