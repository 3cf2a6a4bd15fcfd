/// One file an `external` generator runs, pinned by the digest of its bytes in the plan's
/// generate stage: the program, the interpreter of its `#!` line, or a script argument. Editing
/// any of them makes a different plan, so an approval bound to a plan approves this code.
public struct PinnedToolFile: Sendable, Equatable {
    /// `program`, `interpreter` or `script`.
    public var role: String
    /// The path as the command or the `#!` line names it, or as found in the tool's `PATH`.
    public var path: String
    /// `sha256:…` of the file's bytes.
    public var sha256: String

    /// Creates a pin.
    public init(role: String, path: String, sha256: String) {
        self.role = role
        self.path = path
        self.sha256 = sha256
    }

    /// How the files pinned differ from the files now, one line each (empty when they are the same).
    ///
    /// - Parameters:
    ///   - planned: the plan's pins (`nil`: the plan pinned none).
    ///   - current: the files as they are now (`nil`: they cannot be read now).
    public static func changes(planned: [PinnedToolFile]?, current: [PinnedToolFile]?) -> [String] {
        guard planned != current else { return [] }
        guard let planned else { return ["the plan pins no external tool; make a new plan where the tool can be read"] }
        guard let current else { return ["the external tool the plan pinned cannot be read now"] }
        var lines: [String] = []
        for (index, pin) in planned.enumerated() {
            let name = "\(pin.role) '\(pin.path)'"
            guard
                let now = current.first(where: { $0.role == pin.role && $0.path == pin.path })
                    ?? (index < current.count ? current[index] : nil)
            else {
                lines.append("the external tool's \(name) is no longer run")
                continue
            }
            if now.role != pin.role || now.path != pin.path {
                lines.append("the external tool's \(name) is now \(now.role) '\(now.path)'")
            } else if now.sha256 != pin.sha256 {
                lines.append(
                    "the external tool's \(name) changed since the plan was made: \(pin.sha256) → \(now.sha256)")
            }
        }
        for now in current.dropFirst(planned.count)
        where !planned.contains(where: { $0.role == now.role && $0.path == now.path }) {
            lines.append("the external tool now also runs \(now.role) '\(now.path)'")
        }
        return lines.isEmpty ? ["the external tool's pinned files changed"] : lines
    }
}
