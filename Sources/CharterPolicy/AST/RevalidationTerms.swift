public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// `revalidation: { drift_threshold, enforce }`: how strictly certificates are revalidated once
/// `expiry.revalidate_every` (per tier) makes them due.
///
/// ```yaml
/// revalidation: { drift_threshold: 0.1, enforce: true }
/// ```
///
/// `drift_threshold` is the largest per-column drift a revalidation accepts: the Kolmogorov–Smirnov
/// distance for a numeric column, the total-variation distance for a categorical one (both in
/// [0, 1]). With `enforce`, a certificate past `revalidate_every` without a passing revalidation,
/// or whose latest revalidation failed, fails `cert verify` and is refused to consumers.
public struct RevalidationPolicy: Sendable, Equatable {
    public var driftThreshold: Located<Decimal>?
    public var enforce: Located<Bool>?
    public var location: SourceLocation

    /// The threshold when none is set: a tenth of the mass moved.
    public static let defaultDriftThreshold = Decimal.exact("0.1") ?? 0

    /// The threshold in force.
    public var effectiveDriftThreshold: Decimal { driftThreshold?.value ?? Self.defaultDriftThreshold }
    /// Whether revalidation is enforced.
    public var isEnforced: Bool { enforce?.value ?? false }

    /// An empty section at `location`.
    public init(location: SourceLocation) {
        self.location = location
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.driftThreshold?.value == rhs.driftThreshold?.value && lhs.enforce?.value == rhs.enforce?.value
    }
}
