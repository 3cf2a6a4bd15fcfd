/// An instant, as whole milliseconds since 1970-01-01T00:00:00Z (UTC, no leap seconds).
///
/// The registry never reads the system clock: every operation is handed its time, so tests and
/// `charter --now` are deterministic. Timestamps are written in RFC 3339 form in UTC
/// (`2026-11-20T10:00:00Z`, with `.SSS` only when the milliseconds are not zero).
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public var millisecondsSinceEpoch: Int64

    /// Creates a timestamp from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Creates a timestamp from whole seconds since the Unix epoch.
    public init(secondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = secondsSinceEpoch * 1000
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The instant `duration` later (earlier, for a negative duration), to the millisecond.
    public func advanced(by duration: Duration) -> Timestamp {
        let (seconds, attoseconds) = duration.components
        return Timestamp(
            millisecondsSinceEpoch: millisecondsSinceEpoch + seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// The time from this instant to `other` (negative when `other` is earlier).
    public func duration(to other: Timestamp) -> Duration {
        .milliseconds(other.millisecondsSinceEpoch - millisecondsSinceEpoch)
    }

    /// RFC 3339 in UTC: `yyyy-MM-ddTHH:mm:ssZ`, or `yyyy-MM-ddTHH:mm:ss.SSSZ` when the
    /// milliseconds are not zero.
    public var description: String {
        let (days, millisOfDay) = millisecondsSinceEpoch.floorDivided(by: 86_400_000)
        let (year, month, day) = Self.civilDate(fromDays: days)
        let seconds = millisOfDay / 1000
        let millis = millisOfDay % 1000
        var text = Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
        text +=
            "T" + Self.pad(seconds / 3600, 2) + ":" + Self.pad(seconds / 60 % 60, 2) + ":" + Self.pad(seconds % 60, 2)
        if millis != 0 { text += "." + Self.pad(millis, 3) }
        return text + "Z"
    }

    /// The date part only, `yyyy-MM-dd`.
    public var dateDescription: String {
        String(description.prefix(10))
    }

    /// Parses RFC 3339 text: a date (`2026-11-20`, meaning midnight UTC) or a date and time with
    /// `Z` or a numeric offset (`2026-11-20T10:00:00Z`, `2026-11-20T11:00:00.250+01:00`).
    /// Fractions finer than a millisecond are rejected rather than silently dropped.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + width] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month)
        else { return nil }
        var millis = Self.days(year: year, month: month, day: day) * 86_400_000
        if index == bytes.count {
            self.init(millisecondsSinceEpoch: millis)
            return
        }
        guard expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2), hour < 24, minute < 60, second < 60
        else { return nil }
        millis += ((hour * 60 + minute) * 60 + second) * 1000
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            var fraction: Int64 = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                guard digits < 3 else { return nil }
                fraction = fraction * 10 + Int64(bytes[index] - 48)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<3 { fraction *= 10 }
            millis += fraction
        }
        if expect("Zz") {
            guard index == bytes.count else { return nil }
        } else {
            guard index < bytes.count else { return nil }
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let offsetHours = number(2), expect(":"), let offsetMinutes = number(2),
                offsetHours < 24, offsetMinutes < 60, index == bytes.count
            else { return nil }
            millis -= sign * (offsetHours * 60 + offsetMinutes) * 60_000
        }
        self.init(millisecondsSinceEpoch: millis)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Hinnant's days_from_civil and civil_from_days, shared with CalendarDate.
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        Int64(CalendarDate.daysSinceEpoch(year: Int(year), month: Int(month), day: Int(day)))
    }

    private static func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let (year, month, day) = CalendarDate.civil(daysSinceEpoch: Int(days))
        return (Int64(year), Int64(month), Int64(day))
    }
}

extension Int64 {
    /// Floor division and the non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (Int64, Int64) {
        let quotient = self / divisor
        let remainder = self % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
