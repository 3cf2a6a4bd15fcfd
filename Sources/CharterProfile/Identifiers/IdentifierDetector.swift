public import CharterData

/// Flags columns that directly identify a person, with the evidence.
///
/// Rules, tried in this order; the first that fires names the kind. "Share" is the share of
/// present rows whose value has the shape (``matchShare``, 0.8: real columns are messy).
///
/// | kind | fires when |
/// |---|---|
/// | `email` | the share of `local@domain.tld` values reaches 0.8 |
/// | `national_id` | the share of SSN-like or NINO-like values reaches 0.8; or the header names one (`ssn`, `nhs`, `passport`, …) and at least half the values are distinct |
/// | `medical_record_number` | the header names one (`mrn`, `hospital_number`, …) and at least 0.9 of values are distinct; or the share of letter-prefixed codes (`MRN0012345`) reaches 0.8 with 0.9 distinct |
/// | `date_of_birth` | the share of dates reaches 0.8, and the header names a birth (`dob`, `birth_date`); a header naming another event (`diagnosis_date`, `visit`) never fires; any other header fires only when the dates span 30 years or more (a cohort's births, not a study's events) |
/// | `phone` | not dates; the share of 7–15-digit numbers reaches 0.8 and either the header names a phone or the values are written with `+` or separators and at least half are distinct |
/// | `postcode` | the share of UK or Canadian postcodes reaches 0.8; or the header names a postcode or ZIP and the share of ZIP-shaped values (or 3–5-digit integers) reaches 0.8 |
/// | `name` | text; the share of values of one to four words of letters reaches 0.8; and either the header names a person's name (`first_name`, `surname`; not `clinic_name`) or half the values start with a common given name |
/// | `free_text` | text; values average five words or more and at least 0.3 are distinct; or the header names notes or comments and they average three words or more |
/// | `near_unique_identifier` | the header names an identifier (`id`, `subject_id`, `pidnum`) and the values are integers or codes with at least 100 distinct or 0.5 distinct; or text codes (letters and digits, no spaces) with 0.95 distinct |
///
/// Numbers alone never fire without a telling header: a lab value or a measurement is as distinct
/// as a key. Column-level precision and recall on the labelled fixture `Tests/Fixtures/pii` are
/// measured by `IdentifierDetectorTests`.
public struct IdentifierDetector: Sendable {
    /// The share of present values that must have an identifier's shape.
    public static let matchShare = 0.8
    /// The span of years from which undated-by-name dates are read as births.
    public static let birthSpanYears = 30

    /// Creates a detector.
    public init() {}

    /// The finding for `column`, or `nil` when no rule fires.
    /// - Complexity: O(rows + distinct values × ``ValuePatterns/maximumLength``).
    public func detect(_ column: Column) -> DirectIdentifier? {
        detect(name: column.name, sample: ValueSample(column))
    }

    func detect(name: String, sample: ValueSample) -> DirectIdentifier? {
        guard sample.present > 0 else { return nil }
        let hints = ColumnNameHints(name)
        let threshold = Self.matchShare
        let distinct = sample.texts.count
        let uniqueness = sample.uniqueness
        func percent(_ share: Double) -> String { "\(Int((share * 100).rounded(.down)))%" }

        if !sample.isNumeric {
            let email = sample.share(where: ValuePatterns.isEmail)
            if email >= threshold {
                return .init(kind: .email, evidence: "\(percent(email)) of values are e-mail addresses")
            }
            let national = sample.share(where: ValuePatterns.isNationalID)
            if national >= threshold {
                return .init(
                    kind: .nationalID,
                    evidence: "\(percent(national)) of values have an SSN-like or NINO-like national-id shape")
            }
        }
        if hints.has(ColumnNameHints.nationalID), uniqueness >= 0.5, distinct >= 10 {
            return .init(
                kind: .nationalID,
                evidence: "header '\(name)' names a national id; \(percent(uniqueness)) of values distinct")
        }
        if hints.has(ColumnNameHints.medicalRecord), uniqueness >= 0.9, distinct >= 10 {
            return .init(
                kind: .medicalRecordNumber,
                evidence: "header '\(name)' names a record number; \(percent(uniqueness)) of values distinct")
        }
        if !sample.isNumeric {
            let codes = sample.share(where: ValuePatterns.isRecordCode)
            if codes >= threshold, uniqueness >= 0.9 {
                return .init(
                    kind: .medicalRecordNumber,
                    evidence:
                        "\(percent(codes)) of values are letter-prefixed record codes; \(percent(uniqueness)) distinct")
            }
        }
        var years: [Int] = []
        let dates =
            sample.isNumeric
            ? 0
            : sample.share { text in
                guard let year = ValuePatterns.dateYear(text) else { return false }
                years.append(year)
                return true
            }
        if dates >= threshold, let first = years.min(), let last = years.max() {
            let span = last - first
            if hints.has(ColumnNameHints.birth) {
                return .init(
                    kind: .dateOfBirth,
                    evidence:
                        "header '\(name)' names a birth date; \(percent(dates)) of values are dates (\(first)–\(last))")
            }
            if !hints.has(ColumnNameHints.event), span >= Self.birthSpanYears {
                return .init(
                    kind: .dateOfBirth,
                    evidence:
                        "\(percent(dates)) of values are dates spanning \(span) years (\(first)–\(last)): births, not a study's events"
                )
            }
            return nil
        }
        let phoneHeader = hints.has(ColumnNameHints.phone)
        let phoneShare = sample.share { text in
            guard let phone = ValuePatterns.phone(text) else { return false }
            return phoneHeader || phone.formatted
        }
        if phoneShare >= threshold, phoneHeader || (!sample.isNumeric && uniqueness >= 0.5) {
            return .init(
                kind: .phone,
                evidence: "\(percent(phoneShare)) of values are telephone numbers"
                    + (phoneHeader ? " under header '\(name)'" : " written with separators"))
        }
        if !sample.isNumeric {
            let postcodes = sample.share(where: ValuePatterns.isPostcode)
            if postcodes >= threshold {
                return .init(kind: .postcode, evidence: "\(percent(postcodes)) of values are UK or Canadian postcodes")
            }
        }
        if hints.has(ColumnNameHints.postcode) {
            let zips = sample.share { text in
                ValuePatterns.isZIP(text) || (sample.isNumeric && sample.allIntegers && (3...5).contains(text.count))
            }
            if zips >= threshold {
                return .init(
                    kind: .postcode,
                    evidence: "header '\(name)' names a postcode; \(percent(zips)) of values are ZIP-shaped")
            }
        }
        if !sample.isNumeric {
            let named = sample.share { ValuePatterns.nameWords($0) != nil }
            if named >= threshold, distinct >= 5 {
                if hints.has(ColumnNameHints.personName), !hints.has(ColumnNameHints.notAPerson) {
                    return .init(
                        kind: .name,
                        evidence: "header '\(name)' names a person; \(percent(named)) of values are words of letters")
                }
                let given = sample.share { text in
                    guard let first = ValuePatterns.nameWords(text)?.first else { return false }
                    return ValuePatterns.givenNames.contains(first.lowercased())
                }
                if given >= 0.5 {
                    return .init(kind: .name, evidence: "\(percent(given)) of values start with a common given name")
                }
            }
            var words = 0
            for (text, count) in zip(sample.texts, sample.counts) { words += ValuePatterns.wordCount(text) * count }
            let meanWords = Double(words) / Double(sample.present)
            if (meanWords >= 5 && uniqueness >= 0.3) || (hints.has(ColumnNameHints.freeText) && meanWords >= 3) {
                let mean = (meanWords * 10).rounded() / 10
                return .init(
                    kind: .freeText, evidence: "values average \(mean) words; \(percent(uniqueness)) of values distinct"
                )
            }
        }
        if hints.has(ColumnNameHints.identifier) || hints.hasPrefix(["pid"]) {
            let keyLike =
                sample.isNumeric
                ? sample.allIntegers
                : sample.share(where: ValuePatterns.isCode) >= threshold
                    || sample.share { $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } } >= threshold
            if keyLike, distinct >= 100 || (uniqueness >= 0.5 && distinct >= 10) {
                return .init(
                    kind: .nearUniqueIdentifier,
                    evidence:
                        "header '\(name)' names an identifier; \(distinct) distinct values (\(percent(uniqueness)))")
            }
        }
        if !sample.isNumeric, uniqueness >= 0.95, distinct >= 20, sample.share(where: ValuePatterns.isCode) >= threshold
        {
            return .init(
                kind: .nearUniqueIdentifier,
                evidence:
                    "\(percent(uniqueness)) of values distinct codes of letters and digits: each singles out a row")
        }
        return nil
    }
}
