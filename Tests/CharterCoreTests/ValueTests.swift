import CharterCore
import Foundation
import Testing

@Suite("exact decimals, durations, dates, suggestions")
struct ValueTests {
    @Test("exact decimals compare exactly and reject anything but a whole decimal number")
    func decimals() throws {
        #expect(Decimal.exact("0.1")! + Decimal.exact("0.2")! == Decimal.exact("0.3")!)
        #expect(Decimal.exact("1.0e-6") == Decimal.exact("0.000001"))
        #expect(Decimal.exact("-2.5E+2") == Decimal(-250))
        for text in ["", "1.5x", ".", "e5", "1e", "1e+", "nan", ".inf", "0x10", "1_000", "--1", "1e1000", " 1"] {
            #expect(Decimal.exact(text) == nil, "\(text)")
        }
    }

    @Test("durations are whole days or weeks, never negative")
    func durations() throws {
        #expect(try CalendarDuration.parse("90d").days == 90)
        #expect(try CalendarDuration.parse("12w").days == 84)
        #expect(CalendarDuration(days: 84).description == "12w")
        #expect(CalendarDuration(days: 90).description == "90d")
        #expect(throws: CalendarDuration.ParseError.negative) { try CalendarDuration.parse("-3d") }
        for text in ["90", "3m", "1y", "d", "1.5d", "90 d"] {
            #expect(throws: CalendarDuration.ParseError.malformed) { try CalendarDuration.parse(text) }
        }
        #expect(throws: CalendarDuration.ParseError.tooLarge) { try CalendarDuration.parse("99999999d") }
    }

    @Test("dates: ISO form only, days that exist, epoch arithmetic round-trips")
    func dates() throws {
        #expect(CalendarDate(iso: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(CalendarDate(iso: "2000-03-01")?.daysSinceEpoch == 11_017)
        #expect(CalendarDate(iso: "2028-02-29") != nil)
        for text in [
            "2026-02-29", "1900-02-29", "2026-13-01", "2026-1-01", "2026/01/01", "0000-01-01", "2026-01-01T00",
        ] {
            #expect(CalendarDate(iso: text) == nil, "\(text)")
        }
        for day in stride(from: -719_162, through: 2_932_896, by: 997) {
            let date = try #require(CalendarDate(daysSinceEpoch: day))
            #expect(date.daysSinceEpoch == day)
            #expect(CalendarDate(iso: date.description) == date)
        }
        #expect(CalendarDate(daysSinceEpoch: -719_163) == nil)
        #expect(CalendarDate(daysSinceEpoch: 2_932_897) == nil)
        let start = try #require(CalendarDate(iso: "2026-11-23"))
        #expect(start.adding(days: 90)?.description == "2027-02-21")
        #expect(start.days(until: try #require(CalendarDate(iso: "2027-02-20"))) == 89)
    }

    @Test("suggestions: close typos only, case-insensitive, transpositions count once")
    func suggestions() {
        #expect(Suggestion.closest(to: "pubic", among: ["internal", "partner", "public"]) == "public")
        #expect(Suggestion.closest(to: "k_anonimity", among: ["k_anonymity", "l_diversity"]) == "k_anonymity")
        #expect(Suggestion.closest(to: "PHI", among: ["phi", "pii"]) == "phi")
        #expect(Suggestion.closest(to: "tsrt", among: ["tstr", "trts"]) == "tstr")
        #expect(Suggestion.closest(to: "marketing", among: ["analytics", "education"]) == nil)
    }
}
