import CharterCore
import CharterRegistry
import CharterWorkflow
import HTTPTypes
import Hummingbird

/// `GET /`: the governance dashboard (``DashboardPage``) over ``GovernanceOverview`` and the run
/// board, served with a strict Content-Security-Policy.
///
/// It is read like every other `GET`: open to anyone on a server without tokens, and on a server
/// with tokens it needs one; each section then shows only when the caller's roles may read the
/// JSON route it summarises (the others say which roles they need). The audit chain's
/// verification is reused while the chain's head is unchanged (``AuditVerificationCache``).
struct Dashboard: Sendable {
    let routes: ServerRoutes
    let verifications = AuditVerificationCache()

    /// Who may read each section: the access of the JSON route it summarises. Pending approvals
    /// are read from the audit chain but show no more than a plan shows, so they need what planning needs.
    static let access: [DashboardPage.Section: Access] = [
        .budgets: .budgets, .approvals: .deciding, .runs: .runReading, .certificates: .anyone, .audit: .audit,
    ]

    /// Adds `GET /` to `router`.
    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try page(request) }
    }

    func page(_ request: Request) throws -> Response {
        let authenticator = routes.authenticator
        let caller = try authenticator.authenticate(request.headers[.authorization], for: .anyone)
        let now = try routes.instant(request).timestamp
        var refused: [DashboardPage.Section: String] = [:]
        if let caller {
            for section in DashboardPage.Section.allCases {
                guard let access = Self.access[section] else { continue }
                do {
                    try authenticator.permit(caller, access)
                } catch {
                    refused[section] = error.message
                }
            }
        }
        var overview: GovernanceOverview?
        var problem: String?
        do {
            let store = try routes.readRegistry()
            overview = try routes.reading { () throws(RegistryError) in
                try GovernanceOverview(store: store, at: now, verifications: verifications)
            }
        } catch {
            problem = error.message
        }
        var runs = routes.board.inProgress
        if let caller, caller.roles.isDisjoint(with: [.engineer, .admin, .auditor]) {
            // As `GET /v1/runs/{id}`: a requester sees only its own runs.
            runs = runs.filter { $0.actor == caller.identity }
        }
        let page = DashboardPage(
            asOf: now, overview: overview, registryProblem: problem, runs: runs, refused: refused,
            readOnly: routes.configuration.tokens == nil)
        var response = Reply.text(
            page.render(), type: "text/html; charset=utf-8", status: overview == nil ? .serviceUnavailable : .ok)
        response.headers[.contentSecurityPolicy] = DashboardPage.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

extension HTTPField.Name {
    fileprivate static let referrerPolicy: Self = {
        guard let field = Self("Referrer-Policy") else { preconditionFailure("Referrer-Policy is a valid field name") }
        return field
    }()
}
