import Foundation
import Testing
@testable import Workload

// MARK: - Helpers

/// The values whose bits are set in a field mask, ascending.
private func values(_ mask: UInt64) -> [Int] {
    (0..<64).filter { mask & (1 << UInt64($0)) != 0 }
}

private func schedule(_ expression: String) throws -> CronSchedule {
    try CronSchedule(parsing: expression)
}

/// Hours in one 400-year Gregorian cycle.
private let cycleHours = 146_097 * 24

/// |a - b| < 10⁻³⁰, for values computed along a different (equally exact) path.
private func nearlyEqual(_ a: Decimal, _ b: Decimal) -> Bool {
    let difference = a - b
    let tolerance = Decimal(sign: .plus, exponent: -30, significand: 1)
    return difference < tolerance && -difference < tolerance
}

/// One calendar day, produced independently of `CronSchedule`'s own day table.
struct CronNaiveDay: Sendable {
    let year: Int
    let month: Int
    let day: Int
    let weekday: Int  // 0 = Sunday … 6 = Saturday
}

/// Zeller's congruence, converted to 0 = Sunday … 6 = Saturday.
private func zellerWeekday(year: Int, month: Int, day: Int) -> Int {
    let m = month < 3 ? month + 12 : month
    let y = month < 3 ? year - 1 : year
    let k = y % 100
    let j = y / 100
    let h = (day + (13 * (m + 1)) / 5 + k + k / 4 + j / 4 + 5 * j) % 7  // 0 = Saturday
    return (h + 6) % 7
}

private func naiveDays(years: Range<Int>) -> [CronNaiveDay] {
    var days: [CronNaiveDay] = []
    for year in years {
        let leap = year % 400 == 0 || (year % 4 == 0 && year % 100 != 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for month in 1...12 {
            for day in 1...lengths[month - 1] {
                days.append(CronNaiveDay(year: year, month: month, day: day,
                                     weekday: zellerWeekday(year: year, month: month, day: day)))
            }
        }
    }
    return days
}

/// A full 400-year cycle starting in 1600 — deliberately not the 2000 start the implementation uses.
private let naiveCycle = naiveDays(years: 1600..<2000)

/// A naive day predicate written by hand, independent of the parser.
struct CronCrossCheck: Sendable, CustomTestStringConvertible {
    let expression: String
    let minutesPerHour: Int
    let hoursPerDay: Int
    let matches: @Sendable (CronNaiveDay) -> Bool
    var testDescription: String { expression }
}

private let crossChecks: [CronCrossCheck] = [
    CronCrossCheck(expression: "*/15 * * * *", minutesPerHour: 4, hoursPerDay: 24) { _ in true },
    CronCrossCheck(expression: "0 0 1 * *", minutesPerHour: 1, hoursPerDay: 1) { $0.day == 1 },
    CronCrossCheck(expression: "0 0 29 2 *", minutesPerHour: 1, hoursPerDay: 1) { $0.month == 2 && $0.day == 29 },
    CronCrossCheck(expression: "0 0 * * MON", minutesPerHour: 1, hoursPerDay: 1) { $0.weekday == 1 },
    CronCrossCheck(expression: "0 0 1 * MON", minutesPerHour: 1, hoursPerDay: 1) { $0.day == 1 || $0.weekday == 1 },
    CronCrossCheck(expression: "0 0 13 * 5", minutesPerHour: 1, hoursPerDay: 1) { $0.day == 13 || $0.weekday == 5 },
    CronCrossCheck(expression: "0 0 */2 * MON", minutesPerHour: 1, hoursPerDay: 1) { $0.day % 2 == 1 && $0.weekday == 1 },
    CronCrossCheck(expression: "0 0 1-7 * */7", minutesPerHour: 1, hoursPerDay: 1) { $0.day <= 7 && $0.weekday == 0 },
    CronCrossCheck(expression: "30 9-17 * * MON-FRI", minutesPerHour: 1, hoursPerDay: 9) { (1...5).contains($0.weekday) },
    CronCrossCheck(expression: "0 12 31 * *", minutesPerHour: 1, hoursPerDay: 1) { $0.day == 31 },
    CronCrossCheck(expression: "5,35 */6 15 JAN,jul sat-sun", minutesPerHour: 2, hoursPerDay: 4) {
        ($0.month == 1 || $0.month == 7) && ($0.day == 15 || $0.weekday == 6 || $0.weekday == 0)
    },
    CronCrossCheck(expression: "0 0 29-31 FEB-apr,NOV 7", minutesPerHour: 1, hoursPerDay: 1) {
        [2, 3, 4, 11].contains($0.month) && ($0.day >= 29 || $0.weekday == 0)
    },
    CronCrossCheck(expression: "0 0 * 2/3 FRI-SUN", minutesPerHour: 1, hoursPerDay: 1) {
        [2, 5, 8, 11].contains($0.month) && [5, 6, 0].contains($0.weekday)
    },
]

// MARK: - Syntax forms

@Suite("CronSchedule parsing")
struct CronScheduleParsingTests {
    @Test func wildcardMatchesWholeField() throws {
        let s = try schedule("* * * * *")
        #expect(values(s.minutes) == Array(0...59))
        #expect(values(s.hours) == Array(0...23))
        #expect(values(s.daysOfMonth) == Array(1...31))
        #expect(values(s.months) == Array(1...12))
        #expect(values(s.daysOfWeek) == Array(0...6))
        #expect(!s.dayOfMonthRestricted)
        #expect(!s.dayOfWeekRestricted)
    }

    @Test func singleNumbers() throws {
        let s = try schedule("7 3 15 6 2")
        #expect(values(s.minutes) == [7])
        #expect(values(s.hours) == [3])
        #expect(values(s.daysOfMonth) == [15])
        #expect(values(s.months) == [6])
        #expect(values(s.daysOfWeek) == [2])
        #expect(s.dayOfMonthRestricted)
        #expect(s.dayOfWeekRestricted)
    }

    @Test func leadingZerosAreNumbers() throws {
        #expect(values(try schedule("05 09 * * *").minutes) == [5])
    }

    @Test func ranges() throws {
        let s = try schedule("10-14 9-17 1-7 3-5 1-5")
        #expect(values(s.minutes) == [10, 11, 12, 13, 14])
        #expect(values(s.hours) == Array(9...17))
        #expect(values(s.daysOfMonth) == Array(1...7))
        #expect(values(s.months) == [3, 4, 5])
        #expect(values(s.daysOfWeek) == [1, 2, 3, 4, 5])
    }

    @Test func wildcardSteps() throws {
        let s = try schedule("*/15 */6 */10 */4 */2")
        #expect(values(s.minutes) == [0, 15, 30, 45])
        #expect(values(s.hours) == [0, 6, 12, 18])
        #expect(values(s.daysOfMonth) == [1, 11, 21, 31])
        #expect(values(s.months) == [1, 5, 9])
        #expect(values(s.daysOfWeek) == [0, 2, 4, 6])
    }

    @Test func rangeSteps() throws {
        let s = try schedule("10-30/10 8-18/5 * * *")
        #expect(values(s.minutes) == [10, 20, 30])
        #expect(values(s.hours) == [8, 13, 18])
    }

    @Test func startSteps() throws {
        let s = try schedule("50/3 20/2 28/2 10/1 1/2")
        #expect(values(s.minutes) == [50, 53, 56, 59])
        #expect(values(s.hours) == [20, 22])
        #expect(values(s.daysOfMonth) == [28, 30])
        #expect(values(s.months) == [10, 11, 12])
        #expect(values(s.daysOfWeek) == [1, 3, 5])  // a/n on day-of-week stops at Saturday
    }

    @Test func stepLargerThanFieldKeepsStart() throws {
        #expect(values(try schedule("*/90 * * * *").minutes) == [0])
    }

    @Test func lists() throws {
        let s = try schedule("0,15,45 1,2-4,20-23/2 1,15 1,6-7 0,3")
        #expect(values(s.minutes) == [0, 15, 45])
        #expect(values(s.hours) == [1, 2, 3, 4, 20, 22])
        #expect(values(s.daysOfMonth) == [1, 15])
        #expect(values(s.months) == [1, 6, 7])
        #expect(values(s.daysOfWeek) == [0, 3])
    }

    @Test func monthNamesAnyCase() throws {
        let s = try schedule("0 0 1 JAN,feb,Mar,aPr,MAY,jun,JUL,aug,SEP,oct,NOV,dec *")
        #expect(values(s.months) == Array(1...12))
        #expect(values(try schedule("0 0 1 jun-AUG *").months) == [6, 7, 8])
        #expect(values(try schedule("0 0 1 JAN/5 *").months) == [1, 6, 11])
    }

    @Test func weekdayNamesAnyCase() throws {
        let s = try schedule("0 0 * * sun,MON,Tue,wed,THU,fri,SAT")
        #expect(values(s.daysOfWeek) == Array(0...6))
        #expect(values(try schedule("0 0 * * mon-FRI").daysOfWeek) == [1, 2, 3, 4, 5])
        #expect(values(try schedule("0 0 * * MON-FRI/2").daysOfWeek) == [1, 3, 5])
    }

    @Test func sundayCanCloseRange() throws {
        #expect(values(try schedule("0 0 * * FRI-SUN").daysOfWeek) == [0, 5, 6])
        #expect(values(try schedule("0 0 * * 5-7").daysOfWeek) == [0, 5, 6])
        #expect(values(try schedule("0 0 * * 5-0").daysOfWeek) == [0, 5, 6])
    }

    @Test func sevenIsSunday() throws {
        let zero = try schedule("0 0 * * 0")
        let seven = try schedule("0 0 * * 7")
        let name = try schedule("0 0 * * SUN")
        #expect(values(seven.daysOfWeek) == [0])
        #expect(zero.daysOfWeek == seven.daysOfWeek)
        #expect(name.daysOfWeek == seven.daysOfWeek)
        #expect(zero.firingsPerMonth() == seven.firingsPerMonth())
        #expect(values(try schedule("0 0 * * 0,7").daysOfWeek) == [0])
        #expect(values(try schedule("0 0 * * 0-7").daysOfWeek) == Array(0...6))
    }

    @Test func whitespaceIsFlexible() throws {
        let s = try schedule("  */15\t*   * *  *\n")
        #expect(values(s.minutes) == [0, 15, 30, 45])
        #expect(s.expression == "  */15\t*   * *  *\n")
        #expect(s.firingsPerMonth() == 2920)
    }

    @Test func expressionIsKeptAsGiven() throws {
        #expect(try schedule("@daily").expression == "@daily")
        #expect(try schedule("0 0 * * MON").expression == "0 0 * * MON")
    }

    @Test(arguments: [
        ("@hourly", "0 * * * *"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"),
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@DAILY", "0 0 * * *"),
        ("  @weekly  ", "0 0 * * 0"),
    ])
    func macros(macro: String, equivalent: String) throws {
        let a = try schedule(macro)
        let b = try schedule(equivalent)
        #expect(a.minutes == b.minutes)
        #expect(a.hours == b.hours)
        #expect(a.daysOfMonth == b.daysOfMonth)
        #expect(a.months == b.months)
        #expect(a.daysOfWeek == b.daysOfWeek)
        #expect(a.dayOfMonthRestricted == b.dayOfMonthRestricted)
        #expect(a.dayOfWeekRestricted == b.dayOfWeekRestricted)
        #expect(a.firingsPerMonth() == b.firingsPerMonth())
    }

    @Test func equatable() throws {
        #expect(try schedule("0 0 * * MON") == schedule("0 0 * * MON"))
        #expect(try schedule("0 0 * * MON") != schedule("0 0 * * TUE"))
    }
}

// MARK: - Exact values

@Suite("CronSchedule firings per month")
struct CronScheduleFiringsTests {
    @Test func everyFifteenMinutesIsExactly2920() throws {
        #expect(try schedule("*/15 * * * *").firingsPerMonth() == 2920)
    }

    @Test func hourlyIsExactly730() throws {
        #expect(try schedule("0 * * * *").firingsPerMonth() == 730)
        #expect(try schedule("@hourly").firingsPerMonth() == 730)
        #expect(try schedule("0 * * * *").firingsPerMonth(monthHours: 720) == 720)
    }

    @Test func everyMinute() throws {
        #expect(try schedule("* * * * *").firingsPerMonth() == 43_800)
    }

    @Test func dailyIs730Over24() throws {
        let value = try schedule("0 2 * * *").firingsPerMonth()
        #expect(value == Decimal(730) / Decimal(24))
        #expect(value > Decimal(30))
        #expect(value < Decimal(31))
    }

    @Test func firstOfMonth() throws {
        let s = try schedule("0 0 1 * *")
        #expect(s.matchingDaysPerCycle == 4800)
        #expect(s.firingsPerCycle == 4800)
        #expect(nearlyEqual(s.firingsPerMonth(), Decimal(4800 * 730) / Decimal(cycleHours)))
        #expect(s.firingsPerMonth() < 1)
        // Scaled to the true average month (730.485 h) it is exactly one.
        #expect(s.firingsPerMonth(monthHours: Decimal(730_485) / 1000) == 1)
        // Scaled to the whole cycle it is the exact count.
        #expect(s.firingsPerMonth(monthHours: Decimal(cycleHours)) == 4800)
    }

    @Test func leapDayIsRare() throws {
        let s = try schedule("0 0 29 2 *")
        #expect(s.matchingDaysPerCycle == 97)
        #expect(s.firingsPerMonth(monthHours: Decimal(cycleHours)) == 97)
        // Per average year (8,765.82 h): 97 / 400.
        #expect(s.firingsPerMonth(monthHours: Decimal(876_582) / 100) == Decimal(2425) / 10_000)
        #expect(nearlyEqual(s.firingsPerMonth(), Decimal(97 * 730) / Decimal(cycleHours)))
    }

    @Test func weeklyIsExactlyOneSeventhOfDays() throws {
        let s = try schedule("0 0 * * MON")
        #expect(s.matchingDaysPerCycle == 20_871)
        #expect(s.firingsPerMonth() == Decimal(730) / Decimal(168))
        #expect(try schedule("@weekly").firingsPerMonth() == Decimal(730) / Decimal(168))
    }

    @Test func domDowEitherRule() throws {
        let first = try schedule("0 0 1 * *")
        let mondays = try schedule("0 0 * * MON")
        let either = try schedule("0 0 1 * MON")
        let firstMondays = naiveCycle.filter { $0.day == 1 && $0.weekday == 1 }.count
        #expect(firstMondays > 0)
        #expect(either.matchingDaysPerCycle == 4800 + 20_871 - firstMondays)
        #expect(either.firingsPerMonth() > mondays.firingsPerMonth())
        #expect(either.firingsPerMonth() > first.firingsPerMonth())
        #expect(either.matchesDay(month: 3, day: 1, weekday: 4))   // a Thursday the 1st
        #expect(either.matchesDay(month: 3, day: 5, weekday: 1))   // a Monday the 5th
        #expect(!either.matchesDay(month: 3, day: 5, weekday: 2))
        #expect(!mondays.matchesDay(month: 3, day: 1, weekday: 4))
        #expect(!first.matchesDay(month: 3, day: 5, weekday: 1))
    }

    @Test func starredDomMeansBothMustMatch() throws {
        // Vixie cron: a field starting with "*" is unrestricted, so "*/2" with a weekday is AND.
        let s = try schedule("0 0 */2 * MON")
        #expect(!s.dayOfMonthRestricted)
        #expect(s.matchesDay(month: 1, day: 3, weekday: 1))
        #expect(!s.matchesDay(month: 1, day: 4, weekday: 1))
        #expect(!s.matchesDay(month: 1, day: 3, weekday: 2))
        #expect(s.matchingDaysPerCycle < 20_871)
        let starredWeekday = try schedule("0 0 1 * */1")
        #expect(starredWeekday.matchingDaysPerCycle == 4800)
    }

    @Test func multipliesMinutesAndHours() throws {
        let s = try schedule("0,30 9-17 * * MON-FRI")
        #expect(s.firingsPerCycle == 20_871 * 5 * 2 * 9)
        #expect(s.firingsPerMonth() == Decimal(730 * 5 * 2 * 9) / Decimal(168))
    }
}

// MARK: - Cross-check against an independent calendar

@Suite("CronSchedule cross-check")
struct CronScheduleCrossCheckTests {
    @Test func zellerAgreesWithKnownDates() {
        #expect(zellerWeekday(year: 2000, month: 1, day: 1) == 6)   // Saturday
        #expect(zellerWeekday(year: 1970, month: 1, day: 1) == 4)   // Thursday
        #expect(zellerWeekday(year: 2024, month: 2, day: 29) == 4)  // Thursday
        #expect(zellerWeekday(year: 1600, month: 1, day: 1) == 6)   // Saturday
        #expect(naiveCycle.count == 146_097)
    }

    @Test(arguments: crossChecks)
    func wholeCycleCountMatchesNaiveCount(check: CronCrossCheck) throws {
        let s = try schedule(check.expression)
        let naiveCount = naiveCycle.filter(check.matches).count
        #expect(s.matchingDaysPerCycle == naiveCount)
        #expect(values(s.minutes).count == check.minutesPerHour)
        #expect(values(s.hours).count == check.hoursPerDay)
        let naiveFirings = naiveCount * check.minutesPerHour * check.hoursPerDay
        #expect(s.firingsPerCycle == naiveFirings)
        #expect(s.firingsPerMonth(monthHours: Decimal(cycleHours)) == Decimal(naiveFirings))
        #expect(nearlyEqual(s.firingsPerMonth(), Decimal(naiveFirings) * 730 / Decimal(cycleHours)))
    }

    @Test(arguments: crossChecks)
    func dayByDayAgreesOverRecentYears(check: CronCrossCheck) throws {
        let s = try schedule(check.expression)
        for day in naiveDays(years: 2023..<2031) {
            #expect(
                s.matchesDay(month: day.month, day: day.day, weekday: day.weekday) == check.matches(day),
                "\(check.expression) on \(day.year)-\(day.month)-\(day.day)"
            )
        }
    }
}

// MARK: - Errors, word for word

@Suite("CronSchedule errors")
struct CronScheduleErrorTests {
    private static let fieldCountHint = "e.g. \"*/15 * * * *\" fires every 15 minutes"
    private static let macroHint =
        "supported macros are @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually"
    private static let malformedHint = "use a number, a range such as \"1-5\", or a step such as \"*/10\""

    private static func error(_ message: String, _ hint: String? = nil) -> CronSchedule.ParseError {
        CronSchedule.ParseError(message: message, hint: hint)
    }

    @Test(arguments: [
        ("0 0 * *", 4), ("", 0), ("   ", 0), ("* * * * * *", 6), ("*", 1),
    ])
    func wrongFieldCount(expression: String, found: Int) {
        #expect(throws: Self.error(
            "expected 5 fields (minute hour day-of-month month day-of-week), found \(found)",
            Self.fieldCountHint
        )) {
            try CronSchedule(parsing: expression)
        }
    }

    @Test(arguments: [
        ("75 * * * *", "minute: 75 is out of range 0–59"),
        ("60 * * * *", "minute: 60 is out of range 0–59"),
        ("0 24 * * *", "hour: 24 is out of range 0–23"),
        ("0 0 0 * *", "day-of-month: 0 is out of range 1–31"),
        ("0 0 32 * *", "day-of-month: 32 is out of range 1–31"),
        ("0 0 * 0 *", "month: 0 is out of range 1–12"),
        ("0 0 * 13 *", "month: 13 is out of range 1–12"),
        ("0 0 * * 8", "day-of-week: 8 is out of range 0–7"),
        ("0-60 * * * *", "minute: 60 is out of range 0–59"),
        ("0 0 * * 1-9", "day-of-week: 9 is out of range 0–7"),
        ("99999999999999999999 * * * *", "minute: 99999999999999999999 is out of range 0–59"),
    ])
    func outOfRange(expression: String, message: String) {
        #expect(throws: Self.error(message)) {
            try CronSchedule(parsing: expression)
        }
    }

    @Test func unknownWeekdayName() {
        #expect(throws: Self.error(
            "day-of-week: unknown name \"FUNDAY\"",
            "valid names are SUN, MON, TUE, WED, THU, FRI, SAT (or numbers 0–7, where 0 and 7 are both Sunday)"
        )) {
            try CronSchedule(parsing: "0 0 * * FUNDAY")
        }
        #expect(throws: Self.error(
            "day-of-week: unknown name \"monday\"",
            "valid names are SUN, MON, TUE, WED, THU, FRI, SAT (or numbers 0–7, where 0 and 7 are both Sunday)"
        )) {
            try CronSchedule(parsing: "0 0 * * monday")
        }
    }

    @Test func unknownMonthName() {
        #expect(throws: Self.error(
            "month: unknown name \"Sept\"",
            "valid names are JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC (or numbers 1–12)"
        )) {
            try CronSchedule(parsing: "0 0 1 Sept *")
        }
    }

    @Test(arguments: [
        ("x * * * *", "minute: \"x\" is not a number"),
        ("0 MON * * *", "hour: \"MON\" is not a number"),
        ("0 0 ? * *", "day-of-month: \"?\" is not a number"),
        ("0 0 L * *", "day-of-month: \"L\" is not a number"),
        ("0 0 * JAN-x *", "month: unknown name \"x\""),
    ])
    func notANumber(expression: String, message: String) {
        let hint: String? = message.hasPrefix("month:")
            ? "valid names are JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC (or numbers 1–12)"
            : nil
        #expect(throws: Self.error(message, hint)) {
            try CronSchedule(parsing: expression)
        }
    }

    @Test(arguments: ["*/0 * * * *", "0-59/0 * * * *", "5/0 * * * *"])
    func stepZero(expression: String) {
        #expect(throws: Self.error("minute: step must be at least 1, found 0", "e.g. \"*/5\" means every 5th value")) {
            try CronSchedule(parsing: expression)
        }
    }

    @Test func badSteps() {
        #expect(throws: Self.error("hour: step \"x\" is not a number")) {
            try CronSchedule(parsing: "0 */x * * *")
        }
        #expect(throws: Self.error("minute: step 99999999999999999999 is too large")) {
            try CronSchedule(parsing: "*/99999999999999999999 * * * *")
        }
    }

    @Test(arguments: [
        ("1,,2 * * * *", "minute: empty element in list \"1,,2\""),
        ("0 ,1 * * *", "hour: empty element in list \",1\""),
        ("0 0 1, * *", "day-of-month: empty element in list \"1,\""),
        ("0 0 * * MON,", "day-of-week: empty element in list \"MON,\""),
    ])
    func emptyListElement(expression: String, message: String) {
        #expect(throws: Self.error(message, "remove the extra comma")) {
            try CronSchedule(parsing: expression)
        }
    }

    @Test(arguments: [
        ("1- * * * *", "minute: malformed element \"1-\""),
        ("-5 * * * *", "minute: malformed element \"-5\""),
        ("1-2-3 * * * *", "minute: malformed element \"1-2-3\""),
        ("1/2/3 * * * *", "minute: malformed element \"1/2/3\""),
        ("/5 * * * *", "minute: malformed element \"/5\""),
        ("*/ * * * *", "minute: malformed element \"*/\""),
    ])
    func malformedElement(expression: String, message: String) {
        #expect(throws: Self.error(message, Self.malformedHint)) {
            try CronSchedule(parsing: expression)
        }
    }

    @Test func reversedRange() {
        #expect(throws: Self.error(
            "hour: range 22-2 is reversed (start is after end)",
            "ranges do not wrap around; use a list such as \"22-23,0-2\""
        )) {
            try CronSchedule(parsing: "0 22-2 * * *")
        }
        #expect(throws: Self.error(
            "day-of-week: range FRI-MON is reversed (start is after end)",
            "ranges do not wrap around; use a list such as \"22-23,0-2\""
        )) {
            try CronSchedule(parsing: "0 0 * * FRI-MON")
        }
    }

    @Test func unknownMacro() {
        #expect(throws: Self.error("unknown macro \"@fortnightly\"", Self.macroHint)) {
            try CronSchedule(parsing: "@fortnightly")
        }
        #expect(throws: Self.error("unknown macro \"@\"", Self.macroHint)) {
            try CronSchedule(parsing: "@")
        }
    }

    @Test func rebootIsNotASchedule() {
        #expect(throws: Self.error("@reboot is not a schedule: it fires only when the system starts", Self.macroHint)) {
            try CronSchedule(parsing: "@reboot")
        }
    }

    @Test func macroMustStandAlone() {
        #expect(throws: Self.error(
            "macro \"@daily\" must stand alone, found extra text after it",
            "use either a macro such as \"@daily\" or five fields such as \"0 0 * * *\""
        )) {
            try CronSchedule(parsing: "@daily 0 0 * * *")
        }
    }

    @Test(arguments: ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 30-31 FEB *"])
    func neverFires(expression: String) {
        #expect(throws: Self.error(
            "never fires: the selected day-of-month never occurs in the selected month(s)",
            "February has at most 29 days; April, June, September and November have 30"
        )) {
            try CronSchedule(parsing: expression)
        }
    }

    @Test func rareButPossibleDaysAreAccepted() throws {
        #expect(try schedule("0 0 29 2 *").matchingDaysPerCycle == 97)
        #expect(try schedule("0 0 31 2,3 *").matchingDaysPerCycle == 400)
        // Restricted day-of-week rescues February 31st under the either rule.
        #expect(try schedule("0 0 31 2 MON").matchingDaysPerCycle > 0)
    }
}
