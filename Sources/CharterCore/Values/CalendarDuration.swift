/// A whole number of days written with a unit: `90d`, `12w`. Policies use them for expiry
/// windows and revalidation periods, where a calendar day is the unit that matters.
///
/// Hours and months are deliberately absent: "1m" is ambiguous (minute or month) and months have
/// no fixed length, so a policy says `30d` or `4w` instead.
public struct CalendarDuration: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The length in days; never negative.
    public let days: Int

    /// A duration of `days` days. `days` must not be negative.
    public init(days: Int) {
        precondition(days >= 0, "a duration is never negative")
        self.days = days
    }

    /// The error a duration's text can have, for the caller to turn into a diagnostic.
    public enum ParseError: Error, Sendable, Equatable {
        /// The text is not digits followed by `d` or `w`.
        case malformed
        /// The text starts with a minus sign.
        case negative
        /// The number of days does not fit.
        case tooLarge
    }

    /// Reads `90d` or `12w`.
    public static func parse(_ text: String) throws(ParseError) -> CalendarDuration {
        if text.hasPrefix("-") { throw .negative }
        guard let unit = text.last, unit == "d" || unit == "w" else { throw .malformed }
        let number = text.dropLast()
        guard !number.isEmpty, number.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { throw .malformed }
        guard number.count <= 6, let count = Int(number) else { throw .tooLarge }
        return CalendarDuration(days: unit == "w" ? count * 7 : count)
    }

    /// The canonical text: weeks when the length is a whole number of weeks, else days.
    public var description: String {
        days > 0 && days % 7 == 0 ? "\(days / 7)w" : "\(days)d"
    }

    public static func < (lhs: CalendarDuration, rhs: CalendarDuration) -> Bool { lhs.days < rhs.days }
}
