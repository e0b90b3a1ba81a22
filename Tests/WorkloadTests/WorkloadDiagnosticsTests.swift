import CostModel
import Foundation
import Testing
@testable import Workload

private typealias F = WorkloadFixture

/// Error messages, word for word as `Diagnostic.description` renders them (STYLE rule 7).
@Suite("Workload diagnostics, word for word")
struct WorkloadDiagnosticsTests {
    @Test("wrong type: a word where a number belongs")
    func wrongType() {
        let text = """
        version: 1
        name: w
        jobs:
          - name: a
            steps_per_run: 3
            step_seconds: 1
            runs_per_month: lots
        """
        #expect(F.messages(text) == [
            "w.yaml:7:21: jobs[0].runs_per_month: expected a number, found \"lots\"\n  hint: write a plain number such as 20000, or a distribution such as {dist: poisson, mean: 3}",
        ])
    }

    @Test("the diagnostic carries file, line, column and key path separately")
    func diagnosticFields() throws {
        let diagnostics = F.diagnostics(F.oneJob("runs_per_month: lots\nstep_seconds: 1"))
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostics.count == 1)
        #expect(diagnostic.file == "w.yaml")
        #expect(diagnostic.line == 5)
        #expect(diagnostic.column == 21)
        #expect(diagnostic.keyPath == "jobs[0].runs_per_month")
        #expect(diagnostic.message == "expected a number, found \"lots\"")
        #expect(InputError.invalid(diagnostics).exitCode == 65)
    }

    @Test("a list or a mapping where a number belongs")
    func wrongShape() {
        #expect(F.messages(F.oneJob("runs_per_month: [1, 2]\nstep_seconds: 1")) == [
            "w.yaml:5:21: jobs[0].runs_per_month: expected a number, found a list\n  hint: write a plain number, {dist: …} or {low: …, typical: …, high: …}",
        ])
        #expect(F.messages(F.oneJob("runs_per_month:\nstep_seconds: 1")) == [
            "w.yaml:5:20: jobs[0].runs_per_month: expected a number, found nothing\n  hint: write a plain number such as 20000, or a distribution such as {dist: poisson, mean: 3}",
        ])
    }

    @Test("unknown job key names the nearest valid key")
    func unknownJobKey() {
        #expect(F.messages(F.oneJob("runs_per_mnth: 10\nstep_seconds: 1")) == [
            "w.yaml:5:5: jobs[0].runs_per_mnth: unknown key 'runs_per_mnth'\n  hint: did you mean 'runs_per_month'?",
        ])
        // A typo of a duration key is not also reported as a missing duration.
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_secs: 1")) == [
            "w.yaml:6:5: jobs[0].step_secs: unknown key 'step_secs'\n  hint: did you mean 'step_seconds'?",
        ])
        // A typo of 'name' is not also reported as a missing name.
        #expect(F.messages("version: 1\nname: w\njobs:\n  - {nme: a, runs_per_month: 1, step_seconds: 1}\n") == [
            "w.yaml:4:6: jobs[0].nme: unknown key 'nme'\n  hint: did you mean 'name'?",
        ])
    }

    @Test("unknown job key with no near match lists the valid keys")
    func unknownJobKeyFarAway() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: 1\ncolour: blue")) == [
            "w.yaml:7:5: jobs[0].colour: unknown key 'colour'\n  hint: valid keys: name, description, schedule, machine, runs_per_month, runs_per_day, runs_per_hour, steps_per_run, sleeps_per_run, step_seconds, run_seconds, max_step_seconds, memory_mb, retry_rate, events_per_run",
        ])
    }

    @Test("unknown top-level key names the nearest valid key")
    func unknownTopLevelKey() {
        #expect(F.messages("version: 1\nname: w\nplatfrom: vercel/pro\njobs:\n  - {name: a, runs_per_month: 1, step_seconds: 1}\n") == [
            "w.yaml:3:1: platfrom: unknown key 'platfrom'\n  hint: did you mean 'platform'?",
        ])
    }

    @Test("unknown keys in defaults (name is not a default)")
    func unknownDefaultsKey() {
        #expect(F.messages("version: 1\nname: w\ndefaults: {name: x, memroy_mb: 1}\njobs:\n  - {name: a, runs_per_month: 1, step_seconds: 1}\n") == [
            "w.yaml:3:12: defaults.name: unknown key 'name'\n  hint: valid keys: schedule, machine, runs_per_month, runs_per_day, runs_per_hour, steps_per_run, sleeps_per_run, step_seconds, run_seconds, max_step_seconds, memory_mb, retry_rate, events_per_run",
            "w.yaml:3:21: defaults.memroy_mb: unknown key 'memroy_mb'\n  hint: did you mean 'memory_mb'?",
        ])
    }

    @Test("negative counts are refused", arguments: ["runs_per_month", "sleeps_per_run", "events_per_run", "retry_rate"])
    func negativeCount(key: String) {
        let text = key == "runs_per_month"
            ? F.oneJob("runs_per_month: -5\nstep_seconds: 1")
            : F.oneJob("runs_per_month: 10\nstep_seconds: 1\n\(key): -5")
        let line = key == "runs_per_month" ? 5 : 7
        let column = 5 + key.count + 2
        #expect(F.messages(text) == ["w.yaml:\(line):\(column): jobs[0].\(key): must be at least 0, found -5"])
    }

    @Test("implausibly large numbers are refused as typos")
    func implausiblyLarge() {
        #expect(F.messages(F.oneJob("runs_per_month: 2000000000000000\nstep_seconds: 1")) == [
            "w.yaml:5:21: jobs[0].runs_per_month: 2000000000000000 is implausibly large (above 10^15)\n  hint: check for extra digits",
        ])
        #expect(F.messages(F.oneJob("runs_per_month: 1000000000000000\nstep_seconds: 1")).isEmpty)
    }

    @Test("steps_per_run must be at least 1; memory_mb and month_hours above 0")
    func minimums() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nsteps_per_run: 0\nstep_seconds: 1")) == [
            "w.yaml:6:20: jobs[0].steps_per_run: must be at least 1, found 0",
        ])
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: 1\nmemory_mb: 0")) == [
            "w.yaml:7:16: jobs[0].memory_mb: must be greater than 0, found 0",
        ])
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: 1", header: "month_hours: 0\n")) == [
            "w.yaml:3:14: month_hours: must be greater than 0, found 0",
        ])
    }

    @Test("sleeps above steps")
    func sleepsAboveSteps() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nsteps_per_run: 2\nsleeps_per_run: 3\nstep_seconds: 1")) == [
            "w.yaml:7:21: jobs[0].sleeps_per_run: sleeps_per_run (3) exceeds steps_per_run (2)\n  hint: sleeps are counted among the steps: steps_per_run includes them",
        ])
    }

    @Test("step_seconds and run_seconds together")
    func bothDurations() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: 1\nrun_seconds: 3")) == [
            "w.yaml:4:5: jobs[0]: give step_seconds or run_seconds, not both\n  hint: step_seconds is per compute step; run_seconds is the whole run's active time",
        ])
    }

    @Test("neither step_seconds nor run_seconds")
    func noDuration() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nsteps_per_run: 3")) == [
            "w.yaml:4:5: jobs[0]: missing how long the job runs\n  hint: add step_seconds (active seconds per step) or run_seconds (per run)",
        ])
    }

    @Test("two volume keys")
    func twoVolumes() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nruns_per_day: 3\nstep_seconds: 1")) == [
            "w.yaml:4:5: jobs[0]: give one of runs_per_month, runs_per_day, not several\n  hint: say how often the job runs in exactly one way",
        ])
        #expect(F.messages(F.oneJob("schedule: \"@daily\"\nruns_per_hour: 3\nstep_seconds: 1")) == [
            "w.yaml:4:5: jobs[0]: give one of runs_per_hour, schedule, not several\n  hint: say how often the job runs in exactly one way",
        ])
    }

    @Test("two volume keys in defaults are reported for each job that inherits them")
    func twoVolumesInDefaults() {
        let text = """
        version: 1
        name: w
        defaults: {runs_per_month: 1, runs_per_hour: 1, step_seconds: 1}
        jobs:
          - name: a
          - {name: b, runs_per_day: 2}
        """
        #expect(F.messages(text) == [
            "w.yaml:5:5: jobs[0]: give one of runs_per_month, runs_per_hour, not several\n  hint: say how often the job runs in exactly one way",
        ])
    }

    @Test("no volume")
    func noVolume() {
        #expect(F.messages(F.oneJob("step_seconds: 1")) == [
            "w.yaml:4:5: jobs[0]: missing how often the job runs\n  hint: add runs_per_month, runs_per_day, runs_per_hour or schedule (UTC cron, e.g. \"*/15 * * * *\")",
        ])
    }

    @Test("duplicate job names")
    func duplicateNames() {
        let text = """
        version: 1
        name: w
        jobs:
          - {name: sync, runs_per_month: 1, step_seconds: 1}
          - {name: other, runs_per_month: 1, step_seconds: 1}
          - {name: sync, runs_per_month: 2, step_seconds: 1}
        """
        #expect(F.messages(text) == [
            "w.yaml:6:5: jobs[2].name: duplicate job name 'sync' (also jobs[0])\n  hint: job names must be unique",
        ])
    }

    @Test("platform that is not provider/plan", arguments: ["vercel", "vercel/pro/extra", "/pro"])
    func badPlatform(text: String) {
        #expect(F.messages(F.oneJob("runs_per_month: 1\nstep_seconds: 1", header: "platform: \"\(text)\"\n")) == [
            "w.yaml:3:11: platform: expected provider/plan, found \"\(text)\"\n  hint: e.g. platform: vercel/pro",
        ])
    }

    @Test("bad cron: wrong field count")
    func badCronFieldCount() {
        #expect(F.messages(F.oneJob("schedule: \"0 2 * *\"\nstep_seconds: 1")) == [
            "w.yaml:5:15: jobs[0].schedule: expected 5 fields (minute hour day-of-month month day-of-week), found 4\n  hint: e.g. \"*/15 * * * *\" fires every 15 minutes",
        ])
    }

    @Test("bad cron: a date that never occurs")
    func badCronNeverFires() {
        #expect(F.messages(F.oneJob("schedule: \"0 0 31 2 *\"\nstep_seconds: 1")) == [
            "w.yaml:5:15: jobs[0].schedule: never fires: the selected day-of-month never occurs in the selected month(s)\n  hint: February has at most 29 days; April, June, September and November have 30",
        ])
    }

    @Test("bad cron: out of range")
    func badCronRange() {
        let messages = F.messages(F.oneJob("schedule: \"75 * * * *\"\nstep_seconds: 1"))
        #expect(messages.count == 1)
        #expect(messages.first?.hasPrefix("w.yaml:5:15: jobs[0].schedule: minute: 75 is out of range 0–59") == true, "\(messages)")
    }

    @Test("lognormal p95 not above the median")
    func lognormalP95() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: lognormal, median: 5, p95: 5}")) == [
            "w.yaml:6:53: jobs[0].step_seconds.p95: p95 (5) must be above the median (5)\n  hint: a lognormal's long tail lies above its median; for a fixed value write the number",
        ])
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: lognormal, median: 5, p95: 2}")) == [
            "w.yaml:6:53: jobs[0].step_seconds.p95: p95 (2) must be above the median (5)\n  hint: a lognormal's long tail lies above its median; for a fixed value write the number",
        ])
    }

    @Test("lognormal with neither median/p95 nor mu")
    func lognormalMissing() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: lognormal, sigma: 1}")) == [
            "w.yaml:6:19: jobs[0].step_seconds.mu: missing required key 'mu'\n  hint: give median and p95, or mu and sigma",
        ])
    }

    @Test("uniform min above max")
    func uniformReversed() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: uniform, min: 5, max: 2}")) == [
            "w.yaml:6:19: jobs[0].step_seconds: uniform needs min ≤ max, found min 5 and max 2\n  hint: swap the two values",
        ])
    }

    @Test("band low above typical, typical above high")
    func bandOrder() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {low: 4, typical: 3, high: 8}")) == [
            "w.yaml:6:19: jobs[0].step_seconds: a band needs low ≤ typical ≤ high, found 4, 3, 8",
        ])
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {low: 1, typical: 9, high: 8}")) == [
            "w.yaml:6:19: jobs[0].step_seconds: a band needs low ≤ typical ≤ high, found 1, 9, 8",
        ])
    }

    @Test("band with a missing or unknown key")
    func bandKeys() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {low: 1, typcal: 3, high: 8}")) == [
            "w.yaml:6:28: jobs[0].step_seconds.typcal: unknown key 'typcal'\n  hint: did you mean 'typical'?",
        ])
        // A key that is plainly missing (no near miss) is reported as missing.
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {low: 1, high: 8}")) == [
            "w.yaml:6:19: jobs[0].step_seconds.typical: missing required key 'typical'",
        ])
    }

    @Test("unknown distribution name")
    func unknownDistribution() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: lognormel, median: 1, p95: 2}")) == [
            "w.yaml:6:26: jobs[0].step_seconds.dist: expected one of fixed, uniform, normal, lognormal, poisson, empirical, found \"lognormel\"\n  hint: did you mean 'lognormal'?",
        ])
    }

    @Test("a key that belongs to another distribution")
    func wrongDistributionKey() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: poisson, mean: 3, sd: 1}")) == [
            "w.yaml:6:44: jobs[0].step_seconds.sd: unknown key 'sd'\n  hint: valid keys: dist, mean",
        ])
    }

    @Test("empirical without values or buckets, and with an empty list")
    func empiricalEmpty() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: empirical}")) == [
            "w.yaml:6:19: jobs[0].step_seconds: an empirical distribution needs 'values' or 'buckets'\n  hint: e.g. {dist: empirical, values: [2, 3, 3, 5]}",
        ])
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: empirical, values: []}")) == [
            "w.yaml:6:45: jobs[0].step_seconds.values: expected at least one observed value",
        ])
    }

    @Test("histogram bucket with from above to")
    func bucketReversed() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: {dist: empirical, buckets: [{from: 5, to: 1, weight: 1}]}")) == [
            "w.yaml:6:47: jobs[0].step_seconds.buckets[0]: a bucket needs from ≤ to, found 5 and 1",
        ])
    }

    @Test("max_step_seconds below step_seconds")
    func maxStepBelowStep() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: 20\nmax_step_seconds: 10")) == [
            "w.yaml:7:23: jobs[0].max_step_seconds: max_step_seconds (10) is below step_seconds (20)\n  hint: the longest step cannot be shorter than the average step",
        ])
    }

    @Test("max_step_seconds above run_seconds")
    func maxStepAboveRun() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nrun_seconds: 10\nmax_step_seconds: 45")) == [
            "w.yaml:7:23: jobs[0].max_step_seconds: max_step_seconds (45) exceeds run_seconds (10)\n  hint: the longest step cannot last longer than the whole run",
        ])
        #expect(F.messages(F.oneJob("runs_per_month: 10\nrun_seconds: 10\nmax_step_seconds: 10")).isEmpty)
    }

    @Test("retry_rate above 10")
    func retryRateTooHigh() {
        #expect(F.messages(F.oneJob("runs_per_month: 10\nstep_seconds: 1\nretry_rate: 11")) == [
            "w.yaml:7:17: jobs[0].retry_rate: retry_rate 11 is above 10\n  hint: retry_rate is extra attempts per step as a fraction: 0.02 means 2 %",
        ])
    }

    @Test("empty jobs list")
    func emptyJobs() {
        #expect(F.messages("version: 1\nname: w\njobs: []\n") == ["w.yaml:3:7: jobs: expected at least one job"])
    }

    @Test("jobs that is not a list")
    func jobsNotAList() {
        #expect(F.messages("version: 1\nname: w\njobs: {name: a}\n") == ["w.yaml:3:7: jobs: expected a list, found a mapping"])
    }

    @Test("missing required top-level keys")
    func missingTopLevel() {
        #expect(F.messages("version: 1\n") == [
            "w.yaml:1:1: name: missing required key 'name'\n  hint: name the workload, e.g. name: acme-jobs",
            "w.yaml:1:1: jobs: missing required key 'jobs'\n  hint: list the jobs under 'jobs:'",
        ])
        #expect(F.messages("name: w\njobs:\n  - {name: a, runs_per_month: 1, step_seconds: 1}\n") == [
            "w.yaml:1:1: version: missing required key 'version'\n  hint: add 'version: 1' at the top",
        ])
    }

    @Test("a job without a name")
    func jobWithoutName() {
        #expect(F.messages("version: 1\nname: w\njobs:\n  - {runs_per_month: 1, step_seconds: 1}\n") == [
            "w.yaml:4:5: jobs[0].name: missing required key 'name'\n  hint: give every job a name",
        ])
    }

    @Test("unsupported version")
    func version() {
        #expect(F.messages("version: 2\nname: w\njobs:\n  - {name: a, runs_per_month: 1, step_seconds: 1}\n") == [
            "w.yaml:1:10: version: unsupported version 2\n  hint: this costsim reads version 1",
        ])
    }

    @Test("an empty file")
    func emptyFile() {
        #expect(F.messages("") == [
            "w.yaml:1:1: the file is empty\n  hint: a workload starts with 'version: 1', 'name:' and a list of 'jobs:'",
        ])
        #expect(F.messages("# only a comment\n") == [
            "w.yaml:1:1: the file is empty\n  hint: a workload starts with 'version: 1', 'name:' and a list of 'jobs:'",
        ])
    }

    @Test("a document that is not a mapping")
    func notAMapping() {
        #expect(F.messages("- a\n- b\n") == ["w.yaml:1:1: expected a mapping (key: value lines), found a list"])
    }

    @Test("YAML syntax error: bad indentation")
    func syntaxIndentation() {
        let text = "version: 1\nname: w\njobs:\n  - name: a\n   runs_per_month: 10\n"
        #expect(F.messages(text) == [
            "w.yaml:5:4: not valid YAML: while parsing a block collection did not find expected '-' indicator\n  hint: check the indentation and quoting on this line and the one before",
        ])
    }

    @Test("YAML syntax error: unterminated quote")
    func syntaxQuote() {
        let text = "version: 1\nname: \"w\njobs: []\n"
        let messages = F.messages(text)
        #expect(messages.count == 1)
        #expect(messages.first?.hasPrefix("w.yaml:") == true)
        #expect(messages.first?.contains("not valid YAML: ") == true, "\(messages)")
        #expect(messages.first?.hasSuffix("\n  hint: check the indentation and quoting on this line and the one before") == true)
    }

    @Test("YAML duplicate keys")
    func duplicateKeys() {
        let text = "version: 1\nname: w\nname: v\njobs:\n  - {name: a, runs_per_month: 1, step_seconds: 1}\n"
        let messages = F.messages(text)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("duplicate key 'name' in one mapping") == true, "\(messages)")
    }

    @Test("every problem in the file is reported, in file order, not just the first")
    func allProblemsReported() {
        let text = """
        version: 1
        name: w
        platform: vercel
        jobs:
          - name: a
            runs_per_month: lots
            step_seconds: 1
          - name: b
            runs_per_day: 3
            runs_per_hour: 1
            step_seconds: 1
          - name: c
            runs_per_month: 10
            steps_per_run: 1
            sleeps_per_run: 2
            step_seconds: 1
          - name: d
            runs_per_month: 10
            step_seconds: {dist: uniform, min: 9, max: 1}
          - name: a
            runs_per_month: 10
            step_seconds: 1
            colour: red
          - name: e
            runs_per_month: 10
        """
        #expect(F.messages(text) == [
            "w.yaml:3:11: platform: expected provider/plan, found \"vercel\"\n  hint: e.g. platform: vercel/pro",
            "w.yaml:6:21: jobs[0].runs_per_month: expected a number, found \"lots\"\n  hint: write a plain number such as 20000, or a distribution such as {dist: poisson, mean: 3}",
            "w.yaml:8:5: jobs[1]: give one of runs_per_day, runs_per_hour, not several\n  hint: say how often the job runs in exactly one way",
            "w.yaml:15:21: jobs[2].sleeps_per_run: sleeps_per_run (2) exceeds steps_per_run (1)\n  hint: sleeps are counted among the steps: steps_per_run includes them",
            "w.yaml:19:19: jobs[3].step_seconds: uniform needs min ≤ max, found min 9 and max 1\n  hint: swap the two values",
            "w.yaml:23:5: jobs[4].colour: unknown key 'colour'\n  hint: valid keys: name, description, schedule, machine, runs_per_month, runs_per_day, runs_per_hour, steps_per_run, sleeps_per_run, step_seconds, run_seconds, max_step_seconds, memory_mb, retry_rate, events_per_run",
            "w.yaml:24:5: jobs[5]: missing how long the job runs\n  hint: add step_seconds (active seconds per step) or run_seconds (per run)",
        ])
    }

    @Test("InputError.description joins every diagnostic")
    func inputErrorDescription() {
        let error = InputError.invalid([
            Diagnostic(file: "w.yaml", line: 1, column: 2, keyPath: "a", message: "first"),
            Diagnostic(file: "w.yaml", line: nil, column: nil, keyPath: "", message: "second", hint: "fix it"),
        ])
        #expect(error.description == "w.yaml:1:2: a: first\nw.yaml: second\n  hint: fix it")
    }
}
