/// Numbers as the profile's text and HTML show them: integers as integers, others to four
/// significant digits, shares as percentages with one decimal. Deterministic, locale-free.
package enum ProfileNumber {
    /// `70`, `0.1234`, `1235`, `1.5e+06` (four significant digits; integers in full up to 10¹⁵).
    package static func format(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-4 {
            let exponent = Int(log10(magnitude).rounded(.down))
            let mantissa = (value / pow10(exponent) * 1000).rounded() / 1000
            return "\(trim(mantissa))e\(exponent >= 0 ? "+" : "")\(exponent)"
        }
        let digits = max(0, 3 - Int(log10(magnitude).rounded(.down)))
        let scale = pow10(digits)
        return trim((value * scale).rounded() / scale)
    }

    /// `12.5%`.
    package static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded() / 10
        return "\(tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths))%"
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent >= 0 ? result : 1 / result
    }

    private static func log10(_ value: Double) -> Double {
        var exponent = 0.0
        var v = value
        while v >= 10 {
            v /= 10
            exponent += 1
        }
        while v < 1 {
            v *= 10
            exponent -= 1
        }
        return exponent
    }

    private static func trim(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
