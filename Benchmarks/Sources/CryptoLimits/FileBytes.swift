#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole-file reads with the system's reason on failure.
enum FileBytes {
    /// The contents of `path`; `label` names the file in the error ("RSA key").
    static func read(_ path: String, label: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw LimitsError("cannot read \(label) \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { contents.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count {
                if ferror(file) != 0 {
                    throw LimitsError("cannot read \(label) \(path): \(String(cString: strerror(errno)))")
                }
                break
            }
        }
        guard !contents.isEmpty else { throw LimitsError("cannot read \(label) \(path): the file is empty") }
        return contents
    }
}
