public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A governance policy (`kind: policy`, DESIGN §4): who approves, which purposes are allowed,
/// the ordered risk tiers with their controls, the lifetime budgets and the extra rules.
public struct Policy: Sendable, Equatable {
    /// The policy's name, unique in a policy set.
    public var name: Located<String>
    /// Its semantic version.
    public var version: Located<String>?
    /// Who maintains it.
    public var owners: [Located<String>]
    /// What it is for.
    public var description: String?
    /// The base policy this one tightens, as written (a path relative to this file).
    public var extends: Located<String>?
    /// Roles in definition order; members approve in that role.
    public var roles: [Role]
    /// Where approvers' keys and groups are kept; `nil` when approvals are not authenticated.
    public var identities: IdentityFiles?
    /// The purposes requests may state (purpose limitation).
    public var purposes: [Located<String>]
    /// Risk tiers in order: the first whose condition holds applies; none is a deny.
    public var tiers: [Tier]
    /// Lifetime privacy budgets.
    public var budgets: Budgets?
    /// Extra rules, in order.
    public var rules: [Rule]
    /// How gate checks decide with their intervals; every check decides on its estimate when absent.
    public var gateRules: GateRules? = nil
    /// How strictly certificates are revalidated; drift threshold 0.1, not enforced, when absent.
    public var revalidation: RevalidationPolicy? = nil
    /// Where the policy's document starts.
    public var location: SourceLocation

    /// The role with this name.
    public func role(named name: String) -> Role? { roles.first { $0.name.value == name } }

    /// The tier with this name.
    public func tier(named name: String) -> Tier? { tiers.first { $0.name.value == name } }

    /// The schema conditions of this policy are checked against.
    public var requestSchema: RequestSchema {
        RequestSchema(purposes: purposes.map(\.value), roles: roles.map(\.name.value))
    }
}

/// The files that say who people are (`identities:`), as written: paths relative to the policy
/// file that names them.
public struct IdentityFiles: Sendable, Equatable {
    /// An OpenSSH allowed-signers file: which key signs for which approver. With it, only
    /// approvals signed by an allowed key count.
    public var allowedSigners: Located<String>?
    /// A directory file (`groups: {name: [members]}`) that resolves `group:` role members.
    public var directory: Located<String>?
    /// Where `identities:` is written.
    public var location: SourceLocation
}

/// A role whose members may approve requests in that role.
public struct Role: Sendable, Equatable {
    /// The role's name (`privacy_officer`).
    public var name: Located<String>
    /// User ids or `group:` names, in the order written.
    public var members: [Located<String>]

    /// Whether `person` is a member: named, or in a `group:` member that `groups` resolves (none
    /// without a directory). The one membership rule, for approvals and a server's callers alike.
    public func hasMember(_ person: Identity, groups: (any ApprovalAuthenticator)?) -> Bool {
        Self.members(members, include: person, groups: groups)
    }

    static func members(_ members: [Located<String>], include person: Identity, groups: (any ApprovalAuthenticator)?)
        -> Bool
    {
        members.contains { member in
            guard let identity = try? Identity(member.value) else { return false }
            if let group = identity.groupName {
                return groups?.members(ofGroup: group).contains(person) ?? false
            }
            return identity == person
        }
    }
}

extension Policy {
    /// The names of the roles `person` holds, in the order the policy lists them (groups resolved
    /// through `groups`).
    public func roles(heldBy person: Identity, groups: (any ApprovalAuthenticator)?) -> [String] {
        roles.filter { $0.hasMember(person, groups: groups) }.map(\.name.value)
    }
}

/// A condition written in a policy: its text and the parsed, type-checked expression.
public struct Condition: Sendable, Equatable {
    /// The condition as written.
    public var text: String
    /// The parsed condition; `nil` when it did not parse (a diagnostic says why).
    public var expression: ConditionExpression?
    /// Where the condition is written.
    public var location: SourceLocation

    /// The condition of an overlay's tier that keeps its base tier's condition.
    public static func inherited(at location: SourceLocation) -> Condition {
        Condition(text: "", expression: nil, location: location)
    }

    /// Whether this is an overlay tier's placeholder for its base's condition.
    public var isInherited: Bool { text.isEmpty && expression == nil }

    /// Whether the condition is the literal `true`.
    public var isAlwaysTrue: Bool { expression?.kind == .literal(.bool(true)) }
    /// Whether the condition is the literal `false`.
    public var isAlwaysFalse: Bool { expression?.kind == .literal(.bool(false)) }

    public static func == (lhs: Condition, rhs: Condition) -> Bool {
        lhs.expression == rhs.expression && (lhs.expression != nil || lhs.text == rhs.text)
    }
}

/// A risk tier: a condition and the controls that apply when it is the first to hold.
public struct Tier: Sendable, Equatable {
    /// The tier's name (`high`).
    public var name: Located<String>
    /// When the tier applies.
    public var when: Condition
    /// What the tier demands.
    public var controls: Controls
    /// Where the tier is written.
    public var location: SourceLocation
}

/// Lifetime privacy budgets.
public struct Budgets: Sendable, Equatable {
    /// How runs against one source compose into its spend.
    public enum Composition: String, Sendable, Equatable, CaseIterable {
        /// Sum of ε and of δ.
        case basic
        /// Sum of Rényi-DP curves, converted to (ε, δ) once.
        case rdp
        /// Sum of zCDP ρ, converted to (ε, δ) once.
        case zcdp
    }

    /// The lifetime cap of ε per source dataset.
    public var perSourceEpsilon: Located<Decimal>?
    /// The lifetime cap of δ per source dataset.
    public var perSourceDelta: Located<Decimal>?
    /// How runs compose.
    public var composition: Located<Composition>?
    /// Where `budgets` is written.
    public var location: SourceLocation
}

/// How strictly a rule is enforced (Sentinel's levels).
public enum Enforcement: String, Sendable, Equatable, Comparable, CaseIterable {
    /// Warns; never denies.
    case advisory
    /// Denies unless a member of the `override_by` role overrides it; the override is recorded.
    case softMandatory = "soft-mandatory"
    /// Denies; no override.
    case hardMandatory = "hard-mandatory"

    private var rank: Int {
        switch self {
        case .advisory: 0
        case .softMandatory: 1
        case .hardMandatory: 2
        }
    }

    public static func < (lhs: Enforcement, rhs: Enforcement) -> Bool { lhs.rank < rhs.rank }
}

/// An extra check beyond the tiers.
public struct Rule: Sendable, Equatable {
    /// What a rule does when its condition holds.
    public enum Effect: Sendable, Equatable {
        /// Deny, with this reason.
        case deny(String)
        /// Require approvals by these roles, and these further controls.
        case require(approvals: [Located<String>], controls: Controls?)
        /// Warn, with this message.
        case warn(String)
    }

    /// The rule's stable id (`cross-border-needs-legal`).
    public var id: Located<String>
    /// How strictly it is enforced.
    public var enforcement: Located<Enforcement>
    /// The role that may override a soft-mandatory rule.
    public var overrideBy: Located<String>?
    /// When the rule applies.
    public var when: Condition
    /// What it does; `nil` when the rule is malformed (a diagnostic says why).
    public var effect: Effect?
    /// The message shown to requesters.
    public var message: String?
    /// Where the rule is written.
    public var location: SourceLocation
}
