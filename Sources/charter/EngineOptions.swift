import ArgumentParser
import CharterCore
import CharterEngine
import CharterPlan
import CharterPolicy
import CharterRegistry
import CharterSynth
import Foundation

/// What `apply` and `run` share: the registry, the signing key, the clock, who acts, the format.
struct EngineOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry (default: $CHARTER_REGISTRY, else \(SQLiteRegistry.defaultPath); created when missing).",
            valueName: "path"))
    var registry: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Ed25519 signing key (default: $CHARTER_SIGNING_KEY, else \(SigningKey.defaultPath); created 0600 when missing).",
            valueName: "path"))
    var key: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The time to act at: YYYY-MM-DD or RFC 3339 (default: the system clock). Approvals and expiry are judged on its date.",
            valueName: "time"))
    var now: String?

    @Option(name: .long, help: "Who runs it, as the ledger and the audit chain record (default: $USER).")
    var actor: String?

    @Option(help: "Output format: text, json.")
    var format: Format = .text

    func validate() throws {
        if let now, Timestamp(rfc3339: now) == nil {
            throw ValidationError("--now must be a date (2026-11-23) or an RFC 3339 time, got \"\(now)\"")
        }
    }

    var registryPath: String {
        SQLiteRegistry.resolvePath(explicit: registry, environment: ProcessInfo.processInfo.environment)
    }

    var keyPath: String { SigningKey.resolvePath(explicit: key, environment: ProcessInfo.processInfo.environment) }

    /// The instant: `--now` or the clock.
    var instant: Timestamp {
        if let now, let timestamp = Timestamp(rfc3339: now) { return timestamp }
        return Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The date decisions are made on: the instant's date in UTC.
    var date: CalendarDate {
        CalendarDate(iso: instant.dateDescription) ?? CalendarDate(year: 1970, month: 1, day: 1)!
    }

    var actorName: String {
        actor ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "charter"
    }

    /// Opens (creating when missing) the registry and the signing key, runs `plan`, prints the
    /// outcome and exits with its status.
    func execute(plan: Plan, request: GenerationRequest, prelude: [String]) throws -> Never {
        let store: SQLiteRegistry
        do {
            store = try SQLiteRegistry(path: registryPath, create: true)
        } catch {
            fail(.unreadable, "registry", "\(error)", notes: [])
        }
        let signingKey: SigningKey
        do {
            let (loaded, created) = try SigningKey.loadOrCreate(at: keyPath)
            signingKey = loaded
            if created {
                Terminal.writeError(
                    "note: created the signing key \(keyPath) (mode 0600) and its public key \(keyPath).pub, key id \(loaded.publicKey.id)\n"
                )
            }
        } catch {
            fail(.unreadable, "certify", error.description, notes: [])
        }
        var progress: (@Sendable (String) -> Void)?
        if isatty(STDERR_FILENO) == 1 {
            progress = { @Sendable line in Terminal.writeError("… \(line)\n") }
        }
        let lookup: @Sendable (String) -> (any SyntheticDataGenerator)? = { GeneratorLookup.generator(named: $0) }
        let environment = EngineEnvironment(
            registry: store, signingKey: signingKey, now: instant, actor: actorName, generator: lookup,
            progress: progress)
        let outcome: EngineOutcome
        do {
            outcome = try PlanEngine(environment: environment).run(plan: plan, request: request)
        } catch {
            fail(error.kind, error.stage, error.message, notes: error.notes, plan: plan)
        }
        switch outcome {
        case .published(let run):
            let bytes = FileManager.default.contents(atPath: run.certificatePath).map { [UInt8]($0) } ?? []
            let verification = CertificateVerifier(trustedKeys: [signingKey.publicKey], now: instant)
                .verify(fileBytes: bytes, registry: store)
            if format == .json {
                Terminal.write(
                    (try? EngineOutput.publishedJSON(run, plan: plan, verification: verification).pretty()) ?? "{}\n")
            } else {
                Terminal.write(prelude.map { $0 + "\n" }.joined())
                Terminal.write(EngineOutput.publishedText(run, plan: plan, verification: verification))
            }
            Foundation.exit(verification.isValid ? ExitStatus.clean.rawValue : ExitStatus.denied.rawValue)
        case .gateFailed(let run):
            if format == .json {
                Terminal.write((try? EngineOutput.failedJSON(run, plan: plan).pretty()) ?? "{}\n")
            } else {
                Terminal.write(prelude.map { $0 + "\n" }.joined())
                Terminal.write(EngineOutput.failedText(run, plan: plan))
            }
            Foundation.exit(ExitStatus.denied.rawValue)
        }
    }

    /// Prints an engine error and exits: 2 for unreadable input, 1 otherwise.
    func fail(_ kind: EngineError.Kind, _ stage: String, _ message: String, notes: [String], plan: Plan? = nil) -> Never
    {
        if format == .json {
            let value: JSONValue = [
                "outcome": "error", "stage": .string(stage), "error": .string(message),
                "plan_digest": plan.map { .string($0.digest) } ?? .null,
                "notes": .array(notes.map(JSONValue.string)),
            ]
            Terminal.write((try? value.pretty()) ?? "{}\n")
        } else {
            Terminal.writeError("error: \(stage): \(message)\n" + notes.map { "note: \($0)\n" }.joined())
        }
        Foundation.exit(kind == .unreadable ? ExitStatus.usageError.rawValue : ExitStatus.denied.rawValue)
    }
}
