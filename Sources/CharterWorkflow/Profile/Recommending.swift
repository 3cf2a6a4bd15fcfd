public import CharterCore
import CharterData
import CharterPolicy
import CharterProfile
import CharterStats

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `recommend`: for a request, what the profile of its source, the tier's caps and gates and the
/// generators' noise suggest — the generator, ε and δ, which columns to model or drop, the
/// quasi-identifiers and the holdout fraction — each with the reason. Deterministic, and never
/// applied: the request is only read.
public struct Recommending: Sendable {
    /// One recommendation: what the request says, what is recommended, and why.
    public struct Item: Sendable, Equatable {
        /// `generator`, `epsilon`, `delta`, `holdout`, `column NAME`, `quasi_identifier NAME`.
        public var subject: String
        /// What the request says now (`""` when it says nothing).
        public var current: String
        /// What is recommended.
        public var recommended: String
        /// Why.
        public var reason: String
        /// Whether following it changes the request.
        public var differs: Bool { current != recommended }
    }

    /// The request file read.
    public var file: String
    /// The request's id.
    public var requestID = ""
    /// The tier the policy selects, and the policy.
    public var tier: String?
    /// The policy decided with.
    public var policyName: String?
    /// The recommendations, in a fixed order: generator, ε, δ, each column, each quasi-identifier, holdout.
    public var items: [Item] = []
    /// Errors when nothing could be recommended; warnings otherwise.
    public var diagnostics: [Diagnostic] = []

    /// The plan's holdout fraction (CharterPlan; a request cannot change it).
    public static let holdoutFraction = 0.2

    /// How it ended: unreadable on any error, else clean.
    public var status: OperationStatus { diagnostics.contains { $0.severity == .error } ? .unreadable : .clean }

    /// Reads the request in `file`, the policy under `policyPath` and the request's source, and recommends.
    public init(file: String, policyPath: String, date: CalendarDate, in store: any InputStore) {
        self.file = file
        let bytes: [UInt8]
        switch store.read(file) {
        case .failure(let error):
            diagnostics = [error.diagnostic]
            return
        case .success(let read): bytes = read
        }
        let loaded = RequestLoader().load(file: file, bytes: bytes)
        guard let request = loaded.requests.first, !loaded.diagnostics.contains(where: { $0.severity == .error }) else {
            diagnostics =
                loaded.diagnostics.isEmpty
                ? [.error(.unreadableInput, "\"\(file)\" holds no generation request", at: .file(file))]
                : loaded.diagnostics
            return
        }
        requestID = request.id.value
        let selection = PolicySelection(path: policyPath, in: store)
        guard let policy = selection.policy else {
            diagnostics = selection.diagnostics
            return
        }
        policyName = policy.name.value
        let decision = DecisionEvaluator(policy: policy).decide(request, now: date)
        let tier = decision.tier.flatMap { name in policy.tiers.first { $0.name.value == name.value } }
        self.tier = tier?.name.value
        let profiling = Profiling(file: request.source.path.value, in: store)
        diagnostics += profiling.diagnostics
        guard let table = profiling.table, let profile = profiling.profile else { return }
        guard let tier else {
            diagnostics.append(
                .error(
                    .skeletonNoTier, "policy '\(policy.name.value)' selects no tier for request '\(request.id.value)'",
                    at: request.location, help: "the request would be denied whatever its settings"))
            return
        }
        items = Self.recommend(request: request, tier: tier, table: table, profile: profile)
    }

    static func recommend(request: GenerationRequest, tier: Tier, table: Table, profile: DatasetProfile) -> [Item] {
        var items: [Item] = []
        let generator = GeneratorChoice.from(tier: tier, rows: table.rowCount)
        items.append(
            Item(
                subject: "generator", current: request.generator.type.value, recommended: generator.type,
                reason: generator.reason))
        items.append(
            Item(
                subject: "epsilon", current: request.generator.epsilon.map { "\($0.value)" } ?? "",
                recommended: generator.epsilon.map { "\($0)" } ?? "",
                reason: generator.epsilon == nil
                    ? "no differential privacy: the gates measure disclosure instead"
                    : "the tier's cap: below it dp-copula's noise grows as 1/ε and the columns that fit shrink (see each column)"
            ))
        items.append(
            Item(
                subject: "delta",
                current: request.generator.delta.map { RequestSkeleton.Draft.decimalText($0.value) } ?? "",
                recommended: generator.delta.map { RequestSkeleton.Draft.decimalText($0) } ?? "",
                reason: generator.delta == nil
                    ? "no differential privacy"
                    : "a tenth of the smaller of the tier's cap and 1/n for \(table.rowCount) rows, so one run leaves δ for others"
            ))

        let identifiers = Set(profile.directIdentifiers)
        let excluded = Set((request.source.exclude?.value ?? []).map(\.value))
        let declaredQIs = (request.source.quasiIdentifiers?.value ?? []).map(\.value)
        let kMin = tier.controls.kAnonymity?.minimum.value
        let qi = QuasiIdentifierAdvice(
            table, profile: profile, declared: declaredQIs.isEmpty ? nil : declaredQIs, excluded: identifiers,
            kMin: kMin)
        let target = request.source.target?.value
        var required = Set(qi.kept)
        for list in [request.source.sensitive, request.source.protected] {
            required.formUnion((list?.value ?? []).map(\.value))
        }
        if let target { required.insert(target) }
        let candidates = table.columnNames.filter { !identifiers.contains($0) }
        let trainingRows = Int((Double(table.rowCount) * (1 - holdoutFraction)).rounded(.up))
        var columnVerdicts: [String: (keep: Bool, reason: String)] = [:]
        if generator.type == "dp-copula", let epsilon = generator.epsilon, let delta = generator.delta {
            let positive = target.flatMap { try? PositiveClass(target: $0, in: table) }?.label
            var declaredBins: [String: Int] = [:]
            for domain in request.source.columns {
                if let categories = domain.categories { declaredBins[domain.name.value] = categories.count }
                if let low = domain.minimum?.value, let high = domain.maximum?.value, domain.type?.value == "integer" {
                    let span = Int((high - low).approximateDouble) + 1
                    declaredBins[domain.name.value] = span <= 64 ? span : 32
                }
            }
            let advice = ModelColumnAdvice(
                table, profile: profile, candidates: candidates, required: required, target: target, positive: positive,
                epsilon: (epsilon).approximateDouble, delta: (delta).approximateDouble,
                trainingRows: trainingRows, declaredBins: declaredBins)
            for entry in advice.entries { columnVerdicts[entry.column] = (entry.keep, entry.reason) }
        } else {
            for name in candidates {
                columnVerdicts[name] = (true, "\(generator.type) adds no noise: every column is modelled")
            }
        }
        for name in table.columnNames {
            let current = excluded.contains(name) ? "exclude" : "model"
            if let column = profile.column(named: name), let identifier = column.directIdentifier {
                items.append(
                    Item(
                        subject: "column \(name)", current: current, recommended: "exclude",
                        reason: "direct identifier (\(identifier.kind.rawValue)): \(identifier.evidence)"))
            } else if let verdict = columnVerdicts[name] {
                items.append(
                    Item(
                        subject: "column \(name)", current: current, recommended: verdict.keep ? "model" : "exclude",
                        reason: verdict.reason))
            }
        }
        for entry in qi.entries {
            items.append(
                Item(
                    subject: "quasi_identifier \(entry.column)",
                    current: declaredQIs.contains(entry.column) ? "declare" : "not declared",
                    recommended: entry.keep ? "declare" : "not declared", reason: entry.reason))
        }
        let holdout = Int((Double(table.rowCount) * holdoutFraction).rounded(.down))
        let halfWidth = 1.96 * (0.25 / Double(max(2 * holdout, 1))).squareRoot()
        let cap = tier.controls.membershipInference?.accuracyMax.map { ($0.value).approximateDouble }
        var reason =
            "the plan holds out \(ProfileNumber.percent(holdoutFraction)) (\(holdout) rows; a request cannot change it); the membership-inference attack's accuracy on \(2 * holdout) balanced records is known to ±\(ProfileNumber.format(halfWidth)) (95%)"
        if let cap {
            reason +=
                halfWidth >= cap - 0.5
                ? ", as wide as the gate's margin (\(ProfileNumber.format(cap)) − 0.5): a split's luck can fail the gate; a larger source or holdout would tell luck from leakage"
                : ", well inside the gate's margin (\(ProfileNumber.format(cap)) − 0.5)"
        }
        items.append(Item(subject: "holdout", current: "0.2", recommended: "0.2", reason: reason))
        return items
    }

    /// One line for `charter plan`'s notes: how many recommendations differ and which; `nil` when
    /// nothing could be recommended or nothing differs.
    public var planNote: String? {
        guard status == .clean, !items.isEmpty else { return nil }
        let differing = items.filter(\.differs)
        guard !differing.isEmpty else { return nil }
        let listed = differing.prefix(5).map { "\($0.subject) → \($0.recommended.isEmpty ? "unset" : $0.recommended)" }
        let more = differing.count > 5 ? ", … \(differing.count - 5) more" : ""
        return "recommend: \(differing.count) of \(items.count) recommendations differ from the request ("
            + listed.joined(separator: ", ") + more
            + "); `charter recommend \(file)` gives each reason; none is applied"
    }

    /// The recommendations as `charter recommend --format json` prints them.
    public var json: JSONValue {
        .object([
            "request": .string(requestID),
            "file": .string(file),
            "policy": policyName.map(JSONValue.string) ?? .null,
            "tier": tier.map(JSONValue.string) ?? .null,
            "applied": .bool(false),
            "recommendations": .array(
                items.map { item in
                    .object([
                        "subject": .string(item.subject), "current": .string(item.current),
                        "recommended": .string(item.recommended), "reason": .string(item.reason),
                        "differs": .bool(item.differs),
                    ])
                }),
        ])
    }
}
