import CharterCore
import Testing

@Suite("timestamps and durations")
struct TimestampTests {
    @Test(
        "RFC 3339 round-trips",
        arguments: [
            "1970-01-01T00:00:00Z", "2026-11-20T10:00:00Z", "2000-02-29T23:59:59.999Z", "1969-12-31T23:59:59Z",
            "2400-12-31T00:00:00.001Z",
        ])
    func roundTrip(text: String) throws {
        let timestamp = try #require(Timestamp(rfc3339: text))
        #expect(timestamp.description == text)
    }

    @Test("offsets and dates are read in UTC")
    func offsets() {
        #expect(Timestamp(rfc3339: "2026-11-20T11:30:00+01:30")?.description == "2026-11-20T10:00:00Z")
        #expect(Timestamp(rfc3339: "2026-11-20")?.description == "2026-11-20T00:00:00Z")
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:01Z")?.millisecondsSinceEpoch == 1000)
        #expect(
            Timestamp(rfc3339: "2026-11-20T10:00:00.5Z")?.millisecondsSinceEpoch
                == Timestamp(rfc3339: "2026-11-20T10:00:00Z").map { $0.millisecondsSinceEpoch + 500 })
    }

    @Test(
        "malformed times are rejected",
        arguments: [
            "", "2026-13-01", "2026-02-30", "2025-02-29T00:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T10:00:00",
            "2026-11-20T10:00:00.1234Z", "2026-11-20T10:00:00Zjunk", "20261120", "2026-11-20T10:00:00.Z", "now",
        ])
    func malformed(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("durations")
    func durations() {
        #expect(DurationText.parse("30d") == .seconds(30 * 86_400))
        #expect(DurationText.parse("2w") == .seconds(14 * 86_400))
        #expect(DurationText.parse("15m") == .seconds(900))
        for bad in ["", "d", "30", "-1d", "1.5d", "30x", "99999999999d", "+3d"] {
            #expect(DurationText.parse(bad) == nil, "\(bad)")
        }
        #expect(DurationText.format(.seconds(30 * 86_400)) == "30d")
        #expect(DurationText.format(.seconds(90)) == "90s")
    }
}
