/// Who fills which required role, with separation of duties: each role is filled by one person
/// who approved in it validly, and no person fills two roles.
///
/// Roles are filled in the order given (Kuhn's augmenting paths: a later role may move an
/// earlier role to another of its approvers, but never leaves it unfilled), so the roles given
/// first are filled whenever any assignment fills them, and as many of the rest as can be.
struct ApproverAssignment {
    private let roles: [String]
    /// The approvals that count.
    private let verdicts: [ApprovalValidator.Verdict]
    /// The person filling each role, `nil` where none can.
    private var filledBy: [String?]

    /// Fills `roles` from the approvals that count (verdicts without a rejection).
    /// - Complexity: O(r · a²) for r roles and a approvals.
    init(roles: [String], verdicts: [ApprovalValidator.Verdict]) {
        self.roles = roles
        self.verdicts = verdicts
        filledBy = Array(repeating: nil, count: roles.count)
        for index in roles.indices {
            var visited = Array(repeating: false, count: roles.count)
            _ = fill(index, &visited)
        }
    }

    /// The person filling `role`; `nil` when it is not filled (or not one of the roles).
    func approver(of role: String) -> String? {
        guard let index = roles.firstIndex(of: role) else { return nil }
        return filledBy[index]
    }

    /// The members who approved in `role` but fill another role instead.
    func approversElsewhere(of role: String) -> [String] {
        guard let index = roles.firstIndex(of: role) else { return [] }
        return approvers(of: role).filter { person in filledBy.contains(person) && filledBy[index] != person }
    }

    /// Whether some person has approvals that count in two different roles (otherwise a role is
    /// filled exactly when someone approved in it, and no assignment is needed).
    /// - Complexity: O(a²) for a approvals; nothing allocated.
    static func someoneApprovesTwice(_ verdicts: [ApprovalValidator.Verdict]) -> Bool {
        for (offset, first) in verdicts.enumerated() where first.rejection == nil {
            for second in verdicts[(offset + 1)...]
            where second.rejection == nil && second.signer == first.signer
                && second.approval.role.value != first.approval.role.value
            {
                return true
            }
        }
        return false
    }

    /// The distinct members whose approval in `role` counts, in the order they approved.
    private func approvers(of role: String) -> [String] {
        var people: [String] = []
        for verdict in verdicts where verdict.rejection == nil && verdict.approval.role.value == role {
            if !people.contains(verdict.signer) { people.append(verdict.signer) }
        }
        return people
    }

    /// Fills role `index`, moving the role that holds an approver to another of its approvers
    /// when it can.
    private mutating func fill(_ index: Int, _ visited: inout [Bool]) -> Bool {
        for person in approvers(of: roles[index]) {
            guard let holder = filledBy.firstIndex(of: person) else {
                filledBy[index] = person
                return true
            }
            guard !visited[holder] else { continue }
            visited[holder] = true
            if fill(holder, &visited) {
                filledBy[index] = person
                return true
            }
        }
        return false
    }
}
