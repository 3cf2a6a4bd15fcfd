public import CharterCore
import CharterData
import CharterPolicy
import CharterProfile

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `init`: a generation request written from a CSV file and the policy set, for a person to review.
///
/// Direct identifiers are excluded (each named with its evidence), quasi-identifiers proposed
/// (``QuasiIdentifierAdvice``), every other column typed, the target set when asked, and the
/// generator, ε and δ taken from the tier the policy selects for the request as written. **No value
/// read from the data is written as a declared domain**: a column's domain is declared only from a
/// ``PublicDomain`` the user supplied; the observed range or categories go in a comment marked
/// "observed: replace with a public range; a range read from the data is not private". The request
/// is linted (``Linting``) and decided (tier only; no ledger) before it is returned.
public struct RequestSkeleton: Sendable {
    /// What to write besides what the data and the policy give.
    public struct Options: Sendable, Equatable {
        /// The request's id.
        public var id = "REQ-DRAFT"
        /// Who asks.
        public var requester = "requester@hospital.example"
        /// The purpose; default the policy's first.
        public var purpose: String?
        /// `internal`, `partner` or `public`.
        public var audience = "internal"
        /// The source's classification.
        public var classification = "phi"
        /// Where the data is and will be used.
        public var jurisdiction = "EU"
        /// The ledger's key for the source; default the file's name without its extension.
        public var dataset: String?
        /// The label column for TSTR / TRTS, when asked; ``proposeTarget`` asks ``TargetProposal``.
        public var target: String?
        /// Domains the user vouches are public.
        public var domains: [PublicDomain] = []
        /// The date the request is decided at (for the tier).
        public var date: CalendarDate

        /// The `target` that asks for a proposal instead of naming a column.
        public static let proposeTarget = "auto"

        /// Creates options deciding at `date`.
        public init(date: CalendarDate) { self.date = date }
    }

    /// The profile the skeleton was written from (``Profiling``).
    public var profiling: Profiling
    /// The request's YAML; empty when it could not be written.
    public var yaml = ""
    /// The tier the policy selects for it, as written.
    public var tier: String?
    /// The policy decided with.
    public var policyName: String?
    /// Errors (unreadable data or policy, a bad argument); warnings from profiling otherwise.
    public var diagnostics: [Diagnostic] = []
    /// What linting the skeleton found (empty when it lints clean).
    public var lint: [Diagnostic] = []

    /// How it ended: unreadable on any error, else clean.
    public var status: OperationStatus {
        diagnostics.contains { $0.severity == .error } || yaml.isEmpty ? .unreadable : .clean
    }

    /// Profiles `dataPath`, selects the policy under `policyPath` and writes the request.
    public init(dataPath: String, policyPath: String, options: Options, in store: any InputStore) {
        profiling = Profiling(file: dataPath, in: store)
        diagnostics = profiling.diagnostics
        let selection = PolicySelection(path: policyPath, in: store)
        guard let policy = selection.policy else {
            diagnostics += selection.diagnostics
            return
        }
        policyName = policy.name.value
        guard let table = profiling.table, let profile = profiling.profile else { return }
        var options = options
        var targetNote: String?
        if options.target == Options.proposeTarget {
            let proposal = profiling.profile.flatMap(TargetProposal.propose)
            options.target = proposal?.column
            targetNote = proposal?.reason ?? "no two-class column whose header names an outcome: no target proposed"
        }
        for name in [options.target].compactMap({ $0 }) + options.domains.map(\.column)
        where table.column(named: name) == nil {
            diagnostics.append(
                .error(
                    .profileArgument, "column '\(ProfileText.printable(name))' is not in \"\(dataPath)\"", at: nil,
                    help: "the columns are: \(table.columnNames.map(ProfileText.printable).joined(separator: ", "))"))
        }
        let purpose = options.purpose ?? policy.purposes.first?.value ?? "analytics"
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return }

        let draft = Draft(
            dataPath: dataPath, table: table, profile: profile, sha256: profiling.sha256, options: options,
            purpose: purpose, targetNote: targetNote)
        // The tier can depend on the generator; decide once with the first guess, then write the
        // generator that tier asks for and decide again.
        var generator = GeneratorChoice.from(tier: nil, rows: table.rowCount)
        var decided = Self.decide(
            draft.render(generator: generator, kMin: nil, expiresAt: nil), policy: policy, date: options.date)
        if let tier = decided.tier {
            generator = GeneratorChoice.from(tier: tier, rows: table.rowCount)
            // The longest validity the tier allows, counted from the decision date.
            let expiresAt = tier.controls.expiry?.max.flatMap { options.date.adding(days: $0.value.days) }
            decided = Self.decide(
                draft.render(generator: generator, kMin: tier.controls.kAnonymity?.minimum.value, expiresAt: expiresAt),
                policy: policy, date: options.date)
        }
        yaml = decided.yaml
        tier = decided.tier?.name.value
        if tier == nil {
            diagnostics.append(
                .warning(
                    .skeletonNoTier,
                    "policy '\(policy.name.value)' selects no tier for this request: it would be denied",
                    at: nil, help: "change --purpose, --audience or --classification"))
        }
        let path = "/request.yaml"
        let linting = Linting(paths: [path], in: InMemoryInputStore([path: Array(yaml.utf8)]))
        lint = linting.diagnostics
    }

    static func decide(_ yaml: String, policy: Policy, date: CalendarDate) -> (yaml: String, tier: Tier?) {
        let loaded = RequestLoader().load(file: "request.yaml", bytes: Array(yaml.utf8))
        guard let request = loaded.requests.first else { return (yaml, nil) }
        let decision = DecisionEvaluator(policy: policy).decide(request, now: date)
        return (yaml, decision.tier.flatMap { name in policy.tiers.first { $0.name.value == name.value } })
    }
}

/// The generator `init` writes for a tier: `dp-copula` at the tier's ε and δ caps when the tier
/// requires differential privacy or does not allow `gaussian-copula`; else `gaussian-copula`.
/// δ is a tenth of the smaller of the tier's cap and the largest power of ten at or below 1/n (the
/// plan warns above 1/n), so that one run does not spend the source's whole lifetime δ.
struct GeneratorChoice: Equatable {
    var type: String
    var epsilon: Decimal?
    var delta: Decimal?
    var reason: String

    static func from(tier: Tier?, rows: Int) -> GeneratorChoice {
        guard let tier else {
            return GeneratorChoice(type: "dp-copula", epsilon: 1, delta: Decimal(string: "1e-6"), reason: "provisional")
        }
        let dp = tier.controls.differentialPrivacy
        let allowed = tier.controls.generators?.value.map(\.value)
        let required = dp?.required?.value ?? false
        if !required, allowed?.contains("gaussian-copula") ?? true {
            return GeneratorChoice(
                type: "gaussian-copula", epsilon: nil, delta: nil,
                reason: "tier '\(tier.name.value)' does not require differential privacy")
        }
        let epsilon = dp?.epsilonMax?.value ?? 1
        var delta = Decimal(1)
        while (delta).approximateDouble > 1 / Double(max(rows, 1)) { delta /= 10 }
        if let cap = dp?.deltaMax?.value, cap < delta { delta = cap }
        delta /= 10
        return GeneratorChoice(
            type: "dp-copula", epsilon: epsilon, delta: delta,
            reason: required
                ? "tier '\(tier.name.value)' requires differential privacy; ε at its cap"
                : "tier '\(tier.name.value)' allows no non-private generator here; ε at its cap")
    }
}
