import CGnuTLS
import Glibc
import SecureSockets

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writing a file atomically: a temporary file in the target's directory, then a rename or link.
package enum OutputFile {
    static func errnoText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The end of the reason given when a file is there and may not be replaced (a front end may
    /// add how to allow it).
    package static let existingFileReason = "already exists; not overwriting it"

    static func refusal(_ path: String) -> TLSError {
        .certificateGeneration(reason: "\(path) \(existingFileReason)", library: nil)
    }

    /// True when something (even a dangling symbolic link) has the name `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// The directory part of `path` (`.` when there is none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = path[..<slash]
        return directory.isEmpty ? "/" : String(directory)
    }

    /// Writes `text` to a new temporary file beside `path` with `mode`, synced; returns its name.
    package static func writeTemporary(_ text: String, near path: String, mode: mode_t) throws(TLSError) -> String {
        let directory = directory(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? "file"
        var template = Array("\(directory)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = mkstemp(&template)   // O_CREAT | O_EXCL, mode 0600
        guard fd >= 0 else {
            let code = errno
            throw .certificateGeneration(reason: "cannot create a file in \(directory): \(errnoText(code))", library: nil)
        }
        let temporary = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func failure(_ what: String, _ code: Int32) -> TLSError {
            close(fd)
            unlink(temporary)
            return .certificateGeneration(reason: "cannot \(what) \(path): \(errnoText(code))", library: nil)
        }
        guard fchmod(fd, mode) == 0 else { throw failure("set the permissions of", errno) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, base + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("write", errno)
            }
            written += count
        }
        guard fsync(fd) == 0 else { throw failure("write", errno) }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw .certificateGeneration(reason: "cannot write \(path): \(errnoText(code))", library: nil)
        }
        return temporary
    }

    /// Moves `temporary` to `path`: replacing any file there with `overwrite`, otherwise failing
    /// if `path` exists (checked atomically by the link).
    package static func commit(_ temporary: String, to path: String, overwrite: Bool) throws(TLSError) {
        if overwrite {
            guard rename(temporary, path) == 0 else {
                let code = errno
                throw .certificateGeneration(reason: "cannot write \(path): \(errnoText(code))", library: nil)
            }
        } else if link(temporary, path) == 0 {
            unlink(temporary)
        } else {
            let code = errno
            if code == EEXIST { throw refusal(path) }
            guard code == EPERM || code == EOPNOTSUPP || code == EMLINK else {
                throw .certificateGeneration(reason: "cannot write \(path): \(errnoText(code))", library: nil)
            }
            // No hard links on this file system: claim the name with O_EXCL, then replace the
            // empty placeholder (ours) with the complete file.
            let placeholder = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard placeholder >= 0 else {
                let code = errno
                if code == EEXIST { throw refusal(path) }
                throw .certificateGeneration(reason: "cannot create \(path): \(errnoText(code))", library: nil)
            }
            close(placeholder)
            guard rename(temporary, path) == 0 else {
                let code = errno
                unlink(path)
                throw .certificateGeneration(reason: "cannot write \(path): \(errnoText(code))", library: nil)
            }
        }
        let directory = directory(of: path)
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
