import CharterCore
import CharterRegistry
import CharterWorkflow
import Testing

@Suite("the instant an operation acts at")
struct ActingInstantTests {
    @Test("a date means the start of that day in UTC, for every operation")
    func dateIsStartOfDay() throws {
        let instant = try #require(ActingInstant(parsing: "2026-11-23"))
        #expect(instant.timestamp == Timestamp(rfc3339: "2026-11-23T00:00:00Z"))
        #expect(instant.date == CalendarDate(iso: "2026-11-23"))
        #expect(instant == ActingInstant(startOf: try #require(CalendarDate(iso: "2026-11-23"))))
    }

    @Test("an RFC 3339 time is that instant, decided on its UTC date")
    func timeIsThatInstant() throws {
        let instant = try #require(ActingInstant(parsing: "2026-11-23T23:30:00-02:00"))
        #expect(instant.timestamp == Timestamp(rfc3339: "2026-11-24T01:30:00Z"))
        #expect(instant.date == CalendarDate(iso: "2026-11-24"))
    }

    @Test("a last millisecond before the epoch falls on 1969-12-31", arguments: [Int64(-1), -86_400_000])
    func beforeEpoch(milliseconds: Int64) throws {
        let instant = try #require(ActingInstant(Timestamp(millisecondsSinceEpoch: milliseconds)))
        #expect(instant.date == CalendarDate(iso: "1969-12-31"))
    }

    @Test("text that is not a date or a time is refused", arguments: ["", "today", "2026-02-29", "2026-11-23T25:00:00Z", "0000-01-01"])
    func refused(text: String) {
        #expect(ActingInstant(parsing: text) == nil)
    }
}
