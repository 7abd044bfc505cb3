#if canImport(Glibc)
import Glibc
#endif
import SecureSockets

/// The up-front check of a file option that writes after the exchange (`--diagram`,
/// `--illustrate`): a path that cannot be written is bad input, refused before anything connects
/// or listens, as `--keylog` is. What fails later (a disk that fills, a directory removed while
/// the server runs) stays a warning at write time.
enum OutputPathCheck {
    /// Refuses `name` when it names a directory, when its file (the first connection's, on a
    /// server) is a directory, or when its directory is missing, not a directory, or not writable.
    ///
    /// - Throws: ``TLSError/invalidConfiguration(_:)`` naming the option, the name as given and
    ///   the reason (exit status 2).
    static func check(_ name: ConnectionFileName?, option: String, server: Bool) throws(TLSError) {
        guard let name else { return }
        let path = server ? name.path(forConnection: 1) : name.clientPath
        // A server given a directory's name would write beside it (dd-1, dd-2): refused as well.
        if let reason = isDirectory(name.pattern) ? "is a directory" : problem(writing: path) {
            throw .invalidConfiguration("\(option) \(name.pattern): \(reason)")
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Why `path` cannot be written, or nil.
    static func problem(writing path: String) -> String? {
        if isDirectory(path) { return "is a directory" }
        var status = stat()
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        guard stat(directory, &status) == 0 else {
            return "cannot use the directory \(directory): \(String(cString: strerror(errno)))"
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { return "\(directory) is not a directory" }
        guard access(directory, W_OK | X_OK) == 0 else {
            return "cannot create a file in \(directory): \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
