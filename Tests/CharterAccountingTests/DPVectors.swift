import CharterTestSupport
import Foundation

/// The reference vectors in `Tests/Fixtures/dp-vectors/dp-vectors.csv` (dp-accounting 0.6.0, Opacus 1.6.0,
/// OpenDP 0.16.0, mpmath), one row per (case, method).
struct DPVector: CustomStringConvertible {
    var fields: [String: String]

    var caseID: String { fields["case_id"] ?? "" }
    var family: String { fields["family"] ?? "" }
    var method: String { fields["method"] ?? "" }
    var resultValue: Double { double("result_value") ?? .nan }
    var description: String { "\(caseID)/\(method)" }

    func double(_ column: String) -> Double? {
        guard let text = fields[column], !text.isEmpty else { return nil }
        return Double(text)
    }

    func int(_ column: String) -> Int? { double(column).map { Int($0) } }

    static let file = Fixtures.url("Tests/Fixtures/dp-vectors/dp-vectors.csv")

    static let all: [DPVector] = {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        let rows = parseCSV(text)
        guard let header = rows.first else { return [] }
        return rows.dropFirst().filter { $0.count == header.count }.map { row in
            DPVector(fields: Dictionary(uniqueKeysWithValues: zip(header, row)))
        }
    }()

    static func rows(family: String, method: String? = nil) -> [DPVector] {
        all.filter { $0.family == family && (method == nil || $0.method == method) }
    }

    /// RFC 4180 fields: commas, double quotes, doubled quotes inside quotes.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else {
                switch character {
                case "\"": quoted = true
                case ",":
                    row.append(field)
                    field = ""
                case "\n", "\r\n":
                    row.append(field)
                    rows.append(row)
                    row = []
                    field = ""
                case "\r": break
                default: field.append(character)
                }
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}

/// |a − b| ≤ tolerance·|b|.
func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * abs(b)
}
