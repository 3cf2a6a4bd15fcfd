import CharterData
import CharterStats
import Testing

/// The one rule for a TSTR target's positive class (`charter evaluate` and the engine's gates).
@Suite struct PositiveClassTests {
    static func table(_ values: ColumnValues) -> Table { Table(columns: [Column(name: "y", values: values)]) }

    static func label(_ values: ColumnValues, declared: String? = nil, dropping: [String] = []) -> PositiveClass? {
        try? PositiveClass(target: "y", in: table(values), declared: declared, dropping: dropping)
    }

    @Test("1 of a 0/1 target and true of a boolean one, by convention")
    func conventional() {
        let binary = Self.label(.numeric(NumericValues([0, 1, 1, 0, 0])))
        #expect(binary?.label == "1" && binary?.basis == .conventional)
        #expect(Self.label(.categorical(CategoricalValues(["1", "0", "0"])))?.label == "1")
        let boolean = ColumnValues.boolean(
            BooleanValues(values: [true, false, false], isMissing: [false, false, false]))
        #expect(Self.label(boolean)?.label == "true")
        #expect(Self.label(.categorical(CategoricalValues(["True", "False", "False"])))?.label == "True")
        // 1 is positive even where it is the commoner class.
        #expect(Self.label(.numeric(NumericValues([1, 1, 1, 0])))?.label == "1")
    }

    @Test("any other two-class target: the rarer class, the first in text order on a tie")
    func rarer() {
        let yesNo = Self.label(.categorical(CategoricalValues(["no", "yes", "no", "no"])))
        #expect(yesNo?.label == "yes")
        #expect(yesNo?.basis == .rarer)
        #expect(yesNo?.explanation.contains("rarer") == true)
        #expect(Self.label(.categorical(CategoricalValues(["b", "a", "b", "a"])))?.label == "a")
        #expect(Self.label(.numeric(NumericValues([1, 2, 2])))?.label == "1")
    }

    @Test("a declared class is used when the training rows hold it, with any number of classes")
    func declared() {
        let three = ColumnValues.categorical(CategoricalValues(["a", "b", "c"]))
        let b = Self.label(three, declared: "b")
        #expect(b?.label == "b" && b?.basis == .declared)
        #expect(Self.label(.numeric(NumericValues([0, 1])), declared: "1.0")?.label == "1.0")
        let boolean = ColumnValues.boolean(BooleanValues(values: [true, false], isMissing: [false, false]))
        #expect(Self.label(boolean, declared: "TRUE") != nil)
        #expect(throws: PositiveClass.Problem.self) {
            try PositiveClass(target: "y", in: Self.table(three), declared: "d")
        }
    }

    @Test("dropped values and missing values are not classes")
    func dropped() {
        let withInvalid = ColumnValues.categorical(CategoricalValues(["pos", "neg", "neg", "invalid", nil]))
        #expect(Self.label(withInvalid) == nil)
        #expect(Self.label(withInvalid, dropping: ["invalid"])?.label == "pos")
        #expect(Self.label(.numeric(NumericValues([0, 1, 9])), dropping: ["9"])?.label == "1")
    }

    @Test("no positive class: an unknown target, or not two classes without a declaration")
    func problems() {
        func kind(_ values: ColumnValues, target: String = "y") -> PositiveClass.Problem.Kind? {
            do {
                _ = try PositiveClass(target: target, in: Self.table(values))
                return nil
            } catch { return error.kind }
        }
        let three = ColumnValues.categorical(CategoricalValues(["a", "b", "c"]))
        #expect(kind(three) == .notTwoClasses(count: 3))
        #expect(kind(.numeric(NumericValues([1, 1]))) == .notTwoClasses(count: 1))
        #expect(kind(three, target: "nope") == .unknownTarget)
    }
}
