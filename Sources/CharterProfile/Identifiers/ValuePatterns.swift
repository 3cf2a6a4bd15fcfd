/// Hand-written recognisers for the shapes identifiers take (no `Regex`: these run once per
/// distinct value of every text column, CONVENTIONS 11). Each looks at most ``maximumLength``
/// bytes: a longer value is none of these shapes, so a huge cell costs no more than a short one.
enum ValuePatterns {
    /// The longest value a pattern looks at, in UTF-8 bytes (RFC 5321 caps an address at 254).
    static let maximumLength = 254

    private static func bytes(_ text: String) -> [UInt8]? {
        var result: [UInt8] = []
        for byte in text.utf8 {
            if result.count == maximumLength { return nil }
            result.append(byte)
        }
        return result
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// `local@domain.tld`: one `@`, no spaces, a dot in the domain after at least one character,
    /// a top-level domain of two or more letters.
    static func isEmail(_ text: String) -> Bool {
        guard let bytes = bytes(text), let at = bytes.firstIndex(of: 0x40), at > 0,
            bytes.lastIndex(of: 0x40) == at
        else { return false }
        let domain = bytes[(at + 1)...]
        guard let dot = domain.lastIndex(of: 0x2E), dot > at + 1 else { return false }
        let tld = bytes[(dot + 1)...]
        guard tld.count >= 2, tld.allSatisfy(isLetter) else { return false }
        return !bytes.contains { $0 <= 0x20 || $0 == 0x2C || $0 == 0x3B }
    }

    /// A telephone number: an optional leading `+`, then 7–15 digits in groups separated by spaces,
    /// `-`, `.` or parentheses. `formatted` is whether it had a `+` or a separator between digits.
    static func phone(_ text: String) -> (digits: Int, formatted: Bool)? {
        guard let bytes = bytes(text), !bytes.isEmpty else { return nil }
        var digits = 0
        var formatted = false
        var groups = 0
        var inGroup = false
        for (index, byte) in bytes.enumerated() {
            if isDigit(byte) {
                digits += 1
                if !inGroup { groups += 1 }
                inGroup = true
            } else if byte == 0x2B, index == 0 {
                formatted = true
            } else if byte == 0x20 || byte == 0x2D || byte == 0x2E || byte == 0x28 || byte == 0x29 {
                inGroup = false
            } else {
                return nil
            }
        }
        if groups > 1 { formatted = true }
        guard (7...15).contains(digits), groups <= 6 else { return nil }
        return (digits, formatted)
    }

    /// A calendar date: `YYYY-MM-DD`, `YYYY/MM/DD`, `DD/MM/YYYY`, `MM/DD/YYYY` or `DD.MM.YYYY`,
    /// optionally followed by `T` or a space and a time. Returns the year.
    static func dateYear(_ text: String) -> Int? {
        guard let bytes = bytes(text), bytes.count >= 8 else { return nil }
        var end = bytes.count
        if let t = bytes.firstIndex(where: { $0 == 0x54 || $0 == 0x20 }) { end = t }
        let date = Array(bytes[..<end])
        var fields: [Int] = []
        var widths: [Int] = []
        var separator: UInt8?
        var value = 0
        var width = 0
        for byte in date {
            if isDigit(byte) {
                value = value * 10 + Int(byte - 0x30)
                width += 1
                guard width <= 4 else { return nil }
            } else if byte == 0x2D || byte == 0x2F || byte == 0x2E {
                guard separator == nil || separator == byte, width > 0 else { return nil }
                separator = byte
                fields.append(value)
                widths.append(width)
                value = 0
                width = 0
            } else {
                return nil
            }
        }
        guard width > 0 else { return nil }
        fields.append(value)
        widths.append(width)
        guard fields.count == 3 else { return nil }
        let year: Int
        let month: Int
        let day: Int
        if widths[0] == 4, widths[1] <= 2, widths[2] <= 2 {
            (year, month, day) = (fields[0], fields[1], fields[2])
        } else if widths[2] == 4, widths[0] <= 2, widths[1] <= 2 {
            year = fields[2]
            // Day first unless the first field cannot be a month's day-first reading.
            (day, month) = fields[1] > 12 ? (fields[1], fields[0]) : (fields[0], fields[1])
        } else {
            return nil
        }
        guard (1800...2200).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        return year
    }

    /// A UK postcode (`SW1A 1AA`, `M1 3EY`) or a Canadian one (`K1A 0B1`), any case, one optional space.
    static func isPostcode(_ text: String) -> Bool {
        guard let raw = bytes(text), raw.count <= 8 else { return false }
        let bytes = raw.filter { $0 != 0x20 }
        guard raw.count - bytes.count <= 1, bytes.count >= 5 else { return false }
        let shape = bytes.map { isDigit($0) ? UInt8(ascii: "9") : isLetter($0) ? UInt8(ascii: "A") : 0 }
        let text = String(decoding: shape, as: UTF8.self)
        let uk: Set<String> = ["A99AA", "A999AA", "AA99AA", "AA999AA", "A9A9AA", "AA9A9AA"]
        return uk.contains(text) || text == "A9A9A9"
    }

    /// A US ZIP (`02139`, `02139-4307`): five digits, optionally a dash and four more.
    static func isZIP(_ text: String) -> Bool {
        guard let bytes = bytes(text) else { return false }
        if bytes.count == 5 { return bytes.allSatisfy(isDigit) }
        if bytes.count == 10 {
            return bytes[5] == 0x2D && bytes[..<5].allSatisfy(isDigit) && bytes[6...].allSatisfy(isDigit)
        }
        return false
    }

    /// SSN-like `ddd-dd-dddd`, or UK NINO-like two letters, six digits and a letter A–D (spaces allowed).
    static func isNationalID(_ text: String) -> Bool {
        guard let raw = bytes(text) else { return false }
        if raw.count == 11, raw[3] == 0x2D, raw[6] == 0x2D {
            return raw.enumerated().allSatisfy { $0.offset == 3 || $0.offset == 6 || isDigit($0.element) }
        }
        let bytes = raw.filter { $0 != 0x20 }
        guard bytes.count == 9 else { return false }
        let suffix = bytes[8] | 0x20
        return isLetter(bytes[0]) && isLetter(bytes[1]) && bytes[2..<8].allSatisfy(isDigit)
            && suffix >= 0x61 && suffix <= 0x64
    }

    /// A letter-prefixed record code: one to four letters, an optional `-`, then 5–10 digits (`MRN0012345`).
    static func isRecordCode(_ text: String) -> Bool {
        guard let bytes = bytes(text) else { return false }
        var index = 0
        while index < bytes.count, isLetter(bytes[index]) { index += 1 }
        guard (1...4).contains(index) else { return false }
        if index < bytes.count, bytes[index] == 0x2D { index += 1 }
        let digits = bytes.count - index
        return (5...10).contains(digits) && bytes[index...].allSatisfy(isDigit)
    }

    /// One to four words of letters (an apostrophe or hyphen inside), as names are written.
    static func nameWords(_ text: String) -> [Substring]? {
        guard text.utf8.count <= 80 else { return nil }
        let words = text.split(separator: " ")
        guard (1...4).contains(words.count) else { return nil }
        for word in words {
            guard let first = word.first, first.isLetter,
                word.allSatisfy({ $0.isLetter || $0 == "'" || $0 == "-" || $0 == "." })
            else { return nil }
        }
        return words
    }

    /// A text code: no spaces, at most 64 bytes, at least one digit and one letter or separator.
    static func isCode(_ text: String) -> Bool {
        guard let bytes = bytes(text), bytes.count <= 64, bytes.count >= 4, !bytes.contains(0x20) else { return false }
        return bytes.contains(where: isDigit) && bytes.contains { !isDigit($0) }
    }

    /// The number of space-separated words, counting at most 1,000.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
                if count == 1000 { return count }
            }
        }
        return count
    }

    /// Common given names (a short list, enough to recognise a column of names without a telling header).
    static let givenNames: Set<String> = [
        "james", "john", "robert", "michael", "william", "david", "richard", "joseph", "thomas", "charles", "mary",
        "patricia", "jennifer", "linda", "elizabeth", "barbara", "susan", "jessica", "sarah", "karen", "anna",
        "maria", "sofia", "laura", "julia", "emma", "hannah", "lea", "katharina", "ingrid", "petra", "monika",
        "sabine", "claudia", "ursula", "helga", "renate", "brigitte", "karin", "olivia", "amelia", "isla", "ava",
        "mia", "grace", "chloe", "lucy", "ruth", "margaret", "peter", "paul", "mark", "george", "anne", "jean",
        "pierre", "marie", "hans", "klaus", "jan", "piet", "lars", "erik", "ahmed", "mohammed", "ali", "fatima",
        "wei", "li", "yuki", "hiroshi", "carlos", "jose", "juan", "ana", "lucia", "giulia", "marco", "luca",
    ]
}
