import CharterCore
import CharterData
import CharterSynth
import CharterTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The sandbox around external tools, attacked as issue 16 reproduced it: a tool that tries to
/// steal the signing key, the caller's environment and the training data, and to outlive the run.
@Suite struct ExternalSandboxTests {
    /// A throwaway project: `.charter/signing-key` (mode 0600) and a registry beside it.
    struct Project {
        let root: URL
        let key: URL
        let secret = "SIGNING-KEY-\(UUID().uuidString)"

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("charter-project-\(UUID().uuidString)")
            let charter = root.appendingPathComponent(".charter")
            try FileManager.default.createDirectory(at: charter, withIntermediateDirectories: true)
            key = charter.appendingPathComponent("signing-key")
            try Data(secret.utf8).write(to: key)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
            try Data("registry".utf8).write(to: charter.appendingPathComponent("registry.sqlite"))
        }
    }

    /// Process ids on this machine whose command line contains `marker`.
    static func processes(containing marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard entry.allSatisfy(\.isNumber),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(marker)
        }
    }

    @Test(.requiresSandbox())
    func exfiltratingToolGetsNothingAndLeavesNothingRunning() throws {
        let project = try Project()
        defer { try? FileManager.default.removeItem(at: project.root) }
        let marker = "charter-late-\(UUID().uuidString)"
        let environmentSecret = "ENV-SECRET-\(UUID().uuidString)"
        // Set once and left set: unsetting would rewrite the environment again while other tests'
        // threads may be reading it.
        setenv("CHARTER_TEST_EXFIL_SECRET", environmentSecret, 1)
        // A descriptor of the key left open without close-on-exec, as a careless parent would.
        let leaked = open(project.key.path, O_RDONLY)
        #expect(leaked >= 0)
        defer { close(leaked) }
        let hostTemp = FileManager.default.temporaryDirectory.appendingPathComponent("stolen-\(marker).csv")
        defer { try? FileManager.default.removeItem(at: hostTemp) }

        let script = """
            #!/bin/sh
            project="$1"
            {
              echo "== key via parent cwd"; cat "/proc/$PPID/cwd/.charter/signing-key"
              echo "== key via every cwd"; cat /proc/*/cwd/.charter/signing-key
              echo "== key via the project path"; cat "$project/.charter/signing-key"
              echo "== key via descriptors"; for f in /proc/self/fd/* /proc/$PPID/fd/*; do cat "$f"; done
              echo "== environment"; env
              echo "== environments"; cat /proc/*/environ | tr '\\0' '\\n'
              echo "== processes"; ls /proc | grep -E '^[0-9]+$' | tr '\\n' ' '; echo
              echo "== root"; ls -a /
            } > proof.txt 2>&1
            cp input.csv "$project/stolen.csv"
            cp input.csv "\(hostTemp.path)"
            cp input.csv "$HOME/../../stolen.csv"
            setsid sh -c 'sleep 3; echo alive > /charter/work/late.txt; echo alive > "$1/late.txt" # \(marker)' \\
              late "$project" < /dev/null > /dev/null 2>&1 &
            cp input.csv output.csv
            """
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tool = folder.appendingPathComponent("exfiltrate.sh")
        try Data(script.utf8).write(to: tool)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool.path)

        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("charter-kept-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        var generator = ExternalGenerator()
        generator.workingDirectoryParent = parent.path
        generator.keepsWorkingDirectory = true
        let settings = GeneratorSettings(
            seed: 1, schema: ExternalGeneratorTests.schema, domains: ExternalGeneratorTests.domains,
            parameters: ["command": .array([.string(tool.path), .string(project.root.path)]), "timeout_seconds": 20])
        let output = try Result { () throws(GeneratorError) in
            try generator.generate(training: ExternalGeneratorTests.training, rowCount: 40, settings: settings)
        }.get()
        #expect(output.table.rowCount == 40)
        // Nothing the tool started outlives the run: on a machine loaded with other tests the
        // kernel can take a moment to finish killing the namespace after the run returns (seen at
        // load 18), so this allows 2.5 s — well before the child's delayed write at 3 s, which
        // is checked below never to happen.
        var lingering = Self.processes(containing: marker)
        for _ in 0..<50 where !lingering.isEmpty {
            usleep(50_000)
            lingering = Self.processes(containing: marker)
        }
        #expect(lingering.isEmpty, "a process the tool started outlived the run: \(lingering)")

        let kept = try FileManager.default.contentsOfDirectory(atPath: parent.path)
        let work = parent.appendingPathComponent(try #require(kept.first)).appendingPathComponent("work")
        let proof = try String(contentsOf: work.appendingPathComponent("proof.txt"), encoding: .utf8)
        #expect(!proof.contains(project.secret), "the tool read the signing key:\n\(proof)")
        #expect(!proof.contains(environmentSecret), "the tool read the caller's environment:\n\(proof)")
        #expect(proof.contains("PATH=/usr/local/bin:/usr/bin:/bin"))
        #expect(proof.contains("HOME=/charter/work"))
        let environment = proof.components(separatedBy: "== environment\n")[1].components(separatedBy: "== ")[0]
        let names = Set(
            environment.split(separator: "\n").compactMap { $0.split(separator: "=").first.map(String.init) })
        #expect(names.isSubset(of: ["PATH", "LANG", "HOME", "TMPDIR", "PWD", "OLDPWD", "SHLVL", "_"]), "\(names)")
        // Its own PID namespace: the sandbox's init, the shell and the commands of the moment.
        let processes = proof.components(separatedBy: "== processes\n")[1].split(separator: "\n").first ?? ""
        #expect(processes.split(separator: " ").count <= 6, "the tool sees other processes: \(processes)")
        // The root holds the system's folders and the tool's own, nothing of the project or the machine.
        let root = proof.components(separatedBy: "== root\n")[1].split(separator: "\n").map(String.init)
        let system: Set = [
            ".", "..", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "proc", "dev", "tmp",
        ]
        #expect(Set(root).isSubset(of: system.union(["charter"])), "\(root)")
        // Nothing copied outside its working folder reached the machine.
        #expect(!FileManager.default.fileExists(atPath: project.root.appendingPathComponent("stolen.csv").path))
        #expect(!FileManager.default.fileExists(atPath: hostTemp.path))
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("stolen.csv").path))
        #expect(!FileManager.default.fileExists(atPath: "/stolen.csv"))

        // The setsid child would write 3 s after it started; 5 s after the run it has not.
        Thread.sleep(forTimeInterval: 5)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("late.txt").path))
        #expect(!FileManager.default.fileExists(atPath: project.root.appendingPathComponent("late.txt").path))
        #expect(Self.processes(containing: marker).isEmpty)
    }

    @Test(.requiresSandbox()) func noNetwork() throws {
        // A loopback listener on the machine that the tool must not reach.
        let script = """
            #!/bin/sh
            if command -v python3 > /dev/null; then
              python3 -c 'import socket; socket.create_connection(("127.0.0.1", 9), 2)' 2> net.txt && echo reached >> net.txt
            fi
            cat /proc/net/dev > interfaces.txt
            cp input.csv output.csv
            """
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("charter-kept-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        var generator = ExternalGenerator()
        generator.workingDirectoryParent = parent.path
        generator.keepsWorkingDirectory = true
        _ = try ExternalGeneratorTests.run(script, epsilon: nil, delta: nil, rows: 40, generator: generator).get()
        let kept = try FileManager.default.contentsOfDirectory(atPath: parent.path)
        let work = parent.appendingPathComponent(try #require(kept.first)).appendingPathComponent("work")
        let interfaces = try String(contentsOf: work.appendingPathComponent("interfaces.txt"), encoding: .utf8)
        // Only the namespace's own loopback.
        let names = interfaces.split(separator: "\n").dropFirst(2).compactMap {
            $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces)
        }
        #expect(names == ["lo"], "\(interfaces)")
        let net = (try? String(contentsOf: work.appendingPathComponent("net.txt"), encoding: .utf8)) ?? ""
        #expect(!net.contains("reached"))
    }

    @Test func privateAndCharterFilesAreNeverShown() throws {
        let project = try Project()
        defer { try? FileManager.default.removeItem(at: project.root) }
        func code(_ command: [String]) -> String? {
            SynthFixtures.error { () throws(GeneratorError) in
                try ExternalGenerator().generate(
                    training: ExternalGeneratorTests.training, rowCount: 5,
                    settings: GeneratorSettings(
                        seed: 1, schema: ExternalGeneratorTests.schema,
                        parameters: ["command": .array(command.map(JSONValue.string))]))
            }?.code
        }
        // The key as an argument (it is a file, so it would be shown to the tool).
        #expect(code(["/bin/cat", project.key.path]) == "CH715")
        // A readable file inside .charter.
        #expect(code(["/bin/cat", project.root.appendingPathComponent(".charter/registry.sqlite").path]) == "CH715")
        // A private file elsewhere.
        let secret = project.root.appendingPathComponent("private.txt")
        try Data("x".utf8).write(to: secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret.path)
        #expect(code(["/bin/cat", secret.path]) == "CH715")
    }

    @Test func toolsArePinnedWithTheirInterpreters() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-pin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tool = folder.appendingPathComponent("tool")
        func write(_ text: String) throws {
            try Data(text.utf8).write(to: tool)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool.path)
        }
        try write("#!/bin/sh\necho one\n")
        let direct = try ExternalTool.resolve([tool.path, "x"])
        #expect(direct.files.map(\.role) == [.program, .interpreter])
        #expect(direct.files.map(\.path) == [tool.path, "/bin/sh"])
        #expect(direct.arguments == ["/bin/sh", tool.path, "x"])

        try write("#!/usr/bin/env -S sh -e\necho one\n")
        let viaEnv = try ExternalTool.resolve([tool.path])
        #expect(viaEnv.files.map(\.role) == [.program, .interpreter, .interpreter])
        #expect(
            viaEnv.files.map(\.path) == [tool.path, "/usr/bin/env", "/usr/local/bin/sh"]
                || viaEnv.files.map(\.path) == [tool.path, "/usr/bin/env", "/usr/bin/sh"]
                || viaEnv.files.map(\.path) == [tool.path, "/usr/bin/env", "/bin/sh"])
        #expect(viaEnv.arguments == ["/usr/bin/env", "-S sh -e", tool.path])

        // A relative program, and a file argument, resolved from the folder given.
        let relative = try ExternalTool.resolve(["./tool", "tool", "not-a-file"], relativeTo: folder.path)
        #expect(relative.files.map(\.role) == [.program, .interpreter, .interpreter, .script])
        #expect(relative.files[0].path == "./tool" && relative.files[3].path == "tool")
        #expect(relative.arguments.suffix(2) == [folder.path + "/tool", "not-a-file"])

        // Editing the tool changes its pin, and a generator handed the old pins refuses it.
        let before = try ExternalTool.resolve([tool.path])
        try write("#!/usr/bin/env -S sh -e\necho two\n")
        let after = try ExternalTool.resolve([tool.path])
        #expect(before.files[0].sha256 != after.files[0].sha256)
        #expect(before.files[1...] == after.files[1...])
        let differences = ExternalTool.differences(pinned: before.json, now: after.json)
        #expect(differences == ["program '\(tool.path)' \(before.files[0].sha256) → \(after.files[0].sha256)"])
        let refused = SynthFixtures.error { () throws(GeneratorError) in
            try ExternalGenerator().generate(
                training: ExternalGeneratorTests.training, rowCount: 5,
                settings: GeneratorSettings(
                    seed: 1, schema: ExternalGeneratorTests.schema,
                    parameters: [
                        "command": .array([.string(tool.path)]), ExternalGenerator.pinnedToolParameter: before.json,
                    ]))
        }
        #expect(refused?.code == "CH723")
        #expect(refused?.message.contains("program") == true)

        #expect(throws: GeneratorError.self) { try ExternalTool.resolve(["charter-no-such-tool-\(UUID().uuidString)"]) }
    }

    @Test func shebangLines() throws {
        func parse(_ text: String) throws -> [String?]? {
            try ExternalTool.shebang(in: Array(text.utf8))
        }
        #expect(try parse("#!/bin/sh\n") == ["/bin/sh", nil])
        #expect(try parse("#! /usr/bin/python3  -u \nprint()") == ["/usr/bin/python3", "-u"])
        #expect(try parse("#!/usr/bin/env -S python3 -u\n") == ["/usr/bin/env", "-S python3 -u"])
        #expect(try parse("echo hi\n") == nil)
        #expect(throws: GeneratorError.self) { try parse("#!python3\n") }
        #expect(throws: GeneratorError.self) { try parse("#!\n") }
    }
}
