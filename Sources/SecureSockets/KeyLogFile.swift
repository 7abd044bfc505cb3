#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// A file of TLS session secrets in the NSS key log format (`LABEL <client_random> <secret>`, hex),
/// which Wireshark and tshark use to decrypt a capture. Whoever holds the file can read the traffic.
///
/// Opening refuses a file that exists and does not look like a key log (so a typo cannot append
/// secrets to, say, a source file), and creates a new file with mode 0600. Lines are appended with
/// one `write` each, so sessions on several threads may share one file.
public final class KeyLogFile: Sendable, Equatable {
    /// The file's path.
    public let path: String
    private let descriptor: Mutex<Int32>

    /// The labels of the NSS key log format (TLS 1.2 and 1.3).
    package static let labels = [
        "CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0",
        "EARLY_EXPORTER_SECRET", "EXPORTER_SECRET", "RSA",
    ]

    /// Opens (or creates, mode 0600) the key log at `path` for appending.
    ///
    /// - Throws: ``TLSError/keyLogFile(path:reason:)`` when the file exists and is not a key log,
    ///   is not a regular file, or cannot be opened.
    public init(path: String) throws(TLSError) {
        self.path = path
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw .keyLogFile(path: path, reason: "exists and is not a regular file")
            }
            if info.st_size > 0 {
                switch FileContents.read(path) {
                case let .failure(failure):
                    throw .keyLogFile(path: path, reason: failure.reason)
                case let .success(bytes):
                    guard Self.looksLikeKeyLog(bytes) else {
                        throw .keyLogFile(path: path, reason: "exists and is not a key log: refusing to append secrets to it")
                    }
                }
            }
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw .keyLogFile(path: path, reason: FileReadFailure(errno: errno).reason.replacing("read", with: "write"))
        }
        descriptor = Mutex(fd)
    }

    deinit {
        descriptor.withLock { _ = close($0) }
    }

    /// True when every non-empty line starts with a key log label or `#`.
    package static func looksLikeKeyLog(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes.prefix(64 * 1024), as: UTF8.self)
        return text.split(separator: "\n").allSatisfy { line in
            line.hasPrefix("#") || labels.contains { line.hasPrefix($0 + " ") }
        }
    }

    /// Appends one line (`LABEL client_random_hex secret_hex`).
    package func append(label: String, clientRandom: [UInt8], secret: [UInt8]) {
        let line = "\(label) \(Self.hex(clientRandom)) \(Self.hex(secret))\n"
        let bytes = Array(line.utf8)
        descriptor.withLock { fd in
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }

    /// Two key logs are equal when they are the same open file.
    public static func == (lhs: KeyLogFile, rhs: KeyLogFile) -> Bool { lhs === rhs }
}
