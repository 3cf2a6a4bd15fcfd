/// What kind of direct identifier a column holds.
///
/// The raw values are the names `charter profile --format json` prints as `direct_identifier.kind`.
public enum IdentifierKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// E-mail addresses (`local@domain.tld`).
    case email
    /// Telephone numbers: 7–15 digits with the separators people write.
    case phone
    /// National identity or insurance numbers (SSN-like `ddd-dd-dddd`, UK NINO-like `AB123456C`,
    /// or a column named for one).
    case nationalID = "national_id"
    /// Medical record numbers: a column named for one, or letter-prefixed codes such as `MRN0012345`.
    case medicalRecordNumber = "medical_record_number"
    /// Personal names.
    case name
    /// Dates of birth.
    case dateOfBirth = "date_of_birth"
    /// Postcodes and ZIP codes.
    case postcode
    /// Record keys: an identifier-named column of many distinct codes, or text codes almost all distinct.
    case nearUniqueIdentifier = "near_unique_identifier"
    /// Free text, where anything (names, addresses, events) can hide.
    case freeText = "free_text"
}

/// A column flagged as a direct identifier, with the evidence that flagged it.
public struct DirectIdentifier: Sendable, Equatable, Codable {
    /// What kind of identifier.
    public var kind: IdentifierKind
    /// Why, in one line: the rule that fired and the share of values that matched it.
    public var evidence: String

    /// Creates a finding.
    public init(kind: IdentifierKind, evidence: String) {
        self.kind = kind
        self.evidence = evidence
    }
}
