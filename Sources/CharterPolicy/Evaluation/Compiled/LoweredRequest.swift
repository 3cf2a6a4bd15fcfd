internal import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A value while a compiled condition runs: plain bits, so that copying one retains nothing.
/// Strings and lists are never copied out of where they live: a string is a constant of the
/// condition or a field of the request, a list is a request field or a run of constants, each
/// read in place when a comparison needs it.
enum ProgramValue: Sendable {
    case bool(Bool)
    case number(ProgramNumber)
    case string(ProgramString)
    case duration(CalendarDuration)
    case date(CalendarDate)
    /// A list-of-strings field of the request.
    case strings(RequestField)
    /// Constants `range` of the condition, a list of literals.
    case constantList(Range<Int>)
}

/// Where a string value lives.
enum ProgramString: Sendable, Equatable {
    /// String constant `i` of the condition.
    case constant(Int)
    /// A string field of the request (one the request gives).
    case field(RequestField)
    /// Item `i` of a list field of the request.
    case item(RequestField, Int)
}

/// A request with what a decision reads from it more than once made once, for
/// ``DecisionProgram``: the generator's ε and δ as integer forms (read from their text) and
/// whether the generator is differentially private. Condition fields are read from the request
/// in place, when a condition reads them.
public struct LoweredRequest: Sendable {
    /// The request lowered.
    public let request: GenerationRequest
    /// What lowering made.
    let values: LoweredValues

    /// Lowers a request.
    /// - Complexity: O(1); no allocation.
    public init(_ request: GenerationRequest) {
        self.request = request
        values = LoweredValues(request)
    }
}

/// What the ε and δ caps read of a request, made once.
struct LoweredValues: Sendable {
    /// Whether the request's generator is differentially private by Charter's accounting.
    let isDifferentiallyPrivate: Bool
    /// The generator's ε and δ in integer form; `nil` when the request states none or the
    /// number has no integer form (then the caps compare the `Decimal`s).
    let epsilon: ProgramNumber?
    let delta: ProgramNumber?

    init(_ request: borrowing GenerationRequest) {
        epsilon = request.generator.epsilon.flatMap { ProgramNumber($0) }
        delta = request.generator.delta.flatMap { ProgramNumber($0) }
        isDifferentiallyPrivate = Self.privateGenerators.contains(request.generator.type.value)
    }

    /// ``RequestSchema/differentiallyPrivateGenerators`` as a list: compared, never hashed.
    private static let privateGenerators = RequestSchema.differentiallyPrivateGenerators.sorted()
}
