import CharterCore
import Foundation
public import Logging
import Synchronization

/// The log handler `charter serve` writes with: one line per record on standard error, the
/// instant in RFC 3339 UTC, the level, the label, the metadata sorted by key, then the message.
///
/// swift-log's `StreamLogHandler` formats its metadata again every time a key is set, and the
/// HTTP server sets a request id on every request's logger, so every request paid for formatting
/// lines that were filtered out by level. This handler keeps metadata as it is given and formats
/// only the records it writes.
public struct ServerLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler for `label` writing records at `level` and above through `write` (standard
    /// error by default).
    public init(
        label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = ServerLogHandler.standardError
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata { merged.merge(given) { _, new in new } }
        let instant = Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        var line = "\(instant) \(event.level) \(label) :"
        for key in merged.keys.sorted() {
            line += " \(key)=\(merged[key].map { "\($0)" } ?? "")"
        }
        line += " \(event.message)\n"
        write(line)
    }

    /// Writes `line` to standard error, one record at a time.
    public static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { _ in
            Array(line.utf8).withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(2, base + offset, buffer.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    private static let lock = Mutex(())
}
