#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads small files (certificates, keys) with plain POSIX calls, turning errno into words.
package enum FileContents {
    /// The largest file read: certificate and key files are a few KiB; a CA bundle under 1 MiB.
    package static let sizeLimit = 16 * 1024 * 1024

    /// Reads the whole file at `path`.
    ///
    /// - Returns: the bytes, or a reason such as `no such file`, `permission denied`, `is a directory`.
    package static func read(_ path: String) -> Result<[UInt8], FileReadFailure> {
        guard !path.isEmpty else { return .failure(FileReadFailure(reason: "no file name given")) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(FileReadFailure(errno: errno)) }
        defer { _ = Glibc.close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(FileReadFailure(errno: EISDIR)) }
            if (info.st_mode & S_IFMT) == S_IFREG && Int(info.st_size) > sizeLimit { return .failure(tooLarge) }
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(FileReadFailure(errno: errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > sizeLimit { return .failure(tooLarge) }
        }
        return .success(bytes)
    }

    private static var tooLarge: FileReadFailure {
        FileReadFailure(reason: "file is larger than \(sizeLimit / 1024 / 1024) MiB")
    }
}

/// Why a file could not be read, in words.
package struct FileReadFailure: Error, Sendable, Equatable {
    /// The reason, e.g. `no such file`.
    package let reason: String

    /// A failure with the given reason.
    package init(reason: String) { self.reason = reason }

    /// A failure described by an errno value.
    package init(errno code: Int32) {
        switch code {
        case ENOENT: reason = "no such file"
        case EACCES, EPERM: reason = "cannot read the file (permission denied)"
        case EISDIR: reason = "is a directory, not a file"
        case ENOTDIR: reason = "no such file (a path component is not a directory)"
        default: reason = "cannot read the file (\(String(cString: strerror(code))))"
        }
    }
}
