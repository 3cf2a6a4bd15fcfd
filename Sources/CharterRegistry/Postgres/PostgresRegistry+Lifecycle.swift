public import CharterCore

extension PostgresRegistry {
    public func recordLifecycle(
        certificate id: String, actor: String, at now: Timestamp,
        _ decide: (LifecycleContext) throws(RegistryError) -> LifecycleEntry?
    ) throws(RegistryError) -> (context: LifecycleContext, event: LifecycleEvent?) {
        try RegistryName.check(actor, "actor")
        return try change(at: now) { change, now in
            let rows = RegistryChangeLifecycleRows(change)
            defer { change = rows.change }
            return try LifecycleRules.record(rows, certificate: id, actor: actor, at: now, decide)
        }
    }

    public func lifecycleEvents(certificate: String?) throws(RegistryError) -> [LifecycleEvent] {
        try snapshot { try RegistryChangeLifecycleRows($0).lifecycleEvents(certificate: certificate) }
    }

    public func respondToIncident(
        _ scope: IncidentScope, reason: String, replacement: String?, actor: String, at now: Timestamp
    ) throws(RegistryError) -> IncidentOutcome {
        try RegistryName.check(reason, "reason")
        try RegistryName.check(actor, "actor")
        return try change(at: now) { change, now in
            let rows = RegistryChangeLifecycleRows(change)
            defer { change = rows.change }
            return try LifecycleRules.respond(
                rows, scope, reason: reason, replacement: replacement, actor: actor, at: now)
        }
    }
}
