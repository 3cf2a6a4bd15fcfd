import CharterCore
import Testing

@Suite("canonical JSON")
struct CanonicalJSONTests {
    @Test(
        "numbers are written as ECMAScript writes them (RFC 8785)",
        arguments: [
            (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-1.5, "-1.5"), (0.1, "0.1"), (1.0e-6, "0.000001"),
            (1.0e-7, "1e-7"), (123456789012345680000.0, "123456789012345680000"), (1.0e21, "1e+21"),
            (1.0e-5, "0.00001"), (.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.30000000000000004, "0.30000000000000004"), (333333333.33333329, "333333333.3333333"),
            (4.5, "4.5"), (2e-3, "0.002"), (1e16, "10000000000000000"), (-1e-7, "-1e-7"),
            (295147905179352830000.0, "295147905179352830000"), (9.999999999999997e22, "9.999999999999997e+22"),
        ])
    func numbers(value: Double, expected: String) throws {
        #expect(try JSONValue.number(value).canonical() == expected)
    }

    @Test("keys are sorted, whitespace is absent, strings are minimally escaped")
    func canonicalForm() throws {
        let value: JSONValue = [
            "b": [1, "two", nil, true], "a": ["z": 1, "é": 2, "A": 3], "c": "line\nbreak \"quoted\" \\ \u{1}\t/",
        ]
        #expect(
            try value.canonical()
                == #"{"a":{"A":3,"z":1,"é":2},"b":[1,"two",null,true],"c":"line\nbreak \"quoted\" \\ \u0001\t/"}"#)
    }

    @Test("keys sort by UTF-16 code units, as RFC 8785 requires")
    func utf16Order() throws {
        // U+1F600 (surrogates D83D DE00) sorts before U+FB01 in UTF-16 but after it by scalar value.
        let value: JSONValue = ["\u{FB01}": 1, "\u{1F600}": 2]
        #expect(try value.canonical() == "{\"\u{1F600}\":2,\"\u{FB01}\":1}")
    }

    @Test("the same value gives the same bytes however it was built")
    func determinism() throws {
        var left: [String: JSONValue] = [:]
        var right: [String: JSONValue] = [:]
        for index in 0..<200 { left["k\(index)"] = .integer(index) }
        for index in (0..<200).reversed() { right["k\(index)"] = .integer(index) }
        #expect(try JSONValue.object(left).canonical() == JSONValue.object(right).canonical())
        #expect(try JSONValue.object(left).pretty() == JSONValue.object(right).pretty())
    }

    @Test("NaN, infinities and malformed decimals are refused", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(value: Double) {
        #expect(throws: JSONEncodingError.self) { try JSONValue.array([.number(value)]).canonical() }
        #expect(throws: JSONEncodingError.self) { try JSONValue.object(["x": .number(value)]).pretty() }
    }

    @Test("exact decimals are written as given, and must be JSON numbers")
    func decimals() throws {
        #expect(try JSONValue.decimal("1.0e-6").canonical() == "1.0e-6")
        #expect(try JSONValue.decimal("0.10").canonical() == "0.10")
        for bad in ["01", "1.", ".5", "1e", "+1", "0x10", "", "NaN"] {
            #expect(throws: JSONEncodingError.invalidDecimal(bad)) { try JSONValue.decimal(bad).canonical() }
        }
    }

    @Test("pretty output is indented, sorted and ends in a newline")
    func pretty() throws {
        let value: JSONValue = ["b": [1, 2], "a": [:], "c": []]
        #expect(try value.pretty() == "{\n  \"a\": {},\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": []\n}\n")
    }
}

@Suite("JSON reader")
struct JSONParserTests {
    @Test("reads what the canonical writer writes")
    func roundTrip() throws {
        let value: JSONValue = ["a": [1, -2.5, "x\u{1F600}\n", nil, false], "b": ["c": 1e-7], "d": 12345678901234]
        let text = try value.canonical()
        let back = try JSONParser().parse(text)
        #expect(back == value)
        #expect(try JSONParser().parse(value.pretty()) == value)
    }

    @Test("reads escapes and surrogate pairs")
    func escapes() throws {
        #expect(try JSONParser().parse(#""\u00e9\ud83d\ude00\/\b""#) == .string("é\u{1F600}/\u{08}"))
    }

    @Test("reads a stream of concatenated values")
    func sequence() throws {
        #expect(try JSONParser().parseSequence("{\"a\": 1}\n[2]\n\"x\" null 3") == [["a": 1], [2], "x", nil, 3])
        #expect(try JSONParser().parseSequence(" \n").isEmpty)
    }

    @Test(
        "rejects malformed JSON with the offset",
        arguments: [
            ("{\"a\" 1}", 5), ("[1,]", 3), ("01", 0), ("\"abc", 4), ("{\"a\":1,\"a\":2}", 11), ("[1] x", 4),
            ("tru", 3), ("\"\\x\"", 3), ("", 0), ("-", 0), ("1.e5", 0),
        ])
    func malformed(text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONParser().parse(text) }
        do {
            _ = try JSONParser().parse(text)
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test("deep nesting is an error, not a crash")
    func depth() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser().parse(text) }
    }
}

@Suite("digests")
struct DigestTests {
    @Test("SHA-256 matches the FIPS 180-2 test vectors")
    func vectors() throws {
        #expect(ContentDigest.sha256("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentDigest.sha256("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            ContentDigest.sha256(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("a value's digest is the digest of its canonical JSON, independent of key order")
    func valueDigest() throws {
        let value: JSONValue = ["b": 1, "a": [true, 0.5]]
        #expect(try ContentDigest.sha256(value) == ContentDigest.sha256(#"{"a":[true,0.5],"b":1}"#))
    }
}
