/// The words of a column header, and what they suggest about the column.
///
/// A header is split into lowercase words at every character that is not a letter or a digit and
/// at each lower-to-upper case change (`fake_first_name`, `case.id`, `birthDate` → `birth`,
/// `date`). A hint is a word, or a run of words, from a fixed list: the name is evidence, never
/// proof on its own (``IdentifierDetector`` always asks the values too).
struct ColumnNameHints: Sendable, Equatable {
    /// The lowercase words of the header.
    let words: [String]

    init(_ header: String) {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in header {
            if character.isLetter || character.isNumber {
                if character.isUppercase, previousWasLower, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current += character.lowercased()
                previousWasLower = character.isLowercase || character.isNumber
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        self.words = words
    }

    /// Whether a word is in `set`, or two adjacent words joined are (`first name` → `firstname`).
    func has(_ set: Set<String>) -> Bool {
        if words.contains(where: set.contains) { return true }
        return zip(words, words.dropFirst()).contains { set.contains($0 + $1) }
    }

    /// Whether a word starts with one of `prefixes` (`pidnum` starts with `pid`).
    func hasPrefix(_ prefixes: [String]) -> Bool {
        words.contains { word in prefixes.contains { word.hasPrefix($0) } }
    }

    static let email: Set<String> = ["email", "emails", "mail", "emailaddress"]
    static let phone: Set<String> = ["phone", "telephone", "tel", "mobile", "cell", "fax", "phonenumber"]
    static let nationalID: Set<String> = [
        "ssn", "nino", "nhs", "national", "nationalid", "insurance", "passport", "socialsecurity", "tax", "bsn",
        "aadhaar", "personnummer", "sin", "steuerid",
    ]
    static let medicalRecord: Set<String> = [
        "mrn", "medicalrecord", "hospitalnumber", "recordnumber", "patientnumber", "chart", "chartnumber", "hospno",
        "casenumber", "urn",
    ]
    static let birth: Set<String> = ["dob", "birth", "birthdate", "birthday", "born", "bday", "geburtsdatum"]
    static let event: Set<String> = [
        "diagnosis", "diag", "dx", "admission", "admit", "admitted", "discharge", "visit", "test", "onset", "death",
        "surgery", "start", "end", "stop", "followup", "follow", "enrol", "enrolment", "enrollment", "randomisation",
        "randomization", "treatment", "event", "sample", "collection", "procedure", "report", "result", "exam",
        "scan", "recurrence", "progression", "last", "first", "consent", "entry", "exit", "censor",
    ]
    static let postcode: Set<String> = ["zip", "zipcode", "postcode", "postal", "postalcode", "plz", "postleitzahl"]
    static let personName: Set<String> = [
        "name", "names", "surname", "forename", "firstname", "lastname", "fullname", "givenname", "familyname",
        "middlename", "maidenname",
    ]
    /// Words that make a `name` column something other than a person's name (`clinic_name`).
    static let notAPerson: Set<String> = [
        "clinic", "hospital", "drug", "test", "ward", "unit", "site", "department", "dept", "file", "product",
        "brand", "medication", "medicine", "study", "center", "centre", "lab", "laboratory", "facility", "org",
        "organisation", "organization", "company", "payor", "payer", "insurer", "disease", "diagnosis",
        "procedure", "specimen", "device", "gene", "variable", "column", "field", "country", "city", "region",
        "state", "street", "practice", "trial", "arm", "group", "class", "category", "species", "strain",
    ]
    static let freeText: Set<String> = [
        "note", "notes", "comment", "comments", "text", "narrative", "remarks", "remark", "description", "summary",
        "freetext", "memo", "history",
    ]
    static let identifier: Set<String> = ["id", "ids", "identifier", "uuid", "guid", "key", "uid", "pid", "pidnum"]
}
