/// Durations as policies and the command line write them: a whole number and a unit, `30d`,
/// `12h`, `15m`, `45s` or `2w`.
public enum DurationText {
    /// Parses `<digits><unit>` with unit `w`, `d`, `h`, `m` or `s`; `nil` for anything else,
    /// including signs, fractions, empty numbers and values past a thousand years.
    public static func parse(_ text: String) -> Duration? {
        guard let unit = text.last, text.count >= 2 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else { return nil }
        let seconds: Int64
        switch unit {
        case "w": seconds = 604_800
        case "d": seconds = 86_400
        case "h": seconds = 3_600
        case "m": seconds = 60
        case "s": seconds = 1
        default: return nil
        }
        guard value <= 366_000 * 86_400 / seconds else { return nil }
        return .seconds(value * seconds)
    }

    /// The shortest exact form of a whole number of seconds (`30d`, `90m`, `45s`).
    public static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds != 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
