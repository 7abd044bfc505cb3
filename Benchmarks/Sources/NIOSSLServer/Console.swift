#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Unbuffered line output on the standard streams (a driver reading stdout sees a line
/// as soon as it is written), and the process exit.
enum Console {
    /// Writes `line` and a newline to standard output.
    static func output(_ line: String) { write(line + "\n", to: STDOUT_FILENO) }

    /// Writes `line` and a newline to standard error.
    static func error(_ line: String) { write(line + "\n", to: STDERR_FILENO) }

    /// Ends the process with `status`.
    static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Musl.exit(status)
        #endif
    }

    private static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                #if canImport(Glibc)
                return Glibc.write(descriptor, base + offset, raw.count - offset)
                #else
                return Musl.write(descriptor, base + offset, raw.count - offset)
                #endif
            }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
