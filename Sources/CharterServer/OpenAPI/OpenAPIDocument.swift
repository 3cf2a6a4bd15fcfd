/// The OpenAPI 3.1 document served at `/openapi.json`: `OpenAPI/openapi.json` beside this file, the
/// one copy (`grammar/openapi.json` is a link to it), embedded in the binary by SwiftPM
/// (`resources: [.embedInCode("OpenAPI/openapi.json")]`), so a copied executable serves it without
/// any file beside it. The file is the real one and the link is in `grammar/` because SwiftPM
/// notices a change to a resource file, not to the target of a link.
enum OpenAPIDocument {
    /// The document's bytes, as in the repository.
    static let bytes: [UInt8] = PackageResources.openapi_json

    /// The document's text.
    static let text = String(decoding: bytes, as: UTF8.self)
}
