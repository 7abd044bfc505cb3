#if canImport(Glibc)
import Glibc
#endif

/// Where `tlshello server` finds the demo's certificate and key when no `--cert`/`--key` names
/// them: `certs/` in the working directory (the source tree), else the installed copy beside the
/// binary (`PREFIX/share/tlshello/certs` for `PREFIX/bin/tlshello`: /usr/share/tlshello/certs for
/// the Debian package).
enum DemoCertificateFiles {
    /// The demo's certificate, relative to the working directory.
    static let certificate = "certs/diegoUcamCert.pem"
    /// The demo's key, relative to the working directory.
    static let key = "certs/diegoUcamKey.pem"
    /// Where an installed tlshello keeps them, relative to the prefix (the folder above the
    /// binary's `bin`).
    static let installedFolder = "share/tlshello/certs"

    /// `relativePath` (one of ``certificate`` and ``key``) where it exists: in the working
    /// directory first, then in the installed folder beside the running binary. When neither has
    /// it, `relativePath` itself, so that the error names the file the server looked for first.
    static func locate(_ relativePath: String) -> String {
        if exists(relativePath) { return relativePath }
        guard let executable = executablePath(), let binSlash = executable.lastIndex(of: "/"),
              let prefixSlash = executable[..<binSlash].lastIndex(of: "/") else { return relativePath }
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        let installed = String(executable[...prefixSlash]) + installedFolder + "/" + name
        return exists(installed) ? installed : relativePath
    }

    private static func exists(_ path: String) -> Bool {
        access(path, R_OK) == 0
    }

    /// The running binary's path, symbolic links resolved (/proc/self/exe).
    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
