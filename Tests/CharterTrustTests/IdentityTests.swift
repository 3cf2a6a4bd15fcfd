import CharterCore
import Testing

/// ``Identity``: one canonical form, and look-alikes refused.
@Suite struct IdentityTests {
    @Test(arguments: [
        "carol@hospital.example", "Carol@hospital.example", "carol@hospital.example ", " CAROL@HOSPITAL.EXAMPLE",
        "carol+x@hospital.example", "carol@hospital.example.", "\u{FF43}arol@hospital.example", "Carol+ci@Hospital.Example.",
    ])
    func variantsNameTheSamePerson(_ written: String) throws {
        #expect(try Identity(written).canonical == "carol@hospital.example")
    }

    @Test(arguments: [
        "\u{0441}arol@hospital.example",  // Cyrillic es
        "carol@hospit\u{0430}l.example",  // Cyrillic a
        "car ol@hospital.example", "carol@@hospital.example", "carol@", "@hospital.example", "+x@hospital.example",
        "", "   ", "carol\u{1B}[31m@hospital.example", "carol@hospital..example", "group:", "group:risk committee",
        "carol\u{200B}@hospital.example",  // zero-width space
    ])
    func malformedOrLookAlikeIdentitiesAreRefused(_ written: String) {
        #expect(throws: Identity.Problem.self) { try Identity(written) }
    }

    @Test func groupsAreMarked() throws {
        let group = try Identity("Group:Risk-Committee")
        #expect(group.isGroup && group.groupName == "risk-committee")
        #expect(try !Identity("svc-ci").isGroup)
    }
}
