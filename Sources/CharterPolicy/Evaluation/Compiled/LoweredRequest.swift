public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A value while a compiled condition runs. Lists are never built: a list is a request field or
/// a run of a condition's constants, read in place.
enum ProgramValue: Sendable {
    case bool(Bool)
    case number(ProgramNumber)
    case string(String)
    case duration(CalendarDuration)
    case date(CalendarDate)
    /// A list-of-strings field of the request, read in place.
    case strings([Located<String>])
    /// Constants `range` of the condition, a list of literals.
    case constantList(Range<Int>)

    init(_ literal: Literal) {
        switch literal {
        case .bool(let value): self = .bool(value)
        case .number(let value): self = .number(ProgramNumber(value))
        case .string(let value): self = .string(value)
        case .duration(let value): self = .duration(value)
        case .date(let value): self = .date(value)
        }
    }
}

/// A request lowered once into a flat array of field values, indexed by field, for
/// ``DecisionProgram``: compiled conditions read a slot, never a name.
///
/// Lowering reads every field a condition may name once (`source.rows` becomes an exact decimal
/// once, not once per comparison; an optional list the request leaves out becomes the empty
/// list); the request itself is kept for the approvals and the locations a decision points at.
public struct LoweredRequest: Sendable {
    /// The request lowered.
    public let request: GenerationRequest
    /// What lowering made.
    let values: LoweredValues

    /// Lowers a request.
    /// - Complexity: O(number of fields); one allocation.
    public init(_ request: GenerationRequest) {
        self.request = request
        values = LoweredValues(request)
    }
}

/// A request's field values, flat, as compiled conditions and caps read them.
struct LoweredValues: Sendable {
    /// Field values by ``RequestField/rawValue``; `nil` where the request leaves a field out that
    /// has no default (reading it is an evaluation error).
    let values: ContiguousArray<ProgramValue?>
    /// Whether the request's generator is differentially private by Charter's accounting.
    let isDifferentiallyPrivate: Bool
    /// The generator's ε and δ, for the caps.
    let epsilon: ProgramNumber?
    let delta: ProgramNumber?

    init(_ request: borrowing GenerationRequest) {
        var values = ContiguousArray<ProgramValue?>(repeating: nil, count: RequestField.allCases.count)
        func set(_ field: RequestField, _ value: ProgramValue?) { values[field.rawValue] = value }
        set(.requestID, .string(request.id.value))
        set(.ticket, request.ticket.map { .string($0.value) })
        set(.requester, .string(request.requester.value))
        set(.purpose, .string(request.purpose.value))
        set(.audience, .string(request.audience.value))
        set(.consumers, .strings(request.consumers?.value ?? []))
        set(.jurisdiction, request.jurisdiction.map { .string($0.value) })
        set(.highRiskAI, .bool(request.highRiskAI?.value ?? false))
        set(.expiresAt, request.expiresAt.map { .date($0.value) })
        set(.sourceDataset, .string(request.source.dataset.value))
        set(.sourceClassification, .string(request.source.classification.value))
        set(.sourceJurisdiction, request.source.jurisdiction.map { .string($0.value) })
        set(.sourcePrivacyUnit, request.source.privacyUnit.map { .string($0.value) })
        set(.sourceRows, request.source.rows.map { .number(ProgramNumber($0.value)) })
        set(.sourceTarget, request.source.target.map { .string($0.value) })
        set(.sourceQuasiIdentifiers, .strings(request.source.quasiIdentifiers?.value ?? []))
        set(.sourceSensitive, .strings(request.source.sensitive?.value ?? []))
        set(.sourceProtected, .strings(request.source.protected?.value ?? []))
        set(.sourceExclude, .strings(request.source.exclude?.value ?? []))
        set(.generatorType, .string(request.generator.type.value))
        epsilon = request.generator.epsilon.map { ProgramNumber($0) }
        delta = request.generator.delta.map { ProgramNumber($0) }
        set(.generatorEpsilon, epsilon.map(ProgramValue.number))
        set(.generatorDelta, delta.map(ProgramValue.number))
        set(.outputRows, .number(ProgramNumber(request.output.rows.value)))
        self.values = values
        isDifferentiallyPrivate = Self.privateGenerators.contains(request.generator.type.value)
    }

    /// ``RequestSchema/differentiallyPrivateGenerators`` as a list: compared, never hashed.
    private static let privateGenerators = RequestSchema.differentiallyPrivateGenerators.sorted()
}
