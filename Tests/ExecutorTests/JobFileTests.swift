import CostModel
import Foundation
import Testing
@testable import Executor

@Suite struct JobFileTests {
    /// Every diagnostic of parsing `text`, as text.
    func problems(in text: String, file: String) -> [String] {
        let result = Result { () throws(InputError) -> JobFile in try JobFile.parse(text, file: file) }
        switch result {
        case .success: return []
        case .failure(let error):
            if case .invalid(let diagnostics) = error { return diagnostics.map(\.description) }
            return [error.description]
        }
    }

    @Test func theSpecExampleParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/jobs/nightly-sync.yaml")
        let file = try JobFile.load(path: url.path)
        let job = try #require(file.job(named: "nightly-sync"))
        #expect(job.retries == RetryPolicy(maxAttempts: 3, backoff: .exponential, baseSeconds: 1))
        #expect(job.concurrency == 2)
        #expect(job.steps.map(\.name) == ["export", "upload"])
        #expect(job.steps[0].action == .run("./scripts/export.sh"))
        #expect(file.directory == url.deletingLastPathComponent().path)
        #expect(ShellStep.missingPrograms(in: file).isEmpty)
    }

    @Test func everyProblemIsReportedWithItsPlace() throws {
        let text = """
            version: 1
            jobs:
              nightly-sync:
                retries: {max_attempts: 0, backof: exponential}
                concurrency: two
                steps:
                  - {name: export, run: "./export.sh"}
                  - {name: export, run: "./upload.sh"}
                  - {name: wait, sleep_seconds: 5, run: "echo"}
                  - {nme: upload}
              empty:
                steps: []
            """
        #expect(problems(in: text, file: "jobs.yaml") == [
                "jobs.yaml:4:32: jobs.nightly-sync.retries.backof: unknown key 'backof'\n  hint: did you mean 'backoff'?",
                "jobs.yaml:4:29: jobs.nightly-sync.retries.max_attempts: must be at least 1, found 0",
                "jobs.yaml:5:18: jobs.nightly-sync.concurrency: expected a whole number, found \"two\"\n  hint: write a plain decimal number such as 1500 or 0.00004",
                "jobs.yaml:8:9: jobs.nightly-sync.steps[1].name: duplicate step name 'export' (also steps[0])\n  hint: a step's name is its memo key: names must be unique within a job",
                "jobs.yaml:9:9: jobs.nightly-sync.steps[2]: give run or sleep_seconds, not both\n  hint: a step either runs a command or sleeps",
                "jobs.yaml:10:10: jobs.nightly-sync.steps[3].nme: unknown key 'nme'\n  hint: did you mean 'name'?",
                "jobs.yaml:10:9: jobs.nightly-sync.steps[3]: missing what the step does\n  hint: add run: \"COMMAND\" (a shell command) or sleep_seconds: N (a durable sleep)",
                "jobs.yaml:12:12: jobs.empty.steps: expected at least one step",
            ])
    }

    @Test func structuralMistakes() {
        func problems(_ text: String) -> [String] { self.problems(in: text, file: "j.yaml") }
        #expect(problems("") == ["j.yaml:1:1: the file is empty\n  hint: a job file starts with 'version: 1' and a mapping of 'jobs:'"])
        #expect(problems("version: 2\njobs:\n  a:\n    steps: [{name: s, run: echo}]\n")
                == ["j.yaml:1:10: version: unsupported version 2\n  hint: this costsim reads version 1"])
        #expect(problems("version: 1\njobs:\n  - {name: a}\n") == [
            "j.yaml:3:3: jobs: expected a mapping of job names to jobs, found a list\n  hint: write each job as 'name:' followed by its steps, e.g. jobs: {nightly-sync: {steps: […]}}"])
        #expect(problems("version: 1\njobs:\n  a:\n    steps: [{name: 'x#1', run: echo}]\n")
                == ["j.yaml:4:20: jobs.a.steps[0].name: a step name must not be blank or contain '#'\n  hint: '#' marks repeated steps in the ledger"])
        #expect(problems("version: 1\njobs:\n  a:\n    retries: {max_attempts: 500}\n    steps: [{name: s, run: echo}]\n")
                == ["j.yaml:4:29: jobs.a.retries.max_attempts: max_attempts 500 is above 100\n  hint: max_attempts counts every attempt, the first included: 3 means two retries"])
    }

    @Test func missingCommandsAreFoundBeforeAnythingRuns() throws {
        let folder = try ScratchFolder()
        try folder.write("present.sh", "#!/bin/sh\necho ok\n", executable: true)
        try folder.write("not-executable.sh", "#!/bin/sh\necho ok\n")
        let path = try folder.write("jobs.yaml", """
            version: 1
            jobs:
              j:
                steps:
                  - {name: a, run: "./present.sh --fast"}
                  - {name: b, run: "./absent.sh"}
                  - {name: c, run: "./not-executable.sh"}
                  - {name: d, run: "LANG=C nosuchprogram-xyz --flag"}
                  - {name: e, run: "echo hi && true"}
                  - {name: f, run: "sh -c 'exit 0'"}
                  - {name: g, run: "\\"quoted\\" program"}
            """)
        let file = try JobFile.load(path: path)
        let problems = ShellStep.missingPrograms(in: file, path: "/usr/bin:/bin").map { "\($0.line ?? 0):\($0.keyPath): \($0.message)" }
        #expect(problems == [
            "6:jobs.j.steps[1].run: command './absent.sh' not found",
            "7:jobs.j.steps[2].run: command './not-executable.sh' is not executable",
            "8:jobs.j.steps[3].run: command 'nosuchprogram-xyz' not found on PATH",
        ])
    }

    @Test func shellStepsSeeTheirAttemptAndReportFailures() throws {
        let folder = try ScratchFolder()
        let runner = ShellStep(directory: folder.url.path)
        let info = StepAttemptInfo(runID: "run-9", job: "j", step: "s", attempt: 2, maxAttempts: 3)
        let output = try runner.execute("echo \"$COSTSIM_RUN_ID $COSTSIM_JOB $COSTSIM_STEP $COSTSIM_ATTEMPT/$COSTSIM_MAX_ATTEMPTS\"; pwd", attempt: info, timeoutSeconds: nil)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.first == "run-9 j s 2/3")
        #expect(URL(fileURLWithPath: lines.last ?? "").resolvingSymlinksInPath() == folder.url.resolvingSymlinksInPath())
        #expect(throws: ShellStepError(command: "echo boom >&2; exit 3", status: 3, output: "boom\n")) {
            _ = try runner.execute("echo boom >&2; exit 3", attempt: nil, timeoutSeconds: nil)
        }
        #expect(ShellStepError(command: "x", status: 3, output: "a\nb\n").description == "'x' exited with status 3: a | b")
        do {
            _ = try runner.execute("nosuchprogram-xyz", attempt: nil, timeoutSeconds: nil)
            Issue.record("expected a failure")
        } catch let error as NonRetriableError {
            #expect(error.message.hasPrefix("'nosuchprogram-xyz' exited with status 127 (command not found)"))
        }
        #expect(throws: ShellStepError.self) { _ = try runner.execute("sleep 5", attempt: nil, timeoutSeconds: 0.2) }
    }
}
