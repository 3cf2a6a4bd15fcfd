import CharterCore
import CharterData
import CharterPrivacy
import Foundation
import CharterTestSupport
import Testing

/// k-anonymity and l-diversity of every reference fixture, exactly as its metrics.json records them.
@Suite struct KAnonymityTests {
    @Test func fixturesArePresent() {
        #expect(DisclosureFixture.names.count >= 3)
    }

    @Test(arguments: DisclosureFixture.names)
    func reproducesReference(_ name: String) throws {
        let fixture = try DisclosureFixture(name: name)
        let expected = try #require(fixture.value("k_anonymity"))
        let quasiIdentifiers = try #require(expected["quasi_identifiers"]?.arrayValue).compactMap(\.stringValue)
        let threshold = try #require(expected["small_class_threshold"]?.doubleValue)
        let measured = try KAnonymity(
            train: fixture.train, synthetic: fixture.synthetic, quasiIdentifiers: quasiIdentifiers,
            sensitive: expected["sensitive"]?.stringValue, smallClassThreshold: Int(threshold))
        for (role, measures) in [("train", measured.train), ("synthetic", measured.synthetic)] {
            let want = try #require(expected[role])
            func count(_ key: String) -> Int? { want[key]?.doubleValue.map { Int($0) } }
            #expect(measures.k == count("k"), "\(name).\(role).k")
            #expect(measures.distinctL == count("l_diversity_distinct"), "\(name).\(role).l")
            let entropy = try #require(measures.entropyL)
            let wantEntropy = try #require(want["l_diversity_entropy"]?.doubleValue)
            #expect(abs(entropy - wantEntropy) <= 1e-9, "\(name).\(role).entropy l")
            #expect(measures.classCount == count("n_classes"))
            #expect(measures.classesBelowThreshold == count("n_classes_size_below_threshold"))
            #expect(measures.classesWithSingleSensitiveValue == count("n_classes_with_single_sensitive_value"))
            #expect(measures.rowCount == count("n_rows"))
            #expect(measures.rowsInClassesBelowThreshold == count("n_rows_in_classes_size_below_threshold"))
            #expect(measures.singletonClasses == count("n_singleton_classes"))
        }
        let versus = try #require(expected["synthetic_vs_train"])
        func count(_ key: String) -> Int? { versus[key]?.doubleValue.map { Int($0) } }
        #expect(measured.syntheticRowsInSmallTrainClasses == count("n_synthetic_rows_in_train_classes_below_threshold"))
        #expect(measured.syntheticRowsInTrainSingletonClasses == count("n_synthetic_rows_in_train_singleton_classes"))
        #expect(measured.syntheticRowsAbsentFromTrain == count("n_synthetic_rows_with_qi_absent_from_train"))
    }

    /// A hand-made table: classes {a: 3 rows, sensitive x,x,y}, {b: 1 row}; entropy l of class a is
    /// exp(−(⅔ ln ⅔ + ⅓ ln ⅓)).
    @Test func smallTableByHand() throws {
        let train = Table(columns: [
            Column(name: "q", values: .categorical(CategoricalValues(["a", "a", "a", "b"]))),
            Column(name: "s", values: .categorical(CategoricalValues(["x", "x", "y", "x"]))),
        ])
        let synthetic = Table(columns: [
            Column(name: "q", values: .categorical(CategoricalValues(["b", "b", "c", nil]))),
            Column(name: "s", values: .categorical(CategoricalValues(["x", "y", "y", "y"]))),
        ])
        let measured = try KAnonymity(
            train: train, synthetic: synthetic, quasiIdentifiers: ["q"], sensitive: "s", smallClassThreshold: 2)
        #expect(measured.train.k == 1)
        #expect(measured.train.distinctL == 1)
        #expect(measured.train.classCount == 2)
        #expect(measured.synthetic.classCount == 3)
        #expect(measured.synthetic.distinctL == 1)
        #expect(measured.syntheticRowsInSmallTrainClasses == 2)
        #expect(measured.syntheticRowsAbsentFromTrain == 2)
        let onlyA = try KAnonymity(
            train: train.selectingRows([0, 1, 2]), synthetic: synthetic, quasiIdentifiers: ["q"], sensitive: "s")
        let p = 2.0 / 3.0
        #expect(abs((onlyA.train.entropyL ?? 0) - exp(-(p * log(p) + (1 - p) * log(1 - p)))) <= 1e-12)
        #expect(onlyA.train.distinctL == 2)
        #expect(onlyA.train.k == 3)
    }

    @Test func missingColumnIsNamed() {
        let table = Table(columns: [Column(name: "q", values: .numeric(NumericValues([1, 2])))])
        #expect(throws: DisclosureInputError("the synthetic table has no column 'age'")) {
            _ = try KAnonymity(
                train: Table(columns: [Column(name: "age", values: .numeric(NumericValues([1])))]), synthetic: table,
                quasiIdentifiers: ["age"], sensitive: nil)
        }
    }
}
