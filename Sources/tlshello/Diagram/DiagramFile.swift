#if canImport(Glibc)
import Glibc
#endif

/// Writes a picture file atomically: a temporary file beside it, then a rename, so a reader
/// never sees half a file. A directory of that name is never replaced.
enum DiagramFile {
    /// Writes `text` to `path`; returns nil, or why it could not.
    static func write(_ text: String, to path: String) -> String? {
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            return "\(path) is a directory"
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory.isEmpty ? "" : directory)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { return "cannot create a file in \(directory.isEmpty ? "/" : directory): \(errnoText())" }
        let temporary = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func fail(_ what: String) -> String {
            let reason = "cannot \(what) \(path): \(errnoText())"
            close(fd)
            unlink(temporary)
            return reason
        }
        // mkstemp makes the file 0600; a picture is for anyone who may read the directory.
        guard fchmod(fd, 0o644) == 0 else { return fail("set the permissions of") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let start = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, start + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return fail("write")
            }
            written += count
        }
        guard close(fd) == 0 else {
            let reason = "cannot write \(path): \(errnoText())"
            unlink(temporary)
            return reason
        }
        guard rename(temporary, path) == 0 else {
            let reason = "cannot write \(path): \(errnoText())"
            unlink(temporary)
            return reason
        }
        return nil
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
