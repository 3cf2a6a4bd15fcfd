/// Where a PostgreSQL registry lives: a `postgres://` (or `postgresql://`) URL, parsed once.
///
/// The form is libpq's: `postgres://user[:password]@host[:port]/database?sslmode=…`, with the
/// parameters `sslmode` (`disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`;
/// libpq's default `prefer`), `sslrootcert` (a PEM file of trusted roots), `connect_timeout`
/// (seconds) and Charter's own `schema` (the PostgreSQL schema that holds the registry; default
/// `charter`), so several registries can share one database. Any other parameter is refused, so a
/// mistyped `sslmode` cannot silently weaken a connection.
///
/// A password may come in the URL, but a URL is argv or environment, which other processes can
/// read: prefer `PGPASSWORD` (read when the URL has none). The password is never part of
/// ``description``, of an error or of a log line.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// How the connection uses TLS, as libpq's `sslmode` means it.
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it, without verifying the server (libpq tries plain first).
        case allow
        /// TLS when the server offers it, without verifying the server.
        case prefer
        /// TLS always, without verifying the server's certificate.
        case require
        /// TLS always, the server's certificate chained to a trusted root; the host name not checked.
        case verifyCA = "verify-ca"
        /// TLS always, the certificate chained to a trusted root and naming the host.
        case verifyFull = "verify-full"
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// The password, from the URL or `PGPASSWORD`; never printed.
    var password: String?
    /// The database.
    public var database: String
    /// The TLS mode.
    public var sslMode: SSLMode
    /// A PEM file of roots to trust instead of the system's.
    public var sslRootCertificate: String?
    /// The schema that holds the registry's tables.
    public var schema: String
    /// How long to wait for a connection, in seconds.
    public var connectTimeout: Int

    /// The default schema.
    public static let defaultSchema = "charter"

    /// Whether `text` names a PostgreSQL registry rather than a file.
    public static func isURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses `url`. Missing parts default as libpq's do, from `environment` (the front end reads
    /// the process's and hands it in): `PGHOST` or `localhost`, `PGPORT` or 5432, `PGUSER` or
    /// `USER`, `PGDATABASE` or the user's name, `PGPASSWORD` for the password, `PGSSLMODE` or
    /// `prefer`, `PGSSLROOTCERT`, `PGCONNECT_TIMEOUT` or 10 seconds. What the URL says wins.
    /// (libpq's other variables — `PGPASSFILE`, `PGSERVICE`, client certificates — are not read.)
    /// - Throws: ``RegistryError/cannotOpen(path:reason:)`` naming the URL without its password.
    public init(url: String, environment: [String: String]) throws(RegistryError) {
        let shown = Self.redacting(url)
        func refuse(_ reason: String) -> RegistryError { .cannotOpen(path: shown, reason: reason) }
        guard Self.isURL(url), let schemeEnd = url.range(of: "://") else {
            throw refuse("not a postgres:// URL")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        var userInfo: Substring?
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        var user = environment["PGUSER"] ?? environment["USER"] ?? ""
        var password = environment["PGPASSWORD"]
        if let userInfo {
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.decode(userInfo[..<colon], shown)
                password = try Self.decode(userInfo[userInfo.index(after: colon)...], shown)
            } else if !userInfo.isEmpty {
                user = try Self.decode(userInfo, shown)
            }
        }
        var host = environment["PGHOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        var port = 5432
        if let text = environment["PGPORT"], !text.isEmpty {
            guard let value = Int(text), (1...65_535).contains(value) else {
                throw refuse("PGPORT \"\(text)\" is not a number from 1 to 65535")
            }
            port = value
        }
        var hostPart = rest
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw refuse("unclosed \"[\" in the host") }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            hostPart = hostPart[hostPart.index(after: close)...]
            if hostPart.hasPrefix(":") {
                guard let value = Int(hostPart.dropFirst()), (1...65_535).contains(value) else {
                    throw refuse("the port is not a number from 1 to 65535")
                }
                port = value
            } else if !hostPart.isEmpty {
                throw refuse("unexpected text after the host")
            }
        } else {
            if let colon = hostPart.lastIndex(of: ":") {
                guard let value = Int(hostPart[hostPart.index(after: colon)...]), (1...65_535).contains(value) else {
                    throw refuse("the port is not a number from 1 to 65535")
                }
                port = value
                hostPart = hostPart[..<colon]
            }
            if !hostPart.isEmpty { host = try Self.decode(hostPart, shown) }
        }
        guard !user.isEmpty else { throw refuse("no user: name one in the URL or in PGUSER") }
        guard !host.hasPrefix("/") else {
            throw refuse("\"\(host)\" is a Unix-domain socket folder; Charter connects over TCP: name a host")
        }
        let database =
            path.isEmpty ? (environment["PGDATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? user)
            : try Self.decode(Substring(path), shown)
        guard !database.contains("/") else { throw refuse("the database name contains \"/\"") }
        var sslMode = SSLMode.prefer
        if let mode = environment["PGSSLMODE"], !mode.isEmpty {
            // A mistyped mode in the environment must not silently weaken the connection either.
            guard let known = SSLMode(rawValue: mode) else {
                let known = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw refuse("unknown PGSSLMODE \"\(mode)\" (one of \(known))")
            }
            sslMode = known
        }
        var rootCertificate = environment["PGSSLROOTCERT"].flatMap { $0.isEmpty ? nil : $0 }
        var schema = Self.defaultSchema
        var timeout = 10
        if let seconds = environment["PGCONNECT_TIMEOUT"], !seconds.isEmpty {
            guard let value = Int(seconds), value > 0 else {
                throw refuse("PGCONNECT_TIMEOUT \"\(seconds)\" is not a positive number of seconds")
            }
            timeout = value
        }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1], shown) : ""
            switch key {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    let known = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw refuse("unknown sslmode \"\(value)\" (one of \(known))")
                }
                sslMode = mode
            case "sslrootcert": rootCertificate = value
            case "schema":
                guard Self.isPlainIdentifier(value) else {
                    throw refuse("schema \"\(value)\" is not a plain identifier (lowercase letters, digits, _)")
                }
                schema = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw refuse("connect_timeout \"\(value)\" is not a positive number of seconds")
                }
                timeout = seconds
            default:
                throw refuse("unknown parameter \"\(key)\" (known: sslmode, sslrootcert, schema, connect_timeout)")
            }
        }
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.sslRootCertificate = rootCertificate
        self.schema = schema
        self.connectTimeout = timeout
    }

    /// The URL without its password: what errors, logs and `charter` print.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        var text = "postgres://\(user)@\(hostText):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
        if schema != Self.defaultSchema { text += "&schema=\(schema)" }
        return text
    }

    /// `text` with any password between `://user:` and `@` replaced by `***`, for a URL that may
    /// not even parse.
    public static func redacting(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return text
        }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// Whether `name` can be used unquoted: `[a-z_][a-z0-9_]*`, at most 63 bytes.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63 else { return false }
        func plain(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || scalar == "_" }
        return plain(first) && name.unicodeScalars.allSatisfy { plain($0) || ("0"..."9").contains($0) }
    }

    /// Percent-decodes one URL component.
    private static func decode(_ text: Substring, _ shown: String) throws(RegistryError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .cannotOpen(path: shown, reason: "a \"%\" in the URL is not followed by two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
