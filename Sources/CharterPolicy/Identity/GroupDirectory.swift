public import CharterCore
public import CharterYAML

/// A directory file (`kind: directory`): the members of each group a policy's roles name as
/// `group:NAME`. Members are people (no nested groups), in canonical form.
///
/// ```yaml
/// charter: 1
/// kind: directory
/// groups:
///   risk-committee: [frank@hospital.example, grace@hospital.example]
/// ```
public struct GroupDirectory: Sendable, Equatable {
    /// Each group's members, by group name (without `group:`).
    public var groups: [String: [Identity]]

    /// A directory of these groups.
    public init(groups: [String: [Identity]] = [:]) {
        self.groups = groups
    }

    /// No groups.
    public static let empty = GroupDirectory()

    /// The members of `group`; empty when the directory does not know it.
    public func members(of group: String) -> [Identity] { groups[group] ?? [] }

    /// Reads a directory file.
    public static func load(file: String, bytes: [UInt8]) -> (directory: GroupDirectory?, diagnostics: [Diagnostic]) {
        let stream: YAMLStream
        do {
            stream = try YAMLParser().parse(bytes, file: file)
        } catch {
            return (nil, [error.diagnostic])
        }
        guard let document = stream.documents.first, stream.documents.count == 1 else {
            return (nil, [.error(.policyInvalidIdentity, "a directory file holds one document", at: .file(file))])
        }
        return load(document.root, source: stream.source)
    }

    /// Reads a directory document.
    public static func load(_ root: YAMLNode, source: YAMLSource) -> (directory: GroupDirectory?, diagnostics: [Diagnostic]) {
        let reader = DocumentReader(source: source)
        guard let fields = reader.mapping(root, "the directory", known: ["charter", "kind", "groups"], required: ["groups"])
        else { return (nil, reader.diagnostics) }
        var groups: [String: [Identity]] = [:]
        if let node = fields["groups"] {
            if let pairs = node.mapping {
                for pair in pairs {
                    guard case .string(let name) = pair.key.scalar?.value,
                        let group = try? Identity(Identity.groupPrefix + name), group.isGroup
                    else {
                        reader.report(.error(.policyInvalidIdentity, "a group's name is letters, digits, `.`, `_` or `-`", at: pair.key.location))
                        continue
                    }
                    var members: [Identity] = []
                    for member in reader.stringList(pair.value, "group '\(name)'") ?? [] {
                        do {
                            let identity = try Identity(member.value)
                            if identity.isGroup {
                                reader.report(
                                    .error(.policyInvalidIdentity, "groups do not nest: list the people", at: member.location))
                            } else {
                                members.append(identity)
                            }
                        } catch {
                            reader.report(
                                .error(.policyInvalidIdentity, "member '\(member.value)' \(error.message)", at: member.location))
                        }
                    }
                    groups[group.groupName ?? name] = members
                }
            } else {
                reader.wrongType(node, expected: "a mapping of group names to members", context: "groups")
            }
        }
        let failed = reader.diagnostics.contains { $0.severity == .error }
        return (failed ? nil : GroupDirectory(groups: groups), reader.diagnostics)
    }
}
