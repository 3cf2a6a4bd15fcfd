public import CharterData

/// Which value of a TSTR/TRTS target is the positive class: one rule for `charter evaluate` and
/// the engine's utility and fairness gates.
///
/// The classes are the target's distinct values in the **training** rows, missing values and
/// dropped values left out, compared as ``TSTREvaluation`` compares them (numbers as numbers,
/// booleans in any case, text exactly). In order:
///
/// 1. **Declared**: a positive class someone named (`--positive`) is used when it is one of the
///    classes; the other classes are then the negatives (one against the rest), so a target with
///    more than two classes is fine. A declared value that no training row holds is an error: every
///    label would be negative and every AUC undefined.
/// 2. **Conventional**: a target with exactly two classes `0` and `1` has positive `1`; a boolean
///    target (`true`/`false`, in any case) has positive `true`. This is what scikit-learn's
///    `pos_label=1` and every clinical outcome coded 0/1 mean.
/// 3. **Rarer**: for any other two-class target (`yes`/`no`, `dead`/`alive`) the class with fewer
///    training rows is positive, as an outcome of interest usually is; on a tie, the first in text
///    order. The choice does not change any AUC (with the features fixed, swapping the labels only
///    flips the sign of the logistic regression's score), only which class the report names, so
///    the front ends record it and say so (``basis``).
///
/// Without a declaration, a target with other than two classes has no positive class.
public struct PositiveClass: Sendable, Equatable {
    /// Why ``label`` is the positive class.
    public enum Basis: String, Sendable, Equatable {
        /// Named by a person.
        case declared
        /// `1` of a 0/1 target, `true` of a boolean one.
        case conventional
        /// The class with fewer training rows of a two-class target (ties: the first in text order).
        case rarer
    }

    /// Why a target has no positive class.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong.
        public enum Kind: Sendable, Equatable {
            /// The target column is not in the table.
            case unknownTarget
            /// Nothing was declared and the target does not have exactly two classes.
            case notTwoClasses(count: Int)
            /// The declared value is not a class of the target in the training rows.
            case declaredAbsent(String)
        }

        public var kind: Kind
        /// The problem in one line, as the engine reports it.
        public var message: String
        public var description: String { message }
    }

    /// The target column.
    public var target: String
    /// The positive class, as the target's values are written (or as declared).
    public var label: String
    /// Why it is positive.
    public var basis: Basis

    /// The positive class of `target` in `train` (the training rows), by the rule above.
    /// - Parameters:
    ///   - declared: the positive class a person named, if any.
    ///   - dropping: target values whose rows are left out (``TSTRProtocol/droppedTargetLabels``).
    /// - Complexity: O(rows).
    public init(target: String, in train: Table, declared: String? = nil, dropping: [String] = []) throws(Problem) {
        guard let column = train.column(named: target) else {
            throw Problem(kind: .unknownTarget, message: "the target column '\(target)' is not in the data")
        }
        self.target = target
        let counts = Self.classCounts(column.values, dropping: dropping)
        if let declared {
            guard Self.isClass(declared, of: column.values, counts: counts) else {
                throw Problem(
                    kind: .declaredAbsent(declared),
                    message:
                        "the positive class '\(declared)' is not a value of the target '\(target)' in the training rows"
                )
            }
            label = declared
            basis = .declared
            return
        }
        guard counts.count == 2 else {
            throw Problem(
                kind: .notTwoClasses(count: counts.count),
                message:
                    "the target '\(target)' has \(counts.count) distinct values in the training rows; TSTR needs two")
        }
        let classes = counts.keys.sorted()
        if case .boolean = column.values {
            (label, basis) = ("true", .conventional)
        } else if classes == ["0", "1"] {
            (label, basis) = ("1", .conventional)
        } else if let truth = classes.first(where: { $0.lowercased() == "true" }),
            Set(classes.map { $0.lowercased() }) == ["false", "true"]
        {
            (label, basis) = (truth, .conventional)
        } else {
            let rarer = classes.min { (counts[$0] ?? 0, $0) < (counts[$1] ?? 0, $1) } ?? classes[0]
            (label, basis) = (rarer, .rarer)
        }
    }

    /// How the class was chosen, in one line, for a report's notes.
    public var explanation: String {
        switch basis {
        case .declared: "the positive class of target '\(target)' is '\(label)', as declared"
        case .conventional: "the positive class of target '\(target)' is '\(label)' (1 of 0/1, true of a boolean)"
        case .rarer:
            "the positive class of target '\(target)' is '\(label)', the rarer of its two classes in the training rows"
        }
    }

    /// Training rows per class, keyed by the class's text (numbers in their shortest form,
    /// booleans as `true`/`false`), without missing and dropped values.
    static func classCounts(_ values: ColumnValues, dropping: [String]) -> [String: Int] {
        let droppedNumbers = dropping.compactMap(NumberParsing.parse)
        let droppedBooleans = Set(dropping.map { $0.lowercased() })
        var counts: [String: Int] = [:]
        for row in 0..<values.count {
            guard let text = values.text(at: row) else { continue }
            switch values {
            case .numeric(let numbers): if droppedNumbers.contains(numbers.values[row]) { continue }
            case .boolean: if droppedBooleans.contains(text) { continue }
            case .categorical: if dropping.contains(text) { continue }
            }
            counts[text, default: 0] += 1
        }
        return counts
    }

    /// Whether `declared` names one of the classes counted, compared as ``TSTREvaluation`` compares.
    static func isClass(_ declared: String, of values: ColumnValues, counts: [String: Int]) -> Bool {
        switch values {
        case .numeric:
            guard let number = NumberParsing.parse(declared) else { return false }
            return counts.keys.contains { NumberParsing.parse($0) == number }
        case .boolean: return counts[declared.lowercased()] != nil
        case .categorical: return counts[declared] != nil
        }
    }
}
