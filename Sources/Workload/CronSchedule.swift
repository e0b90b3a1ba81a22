import Foundation

/// A five-field UTC cron expression — `minute hour day-of-month month day-of-week` — and the exact
/// average number of times it fires in a month.
///
/// Supported syntax, per field: `*`, numbers, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n`
/// (`a` up to the field's maximum), comma lists of any of these, month names `JAN`–`DEC` and
/// weekday names `SUN`–`SAT` (case-insensitive, also inside ranges: `MON-FRI`, `FRI-SUN`).
/// Day-of-week `0` and `7` are both Sunday. The macros `@hourly`, `@daily`, `@midnight`,
/// `@weekly`, `@monthly`, `@yearly` and `@annually` stand for their usual five-field forms.
///
/// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted, a day
/// matches if *either* matches; when either field starts with `*` (including `*/n`), both must
/// match. So `0 0 1 * MON` fires on every 1st and every Monday, while `0 0 */2 * MON` fires only
/// on Mondays that fall on an odd day of the month.
///
/// ```swift
/// let schedule = try CronSchedule(parsing: "*/15 * * * *")
/// schedule.firingsPerMonth()               // 2920 (4 an hour × 730 hours)
/// try CronSchedule(parsing: "0 2 * * *").firingsPerMonth()   // 30.41666… (730 / 24)
/// ```
///
/// - Complexity: Parsing is O(n) in the expression's length plus a fixed 12 × 31 × 7 table scan;
///   the 400-year day table behind it is built once per process.
public struct CronSchedule: Sendable, Equatable {
    /// The expression exactly as given.
    public let expression: String

    /// Bit `m` set when minute `m` (0–59) matches.
    let minutes: UInt64
    /// Bit `h` set when hour `h` (0–23) matches.
    let hours: UInt64
    /// Bit `d` set when day of month `d` (1–31) matches.
    let daysOfMonth: UInt64
    /// Bit `m` set when month `m` (1–12) matches.
    let months: UInt64
    /// Bit `w` set when weekday `w` (0 = Sunday … 6 = Saturday) matches; 7 is folded into 0.
    let daysOfWeek: UInt64
    /// False when the day-of-month field starts with `*` (Vixie cron's `DOM_STAR`).
    let dayOfMonthRestricted: Bool
    /// False when the day-of-week field starts with `*` (Vixie cron's `DOW_STAR`).
    let dayOfWeekRestricted: Bool
    /// Matching days in one 400-year Gregorian cycle (146,097 days).
    let matchingDaysPerCycle: Int

    /// Why an expression could not be used: what is wrong, and how to fix it when known.
    public struct ParseError: Error, Sendable, Equatable {
        /// What is wrong, e.g. `minute: 75 is out of range 0–59`.
        public let message: String
        /// How to fix it, when known.
        public let hint: String?

        public init(message: String, hint: String? = nil) {
            self.message = message
            self.hint = hint
        }
    }

    /// Parses a five-field cron expression or one of the `@` macros.
    ///
    /// ```swift
    /// let weekdays = try CronSchedule(parsing: "30 9 * * MON-FRI")
    /// _ = try CronSchedule(parsing: "@daily")          // same as "0 0 * * *"
    /// _ = try CronSchedule(parsing: "0 0 31 2 *")      // throws: never fires
    /// ```
    ///
    /// Fields are separated by any run of whitespace; leading and trailing whitespace is ignored.
    /// Throws ``ParseError`` for a wrong field count, an out-of-range value, an unknown name, a
    /// step below 1, an empty list element, a reversed range, an unknown macro, or an expression
    /// that can never fire (such as February 31st).
    ///
    /// - Complexity: O(n) in the length of `expression`, plus a constant 12 × 31 × 7 scan of a
    ///   precomputed day table (built once per process by walking the 146,097-day cycle).
    public init(parsing expression: String) throws(ParseError) {
        self.expression = expression
        let trimmed = expression.trimmingCharacters(in: .whitespacesAndNewlines)

        let fields: [Substring]
        if trimmed.hasPrefix("@") {
            let parts = trimmed.split(whereSeparator: \.isWhitespace)
            let macro = String(parts.first ?? "")
            guard parts.count == 1 else {
                throw ParseError(
                    message: "macro \"\(macro)\" must stand alone, found extra text after it",
                    hint: "use either a macro such as \"@daily\" or five fields such as \"0 0 * * *\""
                )
            }
            fields = try Self.expand(macro: macro).split(separator: " ")
        } else {
            fields = trimmed.split(whereSeparator: \.isWhitespace)
        }

        guard fields.count == 5 else {
            throw ParseError(
                message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)",
                hint: "e.g. \"*/15 * * * *\" fires every 15 minutes"
            )
        }

        minutes = try Self.parse(fields[0], as: .minute)
        hours = try Self.parse(fields[1], as: .hour)
        daysOfMonth = try Self.parse(fields[2], as: .dayOfMonth)
        months = try Self.parse(fields[3], as: .month)
        var weekdays = try Self.parse(fields[4], as: .dayOfWeek)
        if weekdays & (1 << 7) != 0 {
            weekdays = (weekdays & ~(1 << 7)) | 1  // 7 is Sunday, like 0
        }
        daysOfWeek = weekdays
        dayOfMonthRestricted = fields[2].first != "*"
        dayOfWeekRestricted = fields[4].first != "*"

        matchingDaysPerCycle = Self.countMatchingDays(
            months: months,
            daysOfMonth: daysOfMonth,
            daysOfWeek: daysOfWeek,
            either: dayOfMonthRestricted && dayOfWeekRestricted
        )
        guard matchingDaysPerCycle > 0 else {
            throw ParseError(
                message: "never fires: the selected day-of-month never occurs in the selected month(s)",
                hint: "February has at most 29 days; April, June, September and November have 30"
            )
        }
    }

    /// Average firings per month of `monthHours` hours over the 400-year Gregorian cycle.
    ///
    /// Counts every firing in the 146,097 days (3,506,328 hours) of a full Gregorian cycle, in
    /// which weekdays, leap days and month lengths all repeat exactly, and scales that count to a
    /// month of `monthHours` hours: `firings × monthHours / 3,506,328`, multiplied first and
    /// divided once, in `Decimal`.
    ///
    /// ```swift
    /// try CronSchedule(parsing: "*/15 * * * *").firingsPerMonth()              // 2920
    /// try CronSchedule(parsing: "0 * * * *").firingsPerMonth(monthHours: 720)  // 720
    /// try CronSchedule(parsing: "0 0 1 * *").firingsPerMonth()  // 0.99933… (730 h is a bit under 1/12 year)
    /// ```
    ///
    /// - Complexity: O(1).
    public func firingsPerMonth(monthHours: Decimal = 730) -> Decimal {
        let cycleHours = Self.cycleDays * 24
        let firings = firingsPerCycle
        let divisor = Self.gcd(firings, cycleHours)
        return Decimal(firings / divisor) * monthHours / Decimal(cycleHours / divisor)
    }

    /// Total firings in one 400-year Gregorian cycle.
    var firingsPerCycle: Int {
        matchingDaysPerCycle * minutes.nonzeroBitCount * hours.nonzeroBitCount
    }

    /// Whether the schedule fires on a day, by its month (1–12), day of month (1–31) and weekday
    /// (0 = Sunday … 6 = Saturday).
    func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        Self.matches(
            month: month, day: day, weekday: weekday,
            months: months, daysOfMonth: daysOfMonth, daysOfWeek: daysOfWeek,
            either: dayOfMonthRestricted && dayOfWeekRestricted
        )
    }
}

// MARK: - Fields

extension CronSchedule {
    /// One of the five positions of a cron expression.
    enum Field: Sendable {
        case minute, hour, dayOfMonth, month, dayOfWeek

        var name: String {
            switch self {
            case .minute: "minute"
            case .hour: "hour"
            case .dayOfMonth: "day-of-month"
            case .month: "month"
            case .dayOfWeek: "day-of-week"
            }
        }

        /// Smallest allowed value.
        var lowest: Int {
            switch self {
            case .minute, .hour, .dayOfWeek: 0
            case .dayOfMonth, .month: 1
            }
        }

        /// Largest allowed value.
        var highest: Int {
            switch self {
            case .minute: 59
            case .hour: 23
            case .dayOfMonth: 31
            case .month: 12
            case .dayOfWeek: 7
            }
        }

        /// Where `*` and `a/n` stop: day-of-week runs 0–6 so Sunday is not counted twice.
        var wildcardHighest: Int {
            self == .dayOfWeek ? 6 : highest
        }

        /// Names accepted in place of numbers; the first name stands for `nameBase`.
        var names: [String] {
            switch self {
            case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: []
            }
        }

        var nameBase: Int { self == .month ? 1 : 0 }

        var namesHint: String {
            let list = names.joined(separator: ", ")
            if self == .month {
                return "valid names are \(list) (or numbers 1–12)"
            }
            return "valid names are \(list) (or numbers 0–7, where 0 and 7 are both Sunday)"
        }
    }

    static let supportedMacros = "@hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually"

    static func expand(macro: String) throws(ParseError) -> String {
        switch macro.lowercased() {
        case "@hourly": return "0 * * * *"
        case "@daily", "@midnight": return "0 0 * * *"
        case "@weekly": return "0 0 * * 0"
        case "@monthly": return "0 0 1 * *"
        case "@yearly", "@annually": return "0 0 1 1 *"
        case "@reboot":
            throw ParseError(
                message: "@reboot is not a schedule: it fires only when the system starts",
                hint: "supported macros are \(supportedMacros)"
            )
        default:
            throw ParseError(
                message: "unknown macro \"\(macro)\"",
                hint: "supported macros are \(supportedMacros)"
            )
        }
    }

    /// Parses one field into a bit mask of matching values.
    static func parse(_ text: Substring, as field: Field) throws(ParseError) -> UInt64 {
        var mask: UInt64 = 0
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !element.isEmpty else {
                throw ParseError(
                    message: "\(field.name): empty element in list \"\(text)\"",
                    hint: "remove the extra comma"
                )
            }
            mask |= try parse(element: element, as: field)
        }
        return mask
    }

    /// Parses one list element: `*`, `n`, `a-b`, each optionally followed by `/step`.
    static func parse(element: Substring, as field: Field) throws(ParseError) -> UInt64 {
        let malformed = ParseError(
            message: "\(field.name): malformed element \"\(element)\"",
            hint: "use a number, a range such as \"1-5\", or a step such as \"*/10\""
        )
        let slashParts = element.split(separator: "/", omittingEmptySubsequences: false)
        guard slashParts.count <= 2 else { throw malformed }
        let rangeText = slashParts[0]

        var step = 1
        var hasStep = false
        if slashParts.count == 2 {
            let stepText = slashParts[1]
            guard !stepText.isEmpty else { throw malformed }
            guard stepText.allSatisfy(isDigit) else {
                throw ParseError(message: "\(field.name): step \"\(stepText)\" is not a number", hint: nil)
            }
            guard let value = Int(stepText) else {
                throw ParseError(message: "\(field.name): step \(stepText) is too large", hint: nil)
            }
            guard value >= 1 else {
                throw ParseError(
                    message: "\(field.name): step must be at least 1, found \(value)",
                    hint: "e.g. \"*/5\" means every 5th value"
                )
            }
            step = value
            hasStep = true
        }

        var low: Int
        var high: Int
        if rangeText == "*" {
            low = field.lowest
            high = field.wildcardHighest
        } else {
            let bounds = rangeText.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, bounds.allSatisfy({ !$0.isEmpty }) else { throw malformed }
            low = try value(bounds[0], as: field)
            if bounds.count == 2 {
                high = try value(bounds[1], as: field)
                if field == .dayOfWeek && high == 0 && low > 0 {
                    high = 7  // FRI-SUN, 5-0: Sunday may close a range
                }
                guard low <= high else {
                    throw ParseError(
                        message: "\(field.name): range \(rangeText) is reversed (start is after end)",
                        hint: "ranges do not wrap around; use a list such as \"22-23,0-2\""
                    )
                }
            } else {
                high = hasStep ? max(low, field.wildcardHighest) : low
            }
        }

        var mask: UInt64 = 0
        for value in stride(from: low, through: high, by: step) {
            mask |= 1 << UInt64(value)
        }
        return mask
    }

    /// A number or, where the field allows, a name.
    static func value(_ text: Substring, as field: Field) throws(ParseError) -> Int {
        if text.allSatisfy(isDigit) {
            guard let number = Int(text), number >= field.lowest, number <= field.highest else {
                let shown = Int(text).map(String.init) ?? String(text)
                throw ParseError(
                    message: "\(field.name): \(shown) is out of range \(field.lowest)–\(field.highest)",
                    hint: nil
                )
            }
            return number
        }
        let names = field.names
        guard !names.isEmpty else {
            throw ParseError(message: "\(field.name): \"\(text)\" is not a number", hint: nil)
        }
        guard let index = names.firstIndex(of: text.uppercased()) else {
            throw ParseError(message: "\(field.name): unknown name \"\(text)\"", hint: field.namesHint)
        }
        return field.nameBase + index
    }
}

// MARK: - The 400-year cycle

extension CronSchedule {
    /// Days in the 400-year Gregorian cycle: exactly 20,871 weeks.
    static let cycleDays = 146_097

    /// How often each (month, day of month, weekday) occurs in one 400-year cycle, indexed by
    /// `tableIndex(month:day:weekday:)`. Built once, by walking 2000-01-01 (a Saturday) through
    /// 2399-12-31 with integer arithmetic.
    static let dayTable: [Int] = {
        var table = [Int](repeating: 0, count: 12 * 31 * 7)
        var weekday = 6  // 2000-01-01 was a Saturday
        for year in 2000..<2400 {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            for month in 1...12 {
                for day in 1...daysIn(month: month, leap: leap) {
                    table[tableIndex(month: month, day: day, weekday: weekday)] += 1
                    weekday = weekday == 6 ? 0 : weekday + 1
                }
            }
        }
        return table
    }()

    static func daysIn(month: Int, leap: Bool) -> Int {
        switch month {
        case 2: leap ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func tableIndex(month: Int, day: Int, weekday: Int) -> Int {
        ((month - 1) * 31 + (day - 1)) * 7 + weekday
    }

    static func matches(
        month: Int, day: Int, weekday: Int,
        months: UInt64, daysOfMonth: UInt64, daysOfWeek: UInt64, either: Bool
    ) -> Bool {
        guard months & (1 << UInt64(month)) != 0 else { return false }
        let dayOfMonthHit = daysOfMonth & (1 << UInt64(day)) != 0
        let dayOfWeekHit = daysOfWeek & (1 << UInt64(weekday)) != 0
        return either ? (dayOfMonthHit || dayOfWeekHit) : (dayOfMonthHit && dayOfWeekHit)
    }

    static func countMatchingDays(months: UInt64, daysOfMonth: UInt64, daysOfWeek: UInt64, either: Bool) -> Int {
        let table = dayTable
        var total = 0
        for month in 1...12 where months & (1 << UInt64(month)) != 0 {
            for day in 1...31 {
                for weekday in 0..<7 {
                    let occurrences = table[tableIndex(month: month, day: day, weekday: weekday)]
                    if occurrences > 0 && matches(
                        month: month, day: day, weekday: weekday,
                        months: months, daysOfMonth: daysOfMonth, daysOfWeek: daysOfWeek, either: either
                    ) {
                        total += occurrences
                    }
                }
            }
        }
        return total
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isWholeNumber
    }
}
