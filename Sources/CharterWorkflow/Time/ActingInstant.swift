public import CharterCore

/// The instant an operation acts at, and the date its decisions are made on: one rule for every
/// command and front end.
///
/// A front end reads its clock, or takes what a person wrote (`--now`), and hands the instant in;
/// no workflow operation reads a clock. Written as a date (`2026-11-23`), the instant is the
/// **start of that day in UTC** (00:00:00Z) for every operation: `check`, `explain`, `plan`,
/// `apply`, `run`, `test` and the registry commands read the ledger, judge leases and expiry, and
/// stamp what they record at that same instant, so a plan made with `--now D` and applied with
/// `--now D` read the same ledger. Written as an RFC 3339 time (`2026-11-23T10:00:00Z`), it is
/// that instant. Decisions (approval dates, `days_until`, expiry limits) use the instant's date
/// in UTC.
public struct ActingInstant: Sendable, Hashable, CustomStringConvertible {
    /// The instant.
    public let timestamp: Timestamp
    /// The date decisions are made on: the instant's date in UTC.
    public let date: CalendarDate

    /// The instant `timestamp`; `nil` outside the years 0001 to 9999, which have no calendar date.
    public init?(_ timestamp: Timestamp) {
        let milliseconds = timestamp.millisecondsSinceEpoch
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        guard let date = CalendarDate(daysSinceEpoch: Int(days)) else { return nil }
        self.timestamp = timestamp
        self.date = date
    }

    /// The instant a person wrote: a date (the start of that day in UTC) or an RFC 3339 time;
    /// `nil` for anything else.
    public init?(parsing text: String) {
        guard let timestamp = Timestamp(rfc3339: text) else { return nil }
        self.init(timestamp)
    }

    /// The start of `date` in UTC.
    public init(startOf date: CalendarDate) {
        timestamp = Timestamp(millisecondsSinceEpoch: Int64(date.daysSinceEpoch) * 86_400_000)
        self.date = date
    }

    public var description: String { timestamp.description }

    /// What `--now` accepts, for help texts and errors.
    public static let syntax = "a date (2026-11-23, the start of that day in UTC) or an RFC 3339 time"
}
