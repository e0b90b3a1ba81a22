import Foundation
import Testing

/// `costsim exec` and `costsim usage` end to end: the built binary, its output and exit codes.
@Suite struct ExecCLITests {
    static let specJobFile = "Fixtures/jobs/nightly-sync.yaml"

    @Test func theSpecJobFileRunsAndIsMetered() throws {
        let scratch = try TemporaryDirectory()
        let db = scratch.path("jobs.db")
        let run = try CLI.run(["exec", Self.specJobFile, "--runs", "3", "--db", db])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("3 completed, 0 failed, 3 new"), "\(run)")
        #expect(run.stdout.contains("nightly-sync     3          3       0           0      6              6        0       0        0"), "\(run)")
        let usage = try CLI.run(["usage", "--db", db, "--format", "json"])
        #expect(usage.status == 0, "\(usage)")
        let json = try usage.jsonObject()
        let jobs = try #require(json["jobs"] as? [[String: Any]])
        let total = try #require(json["total"] as? [String: Any])
        for key in ["runs", "steps", "step_attempts", "retries", "sleeps", "compute_seconds"] {
            #expect(jobs.first?[key] != nil && total[key] != nil, "usage JSON has \(key)")
        }
        #expect(jobs.first?["job"] as? String == "nightly-sync")
        #expect(total["runs"] as? Int == 3 && total["steps"] as? Int == 6 && total["step_attempts"] as? Int == 6)
        #expect(total["retries"] as? Int == 0 && total["sleeps"] as? Int == 0)
        // JSON keys in their documented order.
        let order = ["\"runs\"", "\"steps\"", "\"step_attempts\"", "\"retries\"", "\"sleeps\"", "\"compute_seconds\""]
        let positions = order.map { usage.stdout.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && zip(positions, positions.dropFirst()).allSatisfy { $0! < $1! })
    }

    @Test func asyncRunsInFlightMatchTheEstimateToo() throws {
        let scratch = try TemporaryDirectory()
        let run = try CLI.run(["exec", "--workload", "Fixtures/seed-article.yaml", "--runs", "12", "--in-flight", "6", "--time-scale", "0.0005",
                               "--db", scratch.path("seed.db"), "--format", "json"])
        #expect(run.status == 0, "\(run)")
        let json = try run.jsonObject()
        let prediction = try #require(json["prediction"] as? [[String: Any]])
        for line in prediction where ["steps", "sleeps", "step_attempts", "run_attempts"].contains(line["quantity"] as? String ?? "") {
            #expect(line["observed_per_run"] as? String == line["predicted_per_run"] as? String, "\(line)")
        }
        for workers in ["1", "2"] {
            let both = try CLI.run(["exec", Self.specJobFile, "--workers", workers, "--in-flight", "4", "--db", scratch.path("x.db")])
            #expect(both.status == 64 && both.stderr.contains("give --workers or --in-flight, not both"), "\(both)")
        }
    }

    /// A step over its `timeout_seconds` is stopped, children of its shell included (Foundation
    /// sees the shell end only once they are gone): `sleep 30` under a 1 s timeout.
    @Test(arguments: [["--workers", "2"], ["--in-flight", "2"]])
    func aStepPastItsTimeoutIsStoppedWithItsChildren(_ mode: [String]) throws {
        let scratch = try TemporaryDirectory()
        let jobs = try scratch.write("jobs.yaml", """
            version: 1
            jobs:
              slow:
                retries: {max_attempts: 1}
                steps:
                  - {name: wait, run: "sleep 30; echo never", timeout_seconds: 1}
            """)
        let run = try CLI.run(["exec", jobs.path, "--runs", "2", "--db", scratch.path("jobs.db"), "--format", "csv"] + mode)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("timed out after 1 s"), "\(run)")
        let total = try #require(run.stdout.split(separator: "\r\n").first { $0.hasPrefix("total,") })
        let compute = try #require(Double(total.split(separator: ",")[9]))
        #expect(compute < 10, "two attempts stopped after about 1 s each, not 30: \(total)")
    }

    @Test func theClockHookNeedsOneWorkerAndAFreshDatabase() throws {
        let scratch = try TemporaryDirectory()
        let clock = ["COSTSIM_CLOCK": "manual:1767225600"]
        let workload = ["exec", "--workload", "Fixtures/seed-article.yaml", "--time-scale", "0", "--db", scratch.path("seed.db")]
        let several = try CLI.run(workload + ["--in-flight", "4"], environment: clock)
        #expect(several.status == 64 && several.stderr.contains("COSTSIM_CLOCK needs one worker and one run in flight"), "\(several)")
        #expect(try CLI.run(workload, environment: clock).status == 0)
        let again = try CLI.run(workload, environment: clock)
        #expect(again.status == 64 && again.stderr.contains("COSTSIM_CLOCK needs a fresh database"), "\(again)")
        let huge = try CLI.run(workload, environment: ["COSTSIM_CLOCK": "manual:99999999999999"])
        #expect(huge.status == 64, "\(huge)")
    }

    @Test func aBadClockHookIsAUsageError() throws {
        let scratch = try TemporaryDirectory()
        let run = try CLI.run(["exec", Self.specJobFile, "--db", scratch.path("jobs.db")], environment: ["COSTSIM_CLOCK": "tomorrow"])
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("COSTSIM_CLOCK: expected manual:UNIX_SECONDS, found 'tomorrow'"), "\(run)")
    }

    @Test func theObservedWorkloadFeedsCompare() throws {
        let scratch = try TemporaryDirectory()
        let db = scratch.path("jobs.db")
        let observed = scratch.path("observed.yaml")
        #expect(try CLI.run(["exec", Self.specJobFile, "--runs", "2", "--db", db]).status == 0)
        let usage = try CLI.run(["usage", "--db", db, "--to-workload", observed, "--observed-hours", "24"])
        #expect(usage.status == 0, "\(usage)")
        #expect(usage.stderr == "wrote \(observed): 1 job\n")
        let text = try String(contentsOfFile: observed, encoding: .utf8)
        #expect(text.contains("runs_per_month: 60.833333"), "2 runs a day × 730 / 24: \(text)")
        #expect(text.contains("steps_per_run: 2"))
        let validate = try CLI.run(["workload", "validate", observed])
        #expect(validate.status == 0, "\(validate)")
        let compare = try CLI.run(["compare", observed, "--catalog", "seed-2025-01"])
        #expect(compare.status == 0, "\(compare)")
        #expect(compare.stdout.contains("1 job: 60.83 runs and 121.67 steps a month"), "\(compare)")
    }

    @Test func aWorkloadRunsAsSyntheticStepsAndMatchesTheEstimate() throws {
        let scratch = try TemporaryDirectory()
        let run = try CLI.run(["exec", "--workload", "Fixtures/seed-article.yaml", "--runs", "4", "--time-scale", "0.0005",
                               "--db", scratch.path("seed.db"), "--format", "json"])
        #expect(run.status == 0, "\(run)")
        let json = try run.jsonObject()
        let prediction = try #require(json["prediction"] as? [[String: Any]])
        let byQuantity = Dictionary(uniqueKeysWithValues: prediction.map { ($0["quantity"] as? String ?? "", $0) })
        for quantity in ["steps", "sleeps", "step_attempts", "run_attempts"] {
            let line = try #require(byQuantity[quantity])
            #expect(line["observed_per_run"] as? String == line["predicted_per_run"] as? String, "\(quantity): \(line)")
        }
        #expect(byQuantity["steps"]?["predicted_per_run"] as? String == "3")
        let table = try CLI.run(["exec", "--workload", "Fixtures/seed-article.yaml", "--runs", "2", "--time-scale", "0", "--db", scratch.path("t.db")])
        #expect(table.stdout.contains("Observed vs. predicted (durations in workload seconds)"), "\(table)")
    }

    @Test func aFailingStepExitsOneAfterTheReport() throws {
        let scratch = try TemporaryDirectory()
        let jobs = try scratch.write("jobs.yaml", """
            version: 1
            jobs:
              broken:
                retries: {max_attempts: 2, backoff: none}
                steps:
                  - {name: fails, run: "echo nope >&2; exit 3"}
            """)
        let run = try CLI.run(["exec", jobs.path, "--db", scratch.path("jobs.db")])
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("0 completed, 1 failed"), "the report comes first: \(run)")
        #expect(run.stderr.contains("step 'fails' failed after 2 attempts: 'echo nope >&2; exit 3' exited with status 3: nope"), "\(run)")
        #expect(run.stderr.hasSuffix("error: 1 run failed\n"), "\(run)")
    }

    @Test func aMissingJobFileExits66() throws {
        let run = try CLI.run(["exec", "Fixtures/jobs/nope.yaml", "--db", "/tmp/never-created-\(UUID().uuidString).db"])
        #expect(run.status == 66)
        #expect(run.stderr == "error: Fixtures/jobs/nope.yaml: no such file\n")
    }

    @Test func anInvalidJobFileExits65BeforeTouchingTheDatabase() throws {
        let scratch = try TemporaryDirectory()
        let jobs = try scratch.write("jobs.yaml", "version: 1\njobs:\n  j:\n    stepz: []\n")
        let run = try CLI.run(["exec", jobs.path, "--db", scratch.path("jobs.db")])
        #expect(run.status == 65)
        #expect(run.stderr == """
            \(jobs.path):4:5: jobs.j.stepz: unknown key 'stepz'
              hint: did you mean 'steps'?
            error: 1 problem found

            """)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("jobs.db")))
    }

    @Test func aMissingStepCommandExits66BeforeAnythingRuns() throws {
        let scratch = try TemporaryDirectory()
        let jobs = try scratch.write("jobs.yaml", "version: 1\njobs:\n  j:\n    steps:\n      - {name: a, run: ./missing.sh}\n")
        let run = try CLI.run(["exec", jobs.path, "--db", scratch.path("jobs.db")])
        #expect(run.status == 66)
        #expect(run.stderr == """
            error: \(jobs.path): a step command is missing
            \(jobs.path):5:24: jobs.j.steps[0].run: command './missing.sh' not found
              hint: paths are relative to the job file's folder (\(scratch.url.path)); check the name, or chmod +x the script

            """)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("jobs.db")))
    }

    @Test func aCorruptOrForeignDatabaseExits65AndIsLeftAsItWas() throws {
        let scratch = try TemporaryDirectory()
        let corrupt = try scratch.write("corrupt.db", String(repeating: "garbage ", count: 1000))
        let before = try Data(contentsOf: corrupt)
        let run = try CLI.run(["exec", Self.specJobFile, "--db", corrupt.path])
        #expect(run.status == 65)
        #expect(run.stderr == """
            \(corrupt.path): not a usable costsim database: the file is not a SQLite database
              hint: pass --db with a new file name (costsim creates it), or the database an earlier `costsim exec` wrote
            error: 1 problem found

            """)
        #expect(try Data(contentsOf: corrupt) == before)
        let usage = try CLI.run(["usage", "--db", corrupt.path])
        #expect(usage.status == 65)
        #expect(try Data(contentsOf: corrupt) == before)
    }

    @Test func usageErrors() throws {
        let missing = try CLI.run(["usage", "--db", "/tmp/no-such-ledger-\(UUID().uuidString).db"])
        #expect(missing.status == 66)
        #expect(missing.stderr.hasPrefix("error: /tmp/no-such-ledger-") && missing.stderr.hasSuffix(".db: cannot open the database: no such file\n"))
        let scratch = try TemporaryDirectory()
        let db = scratch.path("jobs.db")
        #expect(try CLI.run(["exec", Self.specJobFile, "--db", db]).status == 0)
        let since = try CLI.run(["usage", "--db", db, "--since", "yesterday"])
        #expect(since.status == 64)
        #expect(since.stderr == "error: --since: expected a date YYYY-MM-DD or an ISO 8601 time, found 'yesterday'\n  hint: e.g. --since 2026-11-01 or --since 2026-11-01T12:00:00Z\n")
        let future = try CLI.run(["usage", "--db", db, "--since", "2999-01-01", "--to-workload", scratch.path("w.yaml")])
        #expect(future.status == 65)
        #expect(future.stderr.contains("no runs to write as a workload since 2999-01-01"))
        #expect(try CLI.run(["usage", "--db", db, "--since", "2000-01-01", "--format", "csv"]).stdout.hasPrefix("job,runs,runs_completed"))
    }

    @Test func badCommandLines() throws {
        #expect(try CLI.run(["exec"]).status == 64)
        #expect(try CLI.run(["exec", Self.specJobFile, "--workload", "Fixtures/saas.yaml"]).status == 64)
        #expect(try CLI.run(["exec", Self.specJobFile, "--runs", "0"]).status == 64)
        let unknown = try CLI.run(["exec", Self.specJobFile, "--job", "nightly-synk", "--db", "/tmp/x-\(UUID().uuidString).db"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr == "error: --job: no job named 'nightly-synk' in Fixtures/jobs/nightly-sync.yaml\n  hint: did you mean 'nightly-sync'?\n")
        let fault = try CLI.run(["exec", Self.specJobFile, "--db", "/tmp/x-\(UUID().uuidString).db"], environment: ["COSTSIM_FAULT": "whenever"])
        #expect(fault.status == 64)
    }
}
