public import CharterData
public import CharterSynth

/// The German Breast Cancer Study Group 2 example (`examples/data/gbsg2.csv`) as the generator tests
/// declare it: each column's type, and each column's public domain — hormone therapy, age (years),
/// menopausal status, tumour size (mm), grade, positive lymph nodes, progesterone and oestrogen
/// receptors (fmol/mg), recurrence-free time (days, a trial of under ten years), censoring.
public enum GBSG2Fixture {
    /// The columns' types.
    public static let schema = TableSchema(types: [
        "horTh": .categorical, "age": .numerical, "menostat": .categorical, "tsize": .numerical,
        "tgrade": .categorical, "pnodes": .numerical, "progrec": .numerical, "estrec": .numerical,
        "time": .numerical, "cens": .ordinal,
    ])

    /// The columns' declared domains.
    public static let domains: [String: DeclaredDomain] = [
        "horTh": .categorical(["no", "yes"]), "age": .numeric(lower: 0, upper: 120, integral: true),
        "menostat": .categorical(["Pre", "Post"]), "tsize": .numeric(lower: 0, upper: 200, integral: true),
        "tgrade": .categorical(["I", "II", "III"]), "pnodes": .numeric(lower: 0, upper: 100, integral: true),
        "progrec": .numeric(lower: 0, upper: 5000, integral: true),
        "estrec": .numeric(lower: 0, upper: 5000, integral: true),
        "time": .numeric(lower: 0, upper: 3650, integral: true), "cens": .categorical(["0", "1"]),
    ]
}
