public import CharterCore
public import CharterPolicy
public import CharterTrust
import Foundation

/// `approve`: one approval of one request, as its statement, signed, verified against the
/// policy's allowed signers exactly as decisions verify it, and written as the YAML entry the
/// request's `approvals:` list takes.
public struct Approving: Sendable {
    /// Why no approval could be made: located diagnostics and the texts they point into.
    public struct Failure: Error, Sendable {
        public var diagnostics: [Diagnostic]
        public var sources: [String: String] = [:]
    }

    /// The request approved.
    public let request: GenerationRequest
    /// The policy's identities.
    public let identities: ApprovalIdentities
    /// The approver, canonical.
    public let signer: Identity
    /// The role approved in.
    public let role: String
    /// The plan digest approved; `nil` for an approval bound to no plan (it counts for `check`,
    /// never for `plan`, `apply` or `run`).
    public let plan: String?
    /// The approval's date.
    public let date: CalendarDate
    /// The soft-mandatory rule overridden, if any.
    public let override: String?
    /// The request file's text.
    public let requestText: String

    /// The text the approver signs.
    public var statement: String {
        ApprovalStatement.text(request: request, plan: plan, role: role, signer: signer, at: date, override: override)
    }

    /// Reads the request and the policy's identities.
    ///
    /// - Parameters:
    ///   - signer: who approves, as written; `nil` to take the one person `key` may sign for in
    ///     the policy's allowed signers.
    ///   - key: the key that will sign, to find the signer by; `nil` when `signer` is given.
    public init(
        requestFile: String, policyPath: String, role: String, signer: String?, key: SSHPublicKey?, plan: String?,
        on date: CalendarDate, override: String?, store: any InputStore
    ) throws(Failure) {
        let selection = PolicySelection(path: policyPath, in: store)
        guard let policy = selection.policy, selection.diagnostics.isEmpty else {
            throw Failure(diagnostics: selection.diagnostics, sources: selection.sources)
        }
        let bytes: [UInt8]
        switch store.read(requestFile) {
        case .failure(let error): throw Failure(diagnostics: [error.diagnostic], sources: selection.sources)
        case .success(let read): bytes = read
        }
        requestText = String(decoding: bytes, as: UTF8.self)
        let sources = selection.sources.merging([requestFile: requestText]) { first, _ in first }
        let loaded = RequestLoader().load(file: requestFile, bytes: bytes)
        guard !loaded.diagnostics.contains(where: { $0.severity == .error }), loaded.requests.count == 1,
            let request = loaded.requests.first
        else {
            var diagnostics = loaded.diagnostics.filter { $0.severity == .error }
            if diagnostics.isEmpty {
                diagnostics.append(
                    .error(.unreadableInput, "\"\(requestFile)\" must hold exactly one request to approve", at: .file(requestFile)))
            }
            throw Failure(diagnostics: diagnostics, sources: sources)
        }
        func fail(_ message: String, help: String? = nil) -> Failure {
            Failure(diagnostics: [.error(.approvalRefused, message, at: nil, help: help)], sources: sources)
        }
        guard policy.role(named: role) != nil else {
            throw fail(
                "the policy has no role '\(role)'", help: "roles: \(policy.roles.map(\.name.value).joined(separator: ", "))")
        }
        if let plan, !(plan.hasPrefix("sha256:") && plan.count == 71
            && plan.dropFirst(7).allSatisfy({ $0.isHexDigit && !$0.isUppercase }))
        {
            throw fail("--plan must be a plan digest, sha256: and 64 lowercase hex digits", help: "charter plan REQUEST prints it")
        }
        if let signer {
            do {
                self.signer = try Identity(signer)
            } catch {
                throw fail("--by '\(signer)' \(error.message)")
            }
        } else if let key, let signers = selection.identities.allowedSigners {
            let people = Set(signers.entries.filter { $0.key == key }.flatMap(\.principals)).sorted()
            guard people.count == 1, let person = people.first else {
                throw fail(
                    people.isEmpty
                        ? "key \(key.fingerprint) is in none of the policy's allowed signers"
                        : "key \(key.fingerprint) signs for \(people.map(\.canonical).joined(separator: ", ")): say which with --by",
                    help: "the policy's allowed-signers file lists who may sign with which key")
            }
            self.signer = person
        } else {
            throw fail("say who approves with --by", help: "the policy names no allowed signers to find them by")
        }
        self.request = request
        identities = selection.identities
        self.role = role
        self.plan = plan
        self.date = date
        self.override = override
    }

    /// The approval signed by `signature` (armoured SSHSIG), checked as a decision checks it.
    /// - Returns: the YAML entry for the request's `approvals:` list.
    /// - Throws: ``Failure`` saying why the signature would not count.
    public func approval(signature: String) throws(Failure) -> String {
        let location = SourceLocation.file(request.location.file)
        let approval = GenerationRequest.Approval(
            role: Located(role, at: location), by: Located(signer.canonical, at: location), at: Located(date, at: location),
            plan: plan.map { Located($0, at: location) }, override: override.map { Located($0, at: location) },
            signature: Located(signature, at: location), location: location)
        if identities.allowedSigners != nil,
            let problem = identities.problem(with: approval, signer: signer, of: request, now: date)
        {
            throw Failure(
                diagnostics: [.error(.approvalRefused, "the approval would not count: \(problem)", at: nil)],
                sources: [:])
        }
        var lines = ["  - role: \(role)", "    by: \(signer.canonical)", "    at: \(date)"]
        if let plan { lines.append("    plan: \"\(plan)\"") }
        if let override { lines.append("    override: \(override)") }
        lines.append("    signature: |")
        lines += signature.split(whereSeparator: \.isNewline).map { "      \($0.trimmingCharacters(in: .whitespaces))" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The request file's text with `entry` appended to its `approvals:` list (added at the end
    /// when there is none).
    /// - Throws: ``Failure`` when the list is not the file's last top-level key, or is written
    ///   inline with entries, where appending would need to rewrite the file (an empty
    ///   `approvals: []` becomes a block list).
    public func appending(_ entry: String) throws(Failure) -> String {
        var lines = requestText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        let isTopLevel = { (line: String) in
            !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("#") && !line.hasPrefix("-")
        }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("approvals:") }) else {
            return (lines + ["approvals:"]).joined(separator: "\n") + "\n" + entry
        }
        let fail = { (message: String) in
            Failure(
                diagnostics: [
                    .error(.approvalRefused, message, at: nil, help: "paste the printed entry under `approvals:` yourself")
                ], sources: [:])
        }
        // An empty inline list (`approvals: []`, comments aside) becomes a block list.
        let written = lines[start].split(separator: "#", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces)
        if written == "approvals: []" { lines[start] = "approvals:" }
        guard lines[start].trimmingCharacters(in: .whitespaces) == "approvals:" else {
            throw fail("the request's approvals are written inline; they cannot be appended to")
        }
        guard !lines[(start + 1)...].contains(where: isTopLevel) else {
            throw fail("`approvals:` is not the request's last key")
        }
        guard !lines.contains(where: { $0 == "---" || $0.hasPrefix("--- ") }) else {
            throw fail("the file holds more than one document")
        }
        return lines.joined(separator: "\n") + "\n" + entry
    }
}
