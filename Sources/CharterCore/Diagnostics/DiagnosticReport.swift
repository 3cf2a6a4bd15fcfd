/// Everything one command found: the files it looked at, in order, and the diagnostics about them.
///
/// Renderers need both: JUnit and SARIF list clean files too, and the text renderer quotes source
/// lines, which it reads from ``sources``.
public struct DiagnosticReport: Sendable, Equatable {
    /// The tool that made the report, for SARIF's `tool.driver` and JUnit's suite name.
    public struct Tool: Sendable, Equatable {
        /// The program name.
        public var name: String
        /// Its semantic version.
        public var version: String
        /// Where to read about it.
        public var informationURI: String

        /// Describes a tool.
        public init(name: String, version: String, informationURI: String) {
            self.name = name
            self.version = version
            self.informationURI = informationURI
        }
    }

    /// The tool that made the report.
    public var tool: Tool
    /// What the run did, such as `lint`; names the JUnit test suite.
    public var command: String
    /// The files examined, in the order given.
    public var files: [String]
    /// The findings, sorted (see ``Diagnostic/<(_:_:)``).
    public private(set) var diagnostics: [Diagnostic]
    /// The text of each examined file that could be read, for quoting source lines.
    public var sources: [String: String]

    /// Creates a report; diagnostics are sorted into their stable order.
    public init(
        tool: Tool, command: String, files: [String], diagnostics: [Diagnostic], sources: [String: String] = [:]
    ) {
        self.tool = tool
        self.command = command
        self.files = files
        self.diagnostics = diagnostics.sorted()
        self.sources = sources
    }

    /// The number of diagnostics of one severity.
    public func count(_ severity: Diagnostic.Severity) -> Int {
        diagnostics.reduce(0) { $0 + ($1.severity == severity ? 1 : 0) }
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The diagnostics located in one file, in order.
    public func diagnostics(in file: String) -> [Diagnostic] {
        diagnostics.filter { $0.location?.file == file }
    }

    /// The diagnostics located in no listed file.
    public var unattachedDiagnostics: [Diagnostic] {
        let known = Set(files)
        return diagnostics.filter { diagnostic in
            guard let file = diagnostic.location?.file else { return true }
            return !known.contains(file)
        }
    }

    /// Each code used, once, sorted by id.
    public var codes: [DiagnosticCode] {
        Array(Set(diagnostics.map(\.code))).sorted()
    }
}
