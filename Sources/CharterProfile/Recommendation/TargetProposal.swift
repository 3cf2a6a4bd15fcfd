/// The label column `init --target auto` proposes for TSTR / TRTS: a two-class column that is not a
/// direct identifier, whose header names an outcome (`status`, `cens`, `death`, `outcome`,
/// `diagnosis`, `result`, `label`, …); among several, the first in table order. No header that
/// names an outcome, no proposal: a target is a judgement the data cannot make alone.
public struct TargetProposal: Sendable, Equatable {
    /// The column proposed.
    public var column: String
    /// Why, in one line.
    public var reason: String

    static let outcomeWords: Set<String> = [
        "status", "cens", "censor", "censored", "death", "died", "dead", "outcome", "event", "diagnosis", "result",
        "label", "target", "class", "response", "relapse", "recurrence", "survived", "mortality", "y",
    ]

    /// The proposal for `profile`, or `nil`.
    public static func propose(_ profile: DatasetProfile) -> TargetProposal? {
        for entry in profile.columns where entry.directIdentifier == nil && entry.profile.distinctCount == 2 {
            let hints = ColumnNameHints(entry.name)
            if hints.has(outcomeWords) {
                return TargetProposal(
                    column: entry.name,
                    reason:
                        "two classes under a header that names an outcome ('\(entry.name)'); confirm it is the label")
            }
        }
        return nil
    }
}
