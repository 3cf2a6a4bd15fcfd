import CharterCore
import Testing

@Suite("fixed decimal text")
struct DecimalTextTests {
    @Test(
        "four places, rounded half away from zero, every place written, no negative zero",
        arguments: [
            (0.81234, "0.8123"), (0.03125, "0.0313"), (-0.03125, "-0.0313"), (5, "5.0000"), (-0.001, "-0.0010"),
            (-0.00004, "0.0000"), (0, "0.0000"), (123456.5, "123456.5000"),
        ])
    func fourPlaces(value: Double, expected: String) {
        #expect(DecimalText.fixed(value, places: 4) == expected)
    }

    @Test("other precisions, and values fixed point cannot hold")
    func edges() {
        #expect(DecimalText.fixed(2.5, places: 0) == "3")
        #expect(DecimalText.fixed(0.125, places: 2) == "0.13")
        #expect(DecimalText.fixed(1e20, places: 4) == "1e+20")
        #expect(DecimalText.fixed(.nan, places: 4) == "nan")
        #expect(DecimalText.fixed(-.infinity, places: 4) == "-inf")
    }
}
