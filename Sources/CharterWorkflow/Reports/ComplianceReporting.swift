public import CharterCore
import CharterPolicy

/// `report compliance`: a certificate read, the policy it names read now (its digest compared
/// with the certificate's), and a framework's mapping applied.
public enum ComplianceReporting {
    /// Why no report could be made.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// A certificate file's JSON, checked to be a Charter certificate (its signature is
    /// `cert verify`'s to check).
    public static func certificate(at file: String, store: any InputStore) throws(Failure) -> JSONValue {
        guard let bytes = store.contents(of: file) else { throw Failure(message: "cannot read \"\(file)\"") }
        let json: JSONValue
        do {
            json = try JSONParser().parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw Failure(message: "\"\(file)\" is not JSON: \(error)")
        }
        guard json["charter_certificate"] != nil, json["id"]?.stringValue != nil else {
            throw Failure(message: "\"\(file)\" is not a Charter certificate")
        }
        return json
    }

    /// The frameworks under `folder` (`*.yaml`, by name).
    public static func frameworks(in folder: String, store: any InputStore) -> [String] {
        (store.files(under: folder) ?? []).filter { $0.hasSuffix(".yaml") && !$0.contains("/") }
            .map { String($0.dropLast(5)) }.sorted()
    }

    /// The report of `framework` (a file `FRAMEWORK.yaml` under `frameworksFolder`) for the
    /// certificate at `certificateFile`, under the policy set at `policyPath`.
    public static func report(
        certificateFile: String, framework: String, frameworksFolder: String, policyPath: String, store: any InputStore
    ) throws(Failure) -> ComplianceReport {
        let known = frameworks(in: frameworksFolder, store: store)
        guard known.contains(framework) else {
            throw Failure(message: "no mapping for framework '\(framework)' in \"\(frameworksFolder)\" (have: \(known.joined(separator: ", ")))")
        }
        let mappingFile = "\(frameworksFolder)/\(framework).yaml"
        guard let mappingBytes = store.contents(of: mappingFile) else { throw Failure(message: "cannot read \"\(mappingFile)\"") }
        let mapping: ComplianceFramework
        do {
            mapping = try ComplianceFramework.load(file: mappingFile, bytes: mappingBytes)
        } catch {
            throw Failure(message: error.message)
        }
        let json = try certificate(at: certificateFile, store: store)
        let selection = PolicySelection(path: policyPath, in: store)
        guard let policy = selection.policy, selection.diagnostics.isEmpty else {
            throw Failure(message: "the policy set \"\(policyPath)\" cannot be read: \(selection.diagnostics.map(\.message).joined(separator: "; "))")
        }
        return ComplianceReport(
            framework: mapping, certificate: json, policy: policy,
            policyDigest: selection.digest(policyPath: policyPath, store: store))
    }
}
