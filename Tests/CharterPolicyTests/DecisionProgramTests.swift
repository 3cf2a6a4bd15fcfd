import CharterCore
import Foundation
import Testing

@testable import CharterPolicy

/// The compiled decision path (``DecisionProgram``) against the interpreter
/// (``DecisionEvaluator``): the same decision, byte for byte (JSON with every location, text,
/// diagnostics), with and without trace, over every example request, every policy test case and
/// a seeded set of randomly mutated requests, on the reference policy and on small policies
/// written to reach every kind of condition and every fallback.
@Suite("compiled decisions")
struct DecisionProgramTests {
    static let root = DecisionTests.root
    static let now = DecisionTests.now

    static func read(_ path: String) -> [UInt8]? { try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }

    static func exampleRequests() throws -> [(file: String, request: GenerationRequest)] {
        let folder = root.appendingPathComponent("examples/requests").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 9)
        return try files.flatMap { name in
            let path = folder + "/" + name
            let loaded = RequestLoader().load(file: path, bytes: try #require(read(path)))
            #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(name): \(loaded.diagnostics)")
            return loaded.requests.map { (name, $0) }
        }
    }

    static func policyTestCases() throws -> [(name: String, request: GenerationRequest, now: CalendarDate)] {
        let path = root.appendingPathComponent("policies/tests/health-synthetic.test.yaml").path
        let loaded = PolicyTestLoader { read($0) }.load(file: path, bytes: try #require(read(path)))
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics)")
        let cases = loaded.suites.flatMap { suite in
            suite.cases.map { ($0.name.value, $0.request, suite.now?.value ?? now) }
        }
        #expect(cases.count >= 10)
        return cases
    }

    /// Decides with both paths and checks that they agree in every form a decision is shown in.
    static func expectSame(
        _ policy: Policy, _ request: GenerationRequest, now: CalendarDate, planDigest: String? = nil,
        budget: SourceBudget? = nil, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let evaluator = DecisionEvaluator(policy: policy)
        let program = DecisionProgram(policy: policy)
        for tracing in [false, true] {
            let expected = evaluator.decide(request, now: now, planDigest: planDigest, tracing: tracing, budget: budget)
            let actual = program.decide(request, now: now, planDigest: planDigest, tracing: tracing, budget: budget)
            let renderer = DecisionTextRenderer()
            let same =
                expected == actual && expected.json == actual.json && expected.diagnostics == actual.diagnostics
                && renderer.explanation(expected, file: "r") == renderer.explanation(actual, file: "r")
                && expected.overrides.map(\.by) == actual.overrides.map(\.by)
                && expected.requestLocation == actual.requestLocation
                && expected.approvalsLocation == actual.approvalsLocation
                && expected.tier?.location == actual.tier?.location
            #expect(
                same,
                "\(label) (tracing \(tracing)):\ninterpreted:\n\(renderer.explanation(expected, file: "r"))\ncompiled:\n\(renderer.explanation(actual, file: "r"))",
                sourceLocation: sourceLocation)
            if !same, let a = try? expected.json.pretty(), let b = try? actual.json.pretty(), a != b {
                Issue.record("JSON differs:\n\(a)\n---\n\(b)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("every example request decides the same on both paths")
    func examples() throws {
        let policy = try DecisionTests.referencePolicy()
        for (file, request) in try Self.exampleRequests() {
            Self.expectSame(policy, request, now: Self.now, file)
            Self.expectSame(policy, request, now: Self.now, planDigest: "sha256:" + String(repeating: "a", count: 64), file)
        }
    }

    @Test("every policy test case decides the same on both paths")
    func policyTests() throws {
        let policy = try DecisionTests.referencePolicy()
        for (name, request, now) in try Self.policyTestCases() {
            Self.expectSame(policy, request, now: now, name)
        }
    }

    @Test("seeded random mutations of the requests decide the same on both paths")
    func mutations() throws {
        let policies = [
            try DecisionTests.referencePolicy(), try DecisionTests.policy(Self.conditionPolicy),
            try DecisionTests.policy(SeparationOfDutiesTests.policyText),
        ]
        let bases = try Self.exampleRequests().map(\.request)
        var random = SplitMix64(seed: 0x5EED_4)
        var decided = 0
        var outcomes: Set<Decision.Outcome> = []
        var fallbacks = 0
        for index in 0..<600 {
            var request = bases[random.next(bases.count)]
            let changes = 1 + random.next(5)
            for _ in 0..<changes { Self.mutate(&request, &random) }
            let digest: String? = random.next(3) == 0 ? Self.digests[random.next(Self.digests.count)] : nil
            let now = [Self.now, CalendarDate(year: 2027, month: 3, day: 1)!][random.next(2)]
            for policy in policies {
                Self.expectSame(policy, request, now: now, planDigest: digest, "mutation \(index)")
                let decision = DecisionProgram(policy: policy).decide(request, now: now, planDigest: digest)
                outcomes.insert(decision.outcome)
                fallbacks += decision.violations.filter { $0.code == .decisionConditionError }.count
                decided += 1
            }
        }
        #expect(decided == 1800)
        // The mutations reach every outcome and conditions that cannot be evaluated.
        #expect(outcomes == [.allow, .deny, .pending])
        #expect(fallbacks > 0)
    }

    @Test("conditions of every kind compile and agree, including those left to the interpreter")
    func conditionKinds() throws {
        let policy = try DecisionTests.policy(Self.conditionPolicy)
        let program = DecisionProgram(policy: policy)
        // Every tier and rule condition but the one with a list built from fields compiles.
        let interpreted = (program.compiled.tiers.map(\.when) + program.compiled.rules.map(\.when)).filter { $0.compiled == nil }
        #expect(interpreted.map(\.subject) == ["rule list-of-fields"])
        for (_, request) in try Self.exampleRequests() {
            Self.expectSame(policy, request, now: Self.now, "condition policy")
        }
    }

    @Test("a policy with more roles than the role mask holds is decided by the interpreter, the same")
    func manyRoles() throws {
        let roles = (0..<70).map { "  r\($0): [user\($0)@hospital.example]" }.joined(separator: "\n")
        let text = """
            charter: 1
            kind: policy
            name: many-roles
            roles:
            \(roles)
              data_steward: [carol@hospital.example]
            purposes: [model-prototyping]
            tiers:
              - name: all
                when: has_approval("r69") or true
                controls:
                  approvals: { all_of: [data_steward], any_of: [r1, r2, r69], quorum: 2 }
            """
        let policy = try DecisionTests.policy(text)
        #expect(!DecisionProgram(policy: policy).isCompiled)
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        Self.expectSame(policy, request, now: Self.now, "many roles")
    }

    @Test("a lowered request decides the same as the request")
    func lowered() throws {
        let policy = try DecisionTests.referencePolicy()
        let program = DecisionProgram(policy: policy)
        for (file, request) in try Self.exampleRequests() {
            let lowered = LoweredRequest(request)
            #expect(program.decide(lowered, now: Self.now) == program.decide(request, now: Self.now), "\(file)")
            #expect(
                program.decide(lowered, now: Self.now, tracing: true).json
                    == DecisionEvaluator(policy: policy).decide(request, now: Self.now, tracing: true).json, "\(file)")
        }
    }

    // MARK: - Inputs

    static let digests = ["sha256:" + String(repeating: "a", count: 64), "sha256:" + String(repeating: "b", count: 64)]

    /// A policy whose conditions use every operator and function, lists of every kind, optional
    /// fields (missing ones make the interpreter's error the answer) and one condition that
    /// compiles only in part (a list built from fields).
    static let conditionPolicy = """
        charter: 1
        kind: policy
        name: conditions
        roles:
          data_steward: [carol@hospital.example, erin@hospital.example]
          privacy_officer: [bob@hospital.example]
          legal: [dan@hospital.example]
        purposes: [model-prototyping, software-testing, analytics, education, clinical-research, public-release]
        tiers:
          - name: approved
            when: has_approval("privacy_officer") and not (request.audience == "public")
            controls:
              approvals: { any_of: [data_steward, legal, privacy_officer], quorum: 2 }
              expiry: { max: 30d }
          - name: dated
            when: days_until(request.expires_at) > 100 and len(request.consumers) >= 1
            controls:
              differential_privacy: { required: true, epsilon_max: 2.5, delta_max: 1.0e-6 }
              generators: [dp-copula]
              access: { audiences: [internal], consumers: [oncology-ml] }
          - name: rows
            when: source.rows >= 500 or output.rows < 100 or generator.epsilon <= 0.5
            controls:
              approvals: { all_of: [legal], any_of: [data_steward] }
          - name: rest
            when: request.ticket != "GOV-0" or true
            controls:
              access: { audiences: [internal, partner] }
        rules:
          - id: quasi-identifiers
            enforcement: advisory
            when: '"age" in source.quasi_identifiers and "zip" not in source.quasi_identifiers'
            warn: age without zip
          - id: lists
            enforcement: advisory
            when: source.exclude == [] and request.consumers != ["a", "b"]
            warn: lists compared
          - id: list-of-fields
            enforcement: advisory
            when: request.jurisdiction in [source.jurisdiction, "EU"]
            warn: where it goes
          - id: privacy-unit
            enforcement: soft-mandatory
            override_by: privacy_officer
            when: source.privacy_unit == "patient" and source.target != "cens"
            deny: the target is not the label
          - id: classification
            enforcement: advisory
            when: source.classification not in ["public", "internal"] and len(request.id) > 5
            require: { approvals: [legal, data_steward] }
          - id: dates
            enforcement: hard-mandatory
            when: request.expires_at < 2027-06-01 and request.high_risk_ai == false
            require:
              approvals: [data_steward]
              differential_privacy: { epsilon_max: 1.0 }
              expiry: { max: 60d }
          - id: sensitive
            enforcement: soft-mandatory
            override_by: legal
            when: len(source.sensitive) > 0 or source.dataset == request.requester
            deny: sensitive columns
        """

    /// Changes one thing in a request, chosen at random among changes that reach the policy's
    /// branches: every field a condition or control reads, and approvals of every verdict.
    static func mutate(_ request: inout GenerationRequest, _ random: inout SplitMix64) {
        let at = request.location
        func located<T>(_ value: T) -> Located<T> { Located(value, at: at) }
        func pick<T>(_ values: [T]) -> T { values[random.next(values.count)] }
        func decimal(_ text: String) -> Located<Decimal> {
            Located(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!, at: at, source: text)
        }
        switch random.next(16) {
        case 0: request.purpose = located(pick(["model-prototyping", "clinical-research", "marketing", "analytics"]))
        case 1: request.audience = located(pick(["internal", "partner", "public"]))
        case 2:
            request.consumers = pick([nil, located([]), located([located("oncology-ml")]), located([located("x")])])
        case 3: request.jurisdiction = pick([nil, located("EU"), located("US")])
        case 4: request.highRiskAI = pick([nil, located(true), located(false)])
        case 5: request.source.classification = located(pick(["phi", "pii", "internal", "public"]))
        case 6: request.source.rows = pick([nil, located(50), located(199), located(200), located(686), located(5000)])
        case 7: request.generator.type = located(pick(["dp-copula", "gaussian-copula", "external"]))
        case 8: request.generator.epsilon = pick([nil, decimal("0.5"), decimal("1.0"), decimal("3.0"), decimal("11")])
        case 9: request.generator.delta = pick([nil, decimal("1.0e-6"), decimal("1e-5"), decimal("0.001")])
        case 10:
            request.expiresAt = pick([
                nil, located(CalendarDate(year: 2026, month: 11, day: 1)!),
                located(CalendarDate(year: 2027, month: 2, day: 20)!),
                located(CalendarDate(year: 2028, month: 1, day: 1)!),
            ])
        case 11: request.source.jurisdiction = pick([nil, located("EU"), located("US")])
        case 12:
            request.source.quasiIdentifiers = pick([
                nil, located([]), located([located("age")]), located([located("age"), located("zip")]),
            ])
        case 13:
            request.source.sensitive = pick([nil, located([located("tgrade")])])
            request.source.target = pick([nil, located("cens")])
            request.source.privacyUnit = pick([nil, located("patient")])
        case 14: request.ticket = pick([nil, located("GOV-0"), located("GOV-1")])
        default:
            let approvals = (0..<random.next(4)).map { _ in approval(&random, at: at) }
            request.approvals = random.next(2) == 0 ? approvals : request.approvals + approvals
        }
    }

    static func approval(_ random: inout SplitMix64, at: CharterCore.SourceLocation) -> GenerationRequest.Approval {
        func pick<T>(_ values: [T]) -> T { values[random.next(values.count)] }
        return GenerationRequest.Approval(
            role: Located(pick(["data_steward", "privacy_officer", "legal", "risk_committee", "auditor"]), at: at),
            by: Located(
                pick([
                    "carol@hospital.example", "bob@hospital.example", "dan@hospital.example",
                    "alice@hospital.example", "group:risk-committee", "mallory@hospital.example", "Carol+x@hospital.example.",
                ]), at: at),
            at: Located(
                pick([CalendarDate(year: 2026, month: 11, day: 20)!, CalendarDate(year: 2026, month: 12, day: 24)!]),
                at: at),
            plan: pick([nil, Located(digests[0], at: at), Located(digests[1], at: at)]),
            override: pick([nil, nil, Located("tiny-source", at: at), Located("privacy-unit", at: at), Located("sensitive", at: at)]),
            signature: nil, location: at)
    }
}

/// The integer form of compiled numbers orders exactly as `Decimal` does.
@Suite("compiled numbers")
struct ProgramNumberTests {
    @Test("ordering agrees with Decimal on seeded numbers of every scale, sign and size")
    func agreesWithDecimal() throws {
        var random = SplitMix64(seed: 0xDEC1_3A15)
        let texts = [
            "0", "0.0", "1", "1.0", "1.00", "10", "10.0", "1e-5", "0.00001", "1.0e-6", "0.000001", "5", "5.0", "686",
            "200", "1000", "-3", "-3.0", "-0.5", "123456789012345678", "999999999999999999", "-999999999999999999",
            "1e20", "1e-30", "-1e40", "9e120", "-7e-120", "1.0e-6", "1E5", "+2.50", "-1.5e+3", "2.5E-0", "0e7", "-0e-7", "12.5e-12",
        ]
        // Numbers as written (the integer form read from the text) and as computed (from the value).
        var written: [(Decimal, ProgramNumber)] = []
        for text in texts {
            let decimal = try #require(Decimal.exact(text), "\(text)")
            let number = try #require(ProgramNumber(decimal, text: text), "\(text)")
            written.append((decimal, number))
        }
        for (a, x) in written {
            for (b, y) in written {
                let expected = a < b ? -1 : (a == b ? 0 : 1)
                #expect(ProgramNumber.order(x, y) == expected, "\(a) vs \(b)")
            }
            if let printed = ProgramNumber(a) { #expect(ProgramNumber.order(x, printed) == 0, "\(a)") }
        }
        // More than 18 digits has no integer form: the interpreter answers.
        #expect(ProgramNumber(Decimal.exact("1234567890123456789012") ?? 0, text: "1234567890123456789012") == nil)
        #expect(ProgramNumber(Decimal.exact("0.1234567890123456789") ?? 0, text: "0.1234567890123456789") == nil)
        var numbers = texts.compactMap { Decimal.exact($0) }
        #expect(numbers.count == texts.count)
        for _ in 0..<300 {
            let mantissa = Int(truncatingIfNeeded: random.next() % 2_000_001) - 1_000_000
            let exponent = random.next(25) - 12
            numbers.append(Decimal(mantissa) * pow(Decimal(10), exponent < 0 ? 0 : exponent) / pow(Decimal(10), exponent < 0 ? -exponent : 0))
        }
        var compared = 0
        for a in numbers {
            for b in numbers {
                guard let x = ProgramNumber(a), let y = ProgramNumber(b) else { continue }
                let expected = a < b ? -1 : (a == b ? 0 : 1)
                #expect(ProgramNumber.order(x, y) == expected, "\(a) vs \(b)")
                compared += 1
            }
        }
        #expect(compared > 300 * 300)
        #expect(ProgramNumber.order(ProgramNumber(686), try #require(ProgramNumber(Decimal(200)))) == 1)
        // The trace shows the value exactly.
        for (decimal, number) in written where abs(number.exponent) < 100 {
            #expect(number.decimal == decimal, "\(decimal)")
        }
    }
}

extension SplitMix64 {
    /// A number in `0..<bound`.
    mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
