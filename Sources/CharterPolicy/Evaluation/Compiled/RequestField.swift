internal import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A request field a condition may read (``RequestSchema``'s paths), resolved once when a
/// policy is compiled so that evaluation never matches field names.
enum RequestField: Int, Sendable, CaseIterable {
    case requestID, ticket, requester, purpose, audience, consumers, jurisdiction, highRiskAI, expiresAt
    case sourceDataset, sourceClassification, sourceJurisdiction, sourcePrivacyUnit, sourceRows, sourceTarget
    case sourceQuasiIdentifiers, sourceSensitive, sourceProtected, sourceExclude
    case generatorType, generatorEpsilon, generatorDelta, outputRows

    /// The field a path names, or `nil` when the schema has no such field.
    init?(path: [String]) {
        guard path.count == 2 else { return nil }
        switch (path[0], path[1]) {
        case ("request", "id"): self = .requestID
        case ("request", "ticket"): self = .ticket
        case ("request", "requester"): self = .requester
        case ("request", "purpose"): self = .purpose
        case ("request", "audience"): self = .audience
        case ("request", "consumers"): self = .consumers
        case ("request", "jurisdiction"): self = .jurisdiction
        case ("request", "high_risk_ai"): self = .highRiskAI
        case ("request", "expires_at"): self = .expiresAt
        case ("source", "dataset"): self = .sourceDataset
        case ("source", "classification"): self = .sourceClassification
        case ("source", "jurisdiction"): self = .sourceJurisdiction
        case ("source", "privacy_unit"): self = .sourcePrivacyUnit
        case ("source", "rows"): self = .sourceRows
        case ("source", "target"): self = .sourceTarget
        case ("source", "quasi_identifiers"): self = .sourceQuasiIdentifiers
        case ("source", "sensitive"): self = .sourceSensitive
        case ("source", "protected"): self = .sourceProtected
        case ("source", "exclude"): self = .sourceExclude
        case ("generator", "type"): self = .generatorType
        case ("generator", "epsilon"): self = .generatorEpsilon
        case ("generator", "delta"): self = .generatorDelta
        case ("output", "rows"): self = .outputRows
        default: return nil
        }
    }
}

extension GenerationRequest {
    /// Where the request writes a field, if it does.
    func location(of field: RequestField) -> SourceLocation? {
        switch field {
        case .requestID: id.location
        case .ticket: ticket?.location
        case .requester: requester.location
        case .purpose: purpose.location
        case .audience: audience.location
        case .consumers: consumers?.location
        case .jurisdiction: jurisdiction?.location
        case .highRiskAI: highRiskAI?.location
        case .expiresAt: expiresAt?.location
        case .sourceDataset: source.dataset.location
        case .sourceClassification: source.classification.location
        case .sourceJurisdiction: source.jurisdiction?.location
        case .sourcePrivacyUnit: source.privacyUnit?.location
        case .sourceRows: source.rows?.location
        case .sourceTarget: source.target?.location
        case .sourceQuasiIdentifiers: source.quasiIdentifiers?.location ?? source.location
        case .sourceSensitive: source.sensitive?.location
        case .sourceProtected: source.protected?.location
        case .sourceExclude: source.exclude?.location
        case .generatorType: generator.type.location
        case .generatorEpsilon: generator.epsilon?.location
        case .generatorDelta: generator.delta?.location
        case .outputRows: output.rows.location
        }
    }

    /// The strings of a list field; an optional list the request leaves out is empty.
    func strings(of field: RequestField) -> [Located<String>] {
        switch field {
        case .consumers: consumers?.value ?? []
        case .sourceQuasiIdentifiers: source.quasiIdentifiers?.value ?? []
        case .sourceSensitive: source.sensitive?.value ?? []
        case .sourceProtected: source.protected?.value ?? []
        case .sourceExclude: source.exclude?.value ?? []
        default: []
        }
    }
}

extension GenerationRequest {
    /// A field's value as a condition sees it (``RequestSchema``): an optional boolean the request
    /// leaves out is `false` and an optional list is empty; `nil` when the request leaves out any
    /// other field.
    func conditionValue(of field: RequestField) -> ConditionValue? {
        switch field {
        case .consumers, .sourceQuasiIdentifiers, .sourceSensitive, .sourceProtected, .sourceExclude:
            .list(strings(of: field).map { .string($0.value) })
        case .highRiskAI: .bool(highRiskAI?.value ?? false)
        case .expiresAt: expiresAt.map { .date($0.value) }
        case .sourceRows: source.rows.map { .number(Decimal($0.value)) }
        case .generatorEpsilon: generator.epsilon.map { .number($0.value) }
        case .generatorDelta: generator.delta.map { .number($0.value) }
        case .outputRows: .number(Decimal(output.rows.value))
        default: string(of: field).map { .string($0) }
        }
    }

    /// The value of a string field; `nil` when the request leaves it out, or for a field that is
    /// not a string.
    @inline(__always)
    func string(of field: RequestField) -> String? {
        switch field {
        case .requestID: id.value
        case .ticket: ticket?.value
        case .requester: requester.value
        case .purpose: purpose.value
        case .audience: audience.value
        case .jurisdiction: jurisdiction?.value
        case .sourceDataset: source.dataset.value
        case .sourceClassification: source.classification.value
        case .sourceJurisdiction: source.jurisdiction?.value
        case .sourcePrivacyUnit: source.privacyUnit?.value
        case .sourceTarget: source.target?.value
        case .generatorType: generator.type.value
        default: nil
        }
    }

    /// Whether string field `field` is given and equals `text` (as ``string(of:)`` would read it),
    /// compared where the request holds it.
    @inline(__always)
    func string(of field: RequestField, equals text: String) -> Bool {
        switch field {
        case .requestID: id.value == text
        case .ticket: ticket?.value == text
        case .requester: requester.value == text
        case .purpose: purpose.value == text
        case .audience: audience.value == text
        case .jurisdiction: jurisdiction?.value == text
        case .sourceDataset: source.dataset.value == text
        case .sourceClassification: source.classification.value == text
        case .sourceJurisdiction: source.jurisdiction?.value == text
        case .sourcePrivacyUnit: source.privacyUnit?.value == text
        case .sourceTarget: source.target?.value == text
        case .generatorType: generator.type.value == text
        default: false
        }
    }
}
