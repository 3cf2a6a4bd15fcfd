public import CharterCore
import CharterPolicy

/// `lint`: every YAML file under the paths read and checked — well-formedness, duplicate keys,
/// tags and limits for every file; for policies, the policy language's checks, condition type
/// checking, and the proof that an overlay only tightens its base.
public struct Linting: Sendable {
    /// The files read, in order.
    public var files: [String]
    /// Every finding, unreadable paths first.
    public var diagnostics: [Diagnostic]
    /// The texts read, by path, for rendering diagnostics.
    public var sources: [String: String]
    /// Whether a path or file could not be read (exit 2, whatever else was found).
    public var hasUnreadableInput: Bool

    /// Lints every `.yaml`/`.yml` file under `paths` in `store`.
    public init(paths: [String], in store: any InputStore) {
        let inputs = InputFileSet(paths: paths, extensions: ["yaml", "yml"], in: store)
        files = inputs.files
        diagnostics = inputs.problems
        hasUnreadableInput = !inputs.problems.isEmpty
        let texts = Texts()
        let linter = PolicyLinter()
        let resolver = RelativeReference.baseResolver(store: store, sources: texts)
        for file in inputs.files {
            switch store.read(file) {
            case .failure(let error):
                diagnostics.append(error.diagnostic)
                hasUnreadableInput = true
            case .success(let bytes):
                texts.set(file, bytes)
                diagnostics += linter.lint(file: file, bytes: bytes, resolveBase: resolver)
            }
        }
        sources = texts.byPath
    }

    /// Whether the files fail: any error, or with `strict` any warning.
    public func fails(strict: Bool) -> Bool {
        diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
    }
}
