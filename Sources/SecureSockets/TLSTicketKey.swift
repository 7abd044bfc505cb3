#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The master key a server encrypts its session tickets with, shared by several server processes
/// so that a client resumes on whichever one it reaches (behind a load balancer, say).
///
/// Give every process the same key (``TLSConfiguration/ticketKey``) and the same
/// ``TLSConfiguration/ticketLifetime``: the key that really encrypts tickets is derived from this
/// one and the current period of that lifetime, so the processes' clocks must roughly agree.
/// Anyone who holds the key can decrypt the sessions resumed with its tickets: keep the file
/// private (``load(path:)`` refuses one that others may read) and replace it now and then.
///
/// The file holds the key in base64 between `-----BEGIN SESSION TICKET KEY-----` and
/// `-----END SESSION TICKET KEY-----` lines.
public struct TLSTicketKey: Sendable, Equatable, CustomStringConvertible {
    /// The key's length in bytes (GnuTLS's ticket master key).
    public static let size = 64

    /// The key bytes. Secret.
    public let bytes: [UInt8]

    /// A key from `bytes`.
    ///
    /// - Throws: ``TLSError/ticketKeyFile(path:reason:)`` (path `(memory)`) when `bytes` is not
    ///   ``size`` bytes long.
    public init(bytes: [UInt8]) throws(TLSError) {
        guard bytes.count == Self.size else {
            throw .ticketKeyFile(path: "(memory)", reason: "a ticket key has \(Self.size) bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// A new random key, from the system's cryptographically secure generator.
    public static func generate() -> TLSTicketKey {
        var generator = SystemRandomNumberGenerator()
        // The size is right by construction.
        return TLSTicketKey(checked: (0..<size).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    private init(checked bytes: [UInt8]) { self.bytes = bytes }

    /// Never the key itself: `session ticket key (64 bytes)`.
    public var description: String { "session ticket key (\(bytes.count) bytes)" }

    static let header = "-----BEGIN SESSION TICKET KEY-----"
    static let footer = "-----END SESSION TICKET KEY-----"

    /// The file form: the key in base64 between the BEGIN and END lines.
    public var fileText: String { "\(Self.header)\n\(Data(bytes).base64EncodedString())\n\(Self.footer)\n" }

    /// Reads a key file, refusing one that group or others may read or write (mode 0600 or
    /// stricter is asked for) and one that is not a regular file.
    ///
    /// - Throws: ``TLSError/ticketKeyFile(path:reason:)`` saying what is wrong.
    public static func load(path: String) throws(TLSError) -> TLSTicketKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .ticketKeyFile(path: path, reason: FileReadFailure(errno: errno).reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .ticketKeyFile(path: path, reason: "not a regular file") }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw .ticketKeyFile(path: path, reason: modeProblem(mode))
        }
        switch FileContents.read(path) {
        case let .failure(failure):
            throw .ticketKeyFile(path: path, reason: failure.reason)
        case let .success(bytes):
            return try parse(String(decoding: bytes, as: UTF8.self), path: path)
        }
    }

    /// The reason given for a file without a key block (a front end may add how to make one).
    package static let missingBlockReason = "no SESSION TICKET KEY block"

    /// The reason given when ``write(to:overwrite:)`` finds the file there and may not replace it.
    package static let existingFileReason = "exists; not overwriting it"

    /// What a key file's `mode` lets group and others do, e.g. `mode 620 lets group write it`,
    /// and why that is refused.
    static func modeProblem(_ mode: mode_t) -> String {
        func rights(_ bits: mode_t) -> [String] {
            [(mode_t(4), "read"), (2, "write"), (1, "execute")].filter { bits & $0.0 != 0 }.map(\.1)
        }
        func listed(_ words: [String]) -> String {
            words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " and " + (words.last ?? "")
        }
        let group = rights((mode >> 3) & 7), others = rights(mode & 7)
        let allowed: String
        if group == others {
            allowed = "group and others \(listed(group)) it"
        } else {
            allowed = [group.isEmpty ? nil : "group \(listed(group)) it", others.isEmpty ? nil : "others \(listed(others)) it"]
                .compactMap { $0 }.joined(separator: ", and ")
        }
        let readable = (mode & 0o044) != 0
        let risk = readable ? "whoever reads the key can decrypt resumed sessions"
            : "whoever writes the key can replace it with one they know, and decrypt the sessions resumed with it"
        return "mode \(String(mode, radix: 8)) lets \(allowed); \(risk) (chmod 600 it)"
    }

    /// Reads the file form (see ``fileText``); `path` names it in errors.
    static func parse(_ text: String, path: String) throws(TLSError) -> TLSTicketKey {
        guard let start = text.firstRange(of: Self.header), let end = text.firstRange(of: Self.footer), start.upperBound <= end.lowerBound else {
            throw .ticketKeyFile(path: path, reason: missingBlockReason)
        }
        let body = text[start.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else {
            throw .ticketKeyFile(path: path, reason: "the key is not valid base64")
        }
        guard data.count == size else {
            throw .ticketKeyFile(path: path, reason: "the key has \(data.count) bytes, not \(size)")
        }
        return TLSTicketKey(checked: Array(data))
    }

    /// Writes the key to a new file with mode 0600. Without `overwrite` an existing file is left
    /// alone and reported; with it the file is replaced at once (a reader sees the old key or the
    /// new one, never a part).
    ///
    /// - Throws: ``TLSError/ticketKeyFile(path:reason:)``.
    public func write(to path: String, overwrite: Bool = false) throws(TLSError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = mkstemp(&template)  // O_CREAT | O_EXCL, mode 0600
        guard fd >= 0 else {
            throw .ticketKeyFile(path: path, reason: "cannot create a file in \(directory): \(String(cString: strerror(errno)))")
        }
        let temporary = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = Array(fileText.utf8)
        var written = 0
        var failure: Int32 = 0
        while written < text.count {
            let count = text.withUnsafeBytes { buffer in
                buffer.baseAddress.map { Glibc.write(fd, $0 + written, buffer.count - written) } ?? 0
            }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += count
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw .ticketKeyFile(path: path, reason: "cannot write it: \(String(cString: strerror(failure)))")
        }
        if overwrite {
            guard rename(temporary, path) == 0 else {
                let code = errno
                unlink(temporary)
                throw .ticketKeyFile(path: path, reason: "cannot write it: \(String(cString: strerror(code)))")
            }
        } else {
            // link() fails if the name exists: no window in which another file could be replaced.
            let linked = link(temporary, path) == 0
            let code = errno
            unlink(temporary)
            if !linked {
                throw .ticketKeyFile(path: path, reason: code == EEXIST
                    ? Self.existingFileReason
                    : "cannot write it: \(String(cString: strerror(code)))")
            }
        }
    }
}
