/// The fields a condition may read, with their types: the shape of a generation request
/// (DESIGN §5) as conditions see it. `request.*` names the request's own top-level fields;
/// `source.*`, `generator.*` and `output.*` its sections.
///
/// The enumerations that depend on a policy — its purposes and roles — come from the policy, so
/// that `request.purpose == "clinical-reserch"` is caught as a typo against the policy's list.
public struct RequestSchema: Sendable {
    /// Audiences a synthetic dataset may be released to, from least to most exposed.
    public static let audiences = ["internal", "partner", "public"]
    /// Data classifications, from most to least sensitive.
    public static let classifications = ["phi", "pii", "confidential", "internal", "public"]
    /// The generator types Charter runs.
    public static let generatorTypes = ["gaussian-copula", "dp-copula", "vae", "dp-vae", "external"]
    /// Generator types that provide differential privacy by Charter's own accounting.
    public static let differentiallyPrivateGenerators: Set<String> = ["dp-copula", "dp-vae"]

    /// Field path (`source.rows`) → type, sorted by path.
    public let fields: [(path: String, type: ValueType)]
    /// The roles `has_approval` may name.
    public let roles: [String]

    /// The schema for a policy with these purposes and roles.
    public init(purposes: [String], roles: [String]) {
        let purpose = ValueType.enumeration(name: "purpose", values: purposes)
        let audience = ValueType.enumeration(name: "audience", values: Self.audiences)
        let classification = ValueType.enumeration(name: "classification", values: Self.classifications)
        let generator = ValueType.enumeration(name: "generator type", values: Self.generatorTypes)
        let strings = ValueType.list(.string)
        fields = [
            ("generator.delta", .number),
            ("generator.epsilon", .number),
            ("generator.type", generator),
            ("output.rows", .number),
            ("request.audience", audience),
            ("request.consumers", strings),
            ("request.expires_at", .date),
            ("request.high_risk_ai", .bool),
            ("request.id", .string),
            ("request.jurisdiction", .string),
            ("request.purpose", purpose),
            ("request.requester", .string),
            ("request.ticket", .string),
            ("source.classification", classification),
            ("source.dataset", .string),
            ("source.exclude", strings),
            ("source.jurisdiction", .string),
            ("source.privacy_unit", .string),
            ("source.protected", strings),
            ("source.quasi_identifiers", strings),
            ("source.rows", .number),
            ("source.sensitive", strings),
            ("source.target", .string),
        ]
        self.roles = roles
    }

    /// The type of a field path, or `nil` when no such field exists.
    public func type(of path: String) -> ValueType? {
        fields.first { $0.path == path }?.type
    }
}

/// The functions conditions may call.
enum ConditionFunction: String, CaseIterable {
    /// `has_approval(role)`: whether a valid approval by a member of the role is attached.
    case hasApproval = "has_approval"
    /// `len(list)` or `len(string)`: the number of items or characters.
    case length = "len"
    /// `days_until(date)`: whole days from the evaluation date to the date.
    case daysUntil = "days_until"

    var signature: String {
        switch self {
        case .hasApproval: "has_approval(role) -> bool"
        case .length: "len(list or string) -> number"
        case .daysUntil: "days_until(date) -> number"
        }
    }
}
