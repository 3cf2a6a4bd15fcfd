public import CharterCore
public import CharterRegistry

extension AuditRecord {
    /// The record as `charter audit log --format json` prints it and a server returns it.
    public var json: JSONValue {
        [
            "seq": .integer(Int(seq)), "at": .string(at), "actor": .string(actor), "action": .string(action),
            "subject": .string(subject), "details": detailsValue ?? .string(details),
            "previous_hash": .string(previousHash), "hash": .string(hash),
        ]
    }
}

extension AuditVerification {
    /// The verification as `charter audit verify --format json` prints it and a server returns it.
    public var json: JSONValue {
        [
            "intact": .bool(isIntact), "records": .integer(recordCount),
            "head": ["seq": .integer(Int(headSeq)), "hash": .string(headHash)],
            "findings": .array(
                findings.map { finding in
                    [
                        "kind": .string(finding.kind.rawValue), "code": .string(finding.kind.code.id),
                        "seq": finding.seq.map { .integer(Int($0)) } ?? .null, "message": .string(finding.message),
                        "notes": .array(finding.notes.map { .string($0) }),
                    ]
                }),
        ]
    }
}
