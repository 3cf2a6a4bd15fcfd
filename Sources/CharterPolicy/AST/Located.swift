public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A value with the place in the file where it was written. Equality and hashing ignore the
/// place, so two policies that say the same thing compare equal wherever they say it.
public struct Located<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// Where it was written.
    public var location: SourceLocation
    /// The scalar as written, where the value alone loses it (a number's `3.0` or `1.0e-6`);
    /// `nil` otherwise. Equality and hashing ignore it too.
    public var source: String?

    /// Pairs a value with its location and, optionally, the text it was written as.
    public init(_ value: Value, at location: SourceLocation, source: String? = nil) {
        self.value = value
        self.location = location
        self.source = source
    }
}

extension Located: Equatable where Value: Equatable {
    public static func == (lhs: Located, rhs: Located) -> Bool { lhs.value == rhs.value }
}

extension Located: Hashable where Value: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

extension Located where Value == Decimal {
    /// The number as the policy or request writes it (`3.0`, `1.0e-6`), for messages and fixes;
    /// the exact value's plain text when it was not read from a file.
    public var text: String { source ?? "\(value)" }
}
