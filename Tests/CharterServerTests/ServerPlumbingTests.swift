import Hummingbird
import Logging
import Synchronization
import Testing

@testable import CharterServer

/// The per-request plumbing made cheap for throughput: request ids, media types and the log
/// handler must still say what they said before.
@Suite("Server plumbing")
struct ServerPlumbingTests {
    @Test func newRequestIDsAreDistinctPlainTokens() {
        var seen: Set<String> = []
        for _ in 0..<1000 {
            let id = RequestObservation<BasicRequestContext>.newRequestID()
            #expect(id.utf8.count == 33)
            #expect(id.filter { $0 == "-" }.count == 1)
            #expect(id.allSatisfy { $0 == "-" || $0.isHexDigit && !$0.isUppercase })
            // What the server makes, it would also accept back from a caller.
            #expect(RequestObservation<BasicRequestContext>.requestID(id) == id)
            seen.insert(id)
        }
        #expect(seen.count == 1000)
        // A plain id the caller chose is kept; anything else gets a new one.
        #expect(RequestObservation<BasicRequestContext>.requestID("abc-123") == "abc-123")
        #expect(RequestObservation<BasicRequestContext>.requestID("a b") != "a b")
    }

    @Test func inventedMethodsShareOneMetricLabel() {
        #expect(RequestObservation<BasicRequestContext>.metricMethod("POST") == "POST")
        #expect(RequestObservation<BasicRequestContext>.metricMethod("BREW") == "other")
        #expect(RequestObservation<BasicRequestContext>.metricMethod("X-\(UInt64.max)") == "other")
    }

    @Test func mediaTypesAreLowerCasedWithoutParametersOrSpaces() {
        #expect(RequestInput.mediaType("application/yaml") == "application/yaml")
        #expect(RequestInput.mediaType("Application/YAML") == "application/yaml")
        #expect(RequestInput.mediaType("application/json; charset=utf-8") == "application/json")
        #expect(RequestInput.mediaType(" application/json ") == "application/json")
        #expect(RequestInput.mediaType("application/json;") == "application/json")
        #expect(RequestInput.mediaType("") == "")
    }

    @Test func theLogHandlerWritesOneSortedLinePerRecordAtItsLevel() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "charter.test") { label in
            ServerLogHandler(label: label, level: .info, write: { line in lines.withLock { $0.append(line) } })
        }
        logger[metadataKey: "zeta"] = "last"
        logger[metadataKey: "alpha"] = "first"
        logger.debug("filtered out")
        logger.info("started", metadata: ["mid": "2"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = written.first ?? ""
        #expect(line.hasSuffix(" info charter.test : alpha=first mid=2 zeta=last started\n"))
        #expect(line.hasPrefix("20"))
        #expect(logger[metadataKey: "alpha"] == "first")
    }
}
