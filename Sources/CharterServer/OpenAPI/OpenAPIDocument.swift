/// The OpenAPI 3.1 document served at `/openapi.json`: `grammar/openapi.json`, the one copy,
/// embedded in the binary by SwiftPM (`resources: [.embedInCode("OpenAPI/openapi.json")]`, a link
/// to the file in `grammar/`), so a copied executable serves it without any file beside it.
enum OpenAPIDocument {
    /// The document's bytes, as in the repository.
    static let bytes: [UInt8] = PackageResources.openapi_json

    /// The document's text.
    static let text = String(decoding: bytes, as: UTF8.self)
}
