import CharterCore
import CharterData
import CharterStats
import Foundation
import CharterTestSupport
import Testing

/// |actual − expected| ≤ tolerance, with `nil` (JSON null) matching only `nil`.
func expectClose(
    _ actual: Double?, _ expected: JSONValue?, absolute tolerance: Double, _ what: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    switch (actual, expected) {
    case (nil, .some(.null)), (nil, nil):
        return
    case (let a?, let e?) where e.doubleValue != nil:
        let expectedValue = e.doubleValue ?? .nan
        #expect(
            abs(a - expectedValue) <= tolerance, "\(what): \(a) vs \(expectedValue)", sourceLocation: sourceLocation)
    default:
        Issue.record(
            "\(what): \(String(describing: actual)) vs \(String(describing: expected))", sourceLocation: sourceLocation)
    }
}

/// Relative comparison for p-values: |a − e| ≤ tolerance·|e| (exact zero must be zero).
func expectRelative(
    _ actual: Double?, _ expected: JSONValue?, relative tolerance: Double, _ what: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    guard let a = actual, let e = expected?.doubleValue else {
        Issue.record(
            "\(what): \(String(describing: actual)) vs \(String(describing: expected))", sourceLocation: sourceLocation)
        return
    }
    #expect(abs(a - e) <= tolerance * abs(e), "\(what): \(a) vs \(e)", sourceLocation: sourceLocation)
}
