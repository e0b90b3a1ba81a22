import CostModel
import Foundation
import Testing
@testable import Workload

private typealias F = WorkloadFixture

@Suite("Workload parsing: fields, defaults and volumes")
struct WorkloadParsingTests {
    @Test("every top-level and job field is read")
    func allFields() throws {
        let text = """
        version: 1
        name: acme-jobs
        description: "All the fields"
        platform: vercel/pro
        month_hours: 720
        defaults: {memory_mb: 2048, retry_rate: 0.05}
        jobs:
          - name: pdf-export
            description: "Render and upload"
            runs_per_month: 20000
            steps_per_run: 4
            sleeps_per_run: 1
            step_seconds: 15
            max_step_seconds: 20
            memory_mb: 1024
            machine: small-1x
            retry_rate: 0.02
            events_per_run: 2
          - name: minimal
            runs_per_month: 10
            step_seconds: 1.5
        """
        let workload = try F.parse(text)
        #expect(workload.name == "acme-jobs")
        #expect(workload.description == "All the fields")
        #expect(workload.file == "w.yaml")
        #expect(workload.monthHours == 720)
        let platform = try #require(workload.platform)
        #expect(platform.provider == "vercel")
        #expect(platform.plan == "pro")
        #expect(platform.line == 4)
        #expect(platform.column == 11)
        #expect(platform.description == "vercel/pro")
        #expect(workload.jobs.count == 2)

        let job = workload.jobs[0]
        #expect(job.name == "pdf-export")
        #expect(job.description == "Render and upload")
        #expect(job.volume == .perMonth(20000))
        #expect(job.runsPerMonth == 20000)
        #expect(job.stepsPerRun == 4)
        #expect(job.sleepsPerRun == 1)
        #expect(job.computeStepsPerRun == 3)
        #expect(job.stepSeconds == 15)
        #expect(job.runSeconds == nil)
        #expect(job.maxStepSeconds == 20)
        #expect(job.memoryMB == 1024)
        #expect(job.machine == "small-1x")
        #expect(job.retryRate == F.d("0.02"))
        #expect(job.eventsPerRun == 2)
        #expect(job.activeSecondsPerRun == 45)
        #expect(job.specs.isEmpty)
        #expect(job.line == 8)

        let minimal = workload.jobs[1]
        #expect(minimal.name == "minimal")
        #expect(minimal.description == nil)
        #expect(minimal.stepsPerRun == 1)
        #expect(minimal.sleepsPerRun == 0)
        #expect(minimal.stepSeconds == F.d("1.5"))
        #expect(minimal.maxStepSeconds == F.d("1.5"))
        #expect(minimal.machine == nil)
        #expect(minimal.eventsPerRun == 0)
        #expect(minimal.line == 19)
    }

    @Test("defaults are inherited by every job, and a job's own value wins")
    func defaultsInheritance() throws {
        let text = """
        version: 1
        name: w
        defaults:
          memory_mb: 2048
          retry_rate: 0.1
          steps_per_run: 3
          step_seconds: 2
          machine: medium-1x
          events_per_run: 1
          runs_per_hour: 2
        jobs:
          - name: inherits
          - name: overrides
            memory_mb: 512
            retry_rate: 0
            steps_per_run: 5
            step_seconds: 4
            machine: large-1x
            events_per_run: 0
            runs_per_month: 100
        """
        let workload = try F.parse(text)
        let inherits = workload.jobs[0]
        #expect(inherits.memoryMB == 2048)
        #expect(inherits.retryRate == F.d("0.1"))
        #expect(inherits.stepsPerRun == 3)
        #expect(inherits.stepSeconds == 2)
        #expect(inherits.machine == "medium-1x")
        #expect(inherits.eventsPerRun == 1)
        #expect(inherits.volume == .perHour(2))
        #expect(inherits.runsPerMonth == 1460)

        let overrides = workload.jobs[1]
        #expect(overrides.memoryMB == 512)
        #expect(overrides.retryRate == 0)
        #expect(overrides.stepsPerRun == 5)
        #expect(overrides.stepSeconds == 4)
        #expect(overrides.machine == "large-1x")
        #expect(overrides.eventsPerRun == 0)
        // A job's own volume key replaces the default's (no "give one of … not several").
        #expect(overrides.volume == .perMonth(100))
        #expect(overrides.runsPerMonth == 100)
    }

    @Test("a default schedule is inherited, and fires per the workload's month")
    func defaultSchedule() throws {
        let workload = try F.parse("""
        version: 1
        name: w
        defaults: {schedule: "0 * * * *", step_seconds: 1}
        jobs:
          - name: hourly
        """)
        #expect(workload.jobs[0].volume == .schedule("0 * * * *"))
        #expect(workload.jobs[0].runsPerMonth == 730)
    }

    @Test("a job's run_seconds replaces a default step_seconds, as its volume key replaces a default one")
    func jobRunSecondsOverridesDefaultStepSeconds() throws {
        let workload = try F.parse("""
        version: 1
        name: w
        defaults: {step_seconds: 2}
        jobs:
          - name: a
            runs_per_month: 10
            run_seconds: 30
        """)
        #expect(workload.jobs[0].runSeconds == 30)
        #expect(workload.jobs[0].stepSeconds == nil)
    }

    @Test("a job's step_seconds replaces a default run_seconds too")
    func jobStepSecondsOverridesDefaultRunSeconds() throws {
        let workload = try F.parse("""
        version: 1
        name: w
        defaults: {run_seconds: 30}
        jobs:
          - name: a
            runs_per_month: 10
            step_seconds: 2
          - name: b
            runs_per_month: 10
        """)
        #expect(workload.jobs[0].stepSeconds == 2)
        #expect(workload.jobs[0].runSeconds == nil)
        #expect(workload.jobs[1].runSeconds == 30, "a job without its own duration keeps the default")
        #expect(workload.jobs[1].stepSeconds == nil)
    }

    @Test("step_seconds and run_seconds in the same job still conflict, even with defaults")
    func bothDurationsInOneJobConflict() {
        #expect(F.messages("""
        version: 1
        name: w
        defaults: {step_seconds: 2}
        jobs:
          - name: a
            runs_per_month: 10
            step_seconds: 3
            run_seconds: 30
        """) == [
            "w.yaml:5:5: jobs[0]: give step_seconds or run_seconds, not both\n  hint: step_seconds is per compute step; run_seconds is the whole run's active time",
        ])
    }

    @Test("runs_per_day is × 730/24 runs a month", arguments: [
        ("120", "3650"),
        ("480", "14600"),
        ("24", "730"),
        ("0", "0"),
    ])
    func runsPerDay(perDay: String, perMonth: String) throws {
        let workload = try F.parse(F.oneJob("runs_per_day: \(perDay)\nstep_seconds: 1"))
        #expect(workload.jobs[0].volume == .perDay(F.d(perDay)))
        #expect(workload.jobs[0].runsPerMonth == F.d(perMonth))
    }

    @Test("runs_per_day that does not divide evenly is exact per × 730 / 24")
    func runsPerDayFraction() throws {
        let workload = try F.parse(F.oneJob("runs_per_day: 10\nstep_seconds: 1"))
        #expect(workload.jobs[0].runsPerMonth == Decimal(10) * 730 / 24)
        #expect(F.close(workload.jobs[0].runsPerMonth, F.d("304.1666666666666"), within: F.d("0.0000000000001")))
    }

    @Test("runs_per_hour is × 730 runs a month", arguments: [
        ("1200", "876000"),
        ("100", "73000"),
        ("0.5", "365"),
    ])
    func runsPerHour(perHour: String, perMonth: String) throws {
        let workload = try F.parse(F.oneJob("runs_per_hour: \(perHour)\nstep_seconds: 1"))
        #expect(workload.jobs[0].volume == .perHour(F.d(perHour)))
        #expect(workload.jobs[0].runsPerMonth == F.d(perMonth))
    }

    @Test("a cron schedule gives its average firings per 730-hour month")
    func schedule() throws {
        let quarter = try F.parse(F.oneJob("schedule: \"*/15 * * * *\"\nstep_seconds: 1"))
        #expect(quarter.jobs[0].volume == .schedule("*/15 * * * *"))
        #expect(quarter.jobs[0].runsPerMonth == 2920)

        let daily = try F.parse(F.oneJob("schedule: \"0 2 * * *\"\nstep_seconds: 1"))
        #expect(daily.jobs[0].runsPerMonth == Decimal(730) / 24)

        let hourly = try F.parse(F.oneJob("schedule: \"@hourly\"\nstep_seconds: 1"))
        #expect(hourly.jobs[0].runsPerMonth == 730)
    }

    @Test("month_hours overrides the 730-hour month for every volume form")
    func monthHoursOverride() throws {
        let text = """
        version: 1
        name: w
        month_hours: 720
        jobs:
          - {name: monthly, runs_per_month: 1000, step_seconds: 1}
          - {name: daily, runs_per_day: 10, step_seconds: 1}
          - {name: hourly, runs_per_hour: 3, step_seconds: 1}
          - {name: cron, schedule: "0 * * * *", step_seconds: 1}
        """
        let workload = try F.parse(text)
        #expect(workload.monthHours == 720)
        #expect(workload.jobs.map(\.runsPerMonth) == [1000, 300, 2160, 720])
    }

    @Test("without month_hours the month is 730 hours")
    func defaultMonth() throws {
        #expect(try F.parse(F.oneJob("runs_per_month: 1\nstep_seconds: 1")).monthHours == 730)
        #expect(Workload.defaultMonthHours == 730)
    }

    @Test("run_seconds instead of step_seconds; max step defaults to the run split over compute steps")
    func runSeconds() throws {
        let workload = try F.parse(F.oneJob("runs_per_month: 10\nsteps_per_run: 4\nsleeps_per_run: 1\nrun_seconds: 45"))
        let job = workload.jobs[0]
        #expect(job.runSeconds == 45)
        #expect(job.stepSeconds == nil)
        #expect(job.activeSecondsPerRun == 45)
        #expect(job.maxStepSeconds == 15)
    }

    @Test("an all-sleep job needs no duration")
    func allSleepsNeedNoDuration() throws {
        let workload = try F.parse(F.oneJob("runs_per_month: 10\nsteps_per_run: 2\nsleeps_per_run: 2"))
        #expect(workload.jobs[0].computeStepsPerRun == 0)
        #expect(workload.jobs[0].activeSecondsPerRun == 0)
    }

    @Test("numbers may be quoted decimal text and use _ separators, parsed exactly")
    func exactNumbers() throws {
        let workload = try F.parse(F.oneJob("runs_per_month: \"1_000_000\"\nstep_seconds: 0.1\nretry_rate: \"0.00004\""))
        #expect(workload.jobs[0].runsPerMonth == 1_000_000)
        #expect(workload.jobs[0].stepSeconds == F.d("0.1"))
        #expect(workload.jobs[0].retryRate == Decimal(sign: .plus, exponent: -5, significand: 4))
    }

    @Test("the shipped fixtures parse with the documented volumes")
    func fixtures() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
        let seed = try Workload.load(path: root.appendingPathComponent("seed-article.yaml").path)
        #expect(seed.platform == nil)
        #expect(seed.jobs.map(\.runsPerMonth) == [100_000])
        #expect(seed.jobs[0].stepsPerRun == 3)

        let saas = try Workload.load(path: root.appendingPathComponent("saas.yaml").path)
        #expect(saas.platform == PlatformReference(provider: "vercel", plan: "pro"))
        #expect(saas.jobs.map(\.name) == ["webhook-handler", "welcome-email", "pdf-export", "nightly-report",
                                           "image-resize", "data-sync", "weekly-digest"])
        #expect(Array(saas.jobs.map(\.runsPerMonth).prefix(3)) == [876_000, 3650, 14600])
        #expect(saas.jobs[3].runsPerMonth == Decimal(730) / 24)
        #expect(saas.jobs[4].runsPerMonth == 73000)
        #expect(saas.jobs[4].memoryMB == 2048)
        #expect(saas.jobs[0].memoryMB == 1024)
        #expect(saas.jobs[5].runsPerMonth == 730)
        // Mondays at 09:00: exact average over the Gregorian cycle, close to 730 / 168.
        #expect(F.close(saas.jobs[6].runsPerMonth, Decimal(730) / 168, within: F.d("0.001")))

        let batch = try Workload.load(path: root.appendingPathComponent("batch-email.yaml").path)
        #expect(batch.jobs[0].runSeconds == 480)
        #expect(batch.jobs[0].maxStepSeconds == 25)

        let pdf = try Workload.load(path: root.appendingPathComponent("pdf-generation.yaml").path)
        #expect(pdf.platform == PlatformReference(provider: "vercel", plan: "hobby"))
        #expect(pdf.jobs[0].maxStepSeconds == 45)
    }

    @Test("a missing file is unreadable with 'no such file'")
    func missingFile() {
        #expect(throws: InputError.unreadable(file: "/nonexistent/w.yaml", reason: "no such file")) {
            try Workload.load(path: "/nonexistent/w.yaml")
        }
        #expect(InputError.unreadable(file: "x", reason: "no such file").exitCode == 66)
    }

    @Test("PlatformReference parses provider/plan only")
    func platformReference() {
        #expect(PlatformReference(parsing: "vercel/pro") == PlatformReference(provider: "vercel", plan: "pro"))
        #expect(PlatformReference(parsing: "vercel") == nil)
        #expect(PlatformReference(parsing: "vercel/") == nil)
        #expect(PlatformReference(parsing: "/pro") == nil)
        #expect(PlatformReference(parsing: "a/b/c") == nil)
    }

    @Test("Job.init derives max step seconds from step or run seconds")
    func jobInitMaxStep() {
        let byStep = Job(name: "a", volume: .perMonth(1), runsPerMonth: 1, stepsPerRun: 3, stepSeconds: 7)
        #expect(byStep.maxStepSeconds == 7)
        let byRun = Job(name: "b", volume: .perMonth(1), runsPerMonth: 1, stepsPerRun: 4, sleepsPerRun: 2, runSeconds: 30)
        #expect(byRun.maxStepSeconds == 15)
        let explicit = Job(name: "c", volume: .perMonth(1), runsPerMonth: 1, stepSeconds: 7, maxStepSeconds: 9)
        #expect(explicit.maxStepSeconds == 9)
        let sleepsOnly = Job(name: "d", volume: .perMonth(1), runsPerMonth: 1, stepsPerRun: 1, sleepsPerRun: 1, runSeconds: 5)
        #expect(sleepsOnly.maxStepSeconds == 5)
        let nothing = Job(name: "e", volume: .perMonth(1), runsPerMonth: 1)
        #expect(nothing.maxStepSeconds == 0)
        #expect(Job.defaultMemoryMB == 1024)
    }
}
