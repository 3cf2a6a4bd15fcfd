import CharterCore
import CharterYAML
import Foundation

/// libFuzzer's entry point: read arbitrary bytes as YAML, then walk whatever came out. Any crash,
/// hang or sanitizer report is a bug; rejecting the input with a diagnostic is fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func yamlFuzzTarget(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let limits = YAMLLimits(maximumBytes: 1 << 20, maximumDepth: 64, maximumNodes: 100_000, maximumScalarBytes: 1 << 16)
    do {
        let stream = try YAMLParser(limits: limits).parse(bytes, file: "fuzz.yaml")
        for document in stream.documents {
            _ = document.root.hashValue
            if let json = document.root.jsonValue { _ = try? json.canonical() }
        }
    } catch {
        let report = DiagnosticReport(
            tool: .init(name: "fuzz", version: "0", informationURI: "about:blank"), command: "fuzz",
            files: ["fuzz.yaml"], diagnostics: [error.diagnostic],
            sources: ["fuzz.yaml": String(decoding: bytes, as: UTF8.self)])
        _ = try? report.rendered(as: .text)
    }
    return 0
}

#if !CHARTER_FUZZING
/// Without libFuzzer, replay the files named on the command line through the target, so a crash
/// found by fuzzing can be reproduced in a normal build.
@main
enum YAMLFuzzReplay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                continue
            }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { yamlFuzzTarget($0.baseAddress, $0.count) }
            print("ok \(path)")
        }
    }
}
#endif
