/// The pinned protocol of a TSTR/TRTS utility evaluation: which column is the label, which value is
/// positive, which rows and columns are left out, and which column defines subgroups.
///
/// Reference: `Tests/Fixtures/reference-metrics/README.md`, "TSTR protocol": L2 logistic regression (C = 1)
/// on standardised numeric features and one-hot text features, AUC on the linear score.
public struct TSTRProtocol: Sendable, Equatable {
    /// The label column.
    public var target: String
    /// The target text that is the positive class (compared as a number for numeric columns).
    public var positiveLabel: String
    /// Target values whose rows are left out of all three tables (e.g. `invalid` test results).
    public var droppedTargetLabels: [String]
    /// Columns never used as features besides the target (time-to-event, outcome-defining).
    public var excludedColumns: [String]
    /// The protected attribute whose values define subgroups, if any.
    public var subgroupColumn: String?
    /// The inverse regularisation strength.
    public var c: Double

    /// Creates a protocol.
    public init(
        target: String, positiveLabel: String, droppedTargetLabels: [String] = [], excludedColumns: [String] = [],
        subgroupColumn: String? = nil, c: Double = 1
    ) {
        self.target = target
        self.positiveLabel = positiveLabel
        self.droppedTargetLabels = droppedTargetLabels
        self.excludedColumns = excludedColumns
        self.subgroupColumn = subgroupColumn
        self.c = c
    }

    /// The definition followed, for reports.
    public static let definition =
        "TSTR/TRTS with L2 logistic regression (C=1, unpenalised intercept, solved by Newton to max|gradient| <= 1e-10), "
        + "median imputation and population standardisation, one-hot text, ROC AUC on the linear score (ties 1/2); "
        + "TSTR ratio = AUC(S->H)/AUC(R->H), TRTS = AUC(R->S) (charter notes/metrics.md 2.6)"
}
