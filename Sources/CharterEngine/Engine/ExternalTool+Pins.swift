package import CharterCore
package import CharterPlan
package import CharterSynth

extension ExternalTool {
    /// The files as a plan pins them in its generate stage.
    package var pins: [PinnedToolFile] {
        files.map { PinnedToolFile(role: $0.role.rawValue, path: $0.path, sha256: $0.sha256) }
    }
}

extension Array where Element == PinnedToolFile {
    /// The pins as the external generator takes them (``ExternalGenerator/pinnedToolParameter``),
    /// the same JSON as ``ExternalTool/json``.
    package var generatorParameter: JSONValue {
        .array(map { ["role": .string($0.role), "path": .string($0.path), "sha256": .string($0.sha256)] })
    }
}
