import CharterCore
import CharterRegistry
import CharterWorkflow
import Hummingbird

extension ServerRoutes {
    /// The registry opened read-only, or 503 when there is none yet.
    func readRegistry() throws(APIError) -> any RegistryStore {
        do {
            return try configuration.registry.openForReading()
        } catch {
            throw APIError(status: .serviceUnavailable, message: "the registry cannot be read: \(error)")
        }
    }

    /// `body`'s value, or its registry failure as an answer (``registryError(_:)``).
    func reading<T>(_ body: () throws(RegistryError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            throw registryError(error)
        }
    }

    /// `GET /v1/budgets[/{source}]`: as `charter budget --format json`.
    func budgets(_ request: Request, source: String?) throws -> Response {
        _ = try authorize(request, .budgets)
        let now = try instant(request).timestamp
        let store = try readRegistry()
        let statements = try reading { () throws(RegistryError) -> [BudgetStatement] in
            if let source { return [try store.budget(for: source, at: now)] }
            return try store.budgets(at: now)
        }
        return Reply.json(["as_of": .string(now.description), "sources": .array(statements.map(\.json))])
    }

    /// `GET /v1/certificates`: the catalogue, as `charter catalog list --format json`.
    func certificates(_ request: Request) throws -> Response {
        _ = try authorize(request, .anyone)
        let now = try instant(request).timestamp
        let store = try readRegistry()
        let records = try reading { () throws(RegistryError) in try store.certificates() }
        return Reply.json(["certificates": .array(records.map { $0.json(at: now) })])
    }

    /// `GET /v1/certificates/{id}`.
    func certificate(_ request: Request, id: String?) throws -> Response {
        _ = try authorize(request, .anyone)
        let id = try RequestInput.identifier(id, "the certificate id")
        let now = try instant(request).timestamp
        let store = try readRegistry()
        guard let record = try reading({ () throws(RegistryError) in try store.certificate(id) }) else {
            throw APIError.notFound("no certificate '\(id)'")
        }
        return Reply.json(record.json(at: now))
    }

    /// `POST /v1/certificates:verify`: the certificate's bytes checked against the registry's
    /// trusted keys and catalogue, as `charter cert verify` checks them.
    func verifyCertificate(_ request: Request) async throws -> Response {
        _ = try authorize(request, .anyone)
        let bytes = try await input.body(of: request, as: .bytes)
        let verification = CertificateCheck.verify(bytes, registry: try readRegistry(), instant: try instant(request))
        return Reply.json(verification.json(file: "certificate.json"))
    }

    /// `GET /v1/audit` and `POST /v1/audit:verify`.
    func audit(_ request: Request, verify: Bool) throws -> Response {
        _ = try authorize(request, .audit)
        let store = try readRegistry()
        if verify { return Reply.json(try reading { () throws(RegistryError) in try store.verifyAudit() }.json) }
        let records = try reading { () throws(RegistryError) in try store.auditRecords() }
        return Reply.json(["records": .array(records.map(\.json))])
    }
}
