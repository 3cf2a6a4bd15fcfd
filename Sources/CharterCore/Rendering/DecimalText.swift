/// Numbers as fixed-point text for people to read, the same in every locale: what
/// `String(format: "%.4f", value)` gives, without Foundation (whose formatting follows the locale).
package enum DecimalText {
    /// `value` rounded half away from zero to `places` decimals, every place written: `0.8123`,
    /// `5.0000`, `-0.0010`; a value that rounds to zero has no sign. Values too large for 64-bit
    /// fixed point at that precision, and non-finite ones, are written as Swift writes them (`1e+20`,
    /// `nan`, `inf`).
    ///
    /// - Precondition: `places` is 0 through 15.
    package static func fixed(_ value: Double, places: Int = 4) -> String {
        precondition((0...15).contains(places), "decimal places must be 0 through 15")
        var unit: Int64 = 1
        for _ in 0..<places { unit *= 10 }
        let scaled = (abs(value) * Double(unit)).rounded()
        guard scaled < 0x1p63 else { return "\(value)" }  // also false for NaN
        let whole = Int64(scaled / Double(unit))
        let fraction = Int64(scaled) - whole * unit
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard places > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: places - digits.count) + digits
    }
}
