import Foundation
import Testing

/// The foreign TLS peers of the interop tests: OpenSSL's `s_server` / `s_client` and the demo's
/// Python 3 port (`interop/python`). Every child runs through ``RunningProcess`` on 127.0.0.1.
enum Peers {
    static let openssl: String? = Paths.which("openssl")

    /// The real Python 3 interpreter: a pyenv shim is resolved once, so the PID we stop is Python's.
    static let python: String? = {
        guard let shim = Paths.which("python3"),
              let result = try? run(shim, ["-c", "import sys; print(sys.executable)"], timeout: 10),
              result.status == 0 else { return nil }
        let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: path) ? path : shim
    }()

    static let demoServer = Paths.root + "/interop/python/demo_server.py"
    static let demoClient = Paths.root + "/interop/python/demo_client.py"

    /// OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 signatures, CBC-SHA suites) at its default security level.
    static let legacyCiphers = "DEFAULT:@SECLEVEL=0"
}

/// One row of the version table, as each tool spells it.
struct VersionCase: Sendable, CustomTestStringConvertible {
    /// `tlshello` / demo spelling: tlsv1.0 … tlsv1.3.
    let name: String
    /// `openssl s_server` / `s_client` flag that pins it.
    let opensslFlag: String
    /// How `tlshello` prints it (GnuTLS name).
    let gnutlsName: String
    /// How OpenSSL prints it (`SSL_get_version`).
    let opensslName: String

    var isLegacy: Bool { name == "tlsv1.0" || name == "tlsv1.1" }

    /// The OpenSSL arguments that pin this version (and, for 1.0/1.1, let it work at all).
    var opensslArguments: [String] { [opensslFlag] + (isLegacy ? ["-cipher", Peers.legacyCiphers] : []) }

    var testDescription: String { name }

    static let tls10 = VersionCase(name: "tlsv1.0", opensslFlag: "-tls1", gnutlsName: "TLS1.0", opensslName: "TLSv1")
    static let tls11 = VersionCase(name: "tlsv1.1", opensslFlag: "-tls1_1", gnutlsName: "TLS1.1", opensslName: "TLSv1.1")
    static let tls12 = VersionCase(name: "tlsv1.2", opensslFlag: "-tls1_2", gnutlsName: "TLS1.2", opensslName: "TLSv1.2")
    static let tls13 = VersionCase(name: "tlsv1.3", opensslFlag: "-tls1_3", gnutlsName: "TLS1.3", opensslName: "TLSv1.3")
    static let all = [tls10, tls11, tls12, tls13]
}

/// `openssl s_server` for one connection (`-naccept 1`) on 127.0.0.1 with a kernel-chosen port.
/// OpenSSL 3.0 prints `ACCEPT 127.0.0.1:PORT` (the real port) after `listen()` returned
/// (apps/lib/s_socket.c, `do_server`); `-quiet` and `-brief` would hide that line.
/// What it reads on stdin it sends to the client; what it receives it prints to stdout.
final class OpenSSLServer {
    let process: RunningProcess
    let port: Int

    init(_ versionArguments: [String], timeout: Double = 10) throws {
        guard let openssl = Peers.openssl else { throw HarnessError.peerDidNotStart("openssl not on PATH") }
        process = try RunningProcess(openssl, [
            "s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
            "-cert", Paths.demoCertificate, "-key", Paths.demoKey,
        ] + versionArguments)
        guard let line = process.waitForLine(containing: "ACCEPT 127.0.0.1:", timeout: timeout),
              let port = Int(line.split(separator: ":").last ?? "") else {
            let result = process.stop(signal: SIGKILL)
            throw HarnessError.peerDidNotStart("s_server: " + result.stdout + result.stderr)
        }
        self.port = port
    }

    deinit { process.stop(signal: SIGKILL, timeout: 5) }
}

/// `interop/python/demo_server.py --once` on 127.0.0.1 with a free port.
final class PythonDemoServer {
    let process: RunningProcess
    let port: Int

    init(_ extra: [String], timeout: Double = 10) throws {
        guard let python = Peers.python else { throw HarnessError.peerDidNotStart("python3 not on PATH") }
        process = try RunningProcess(python, [Peers.demoServer, "--host", "127.0.0.1", "--port", "0", "--once"] + extra)
        guard let line = process.waitForLine(containing: "listening on 127.0.0.1:", timeout: timeout),
              let portText = line.split(separator: " ").first(where: { $0.hasPrefix("127.0.0.1:") })?.split(separator: ":").last,
              let port = Int(portText) else {
            let result = process.stop(signal: SIGKILL)
            throw HarnessError.peerDidNotStart("demo_server.py: " + result.stdout + result.stderr)
        }
        self.port = port
    }

    deinit { process.stop(signal: SIGKILL, timeout: 5) }
}

extension RunningProcess {
    /// Like ``send(_:)``, but a child that already exited fails the write instead of killing the
    /// test runner (the harness's `send` dies of SIGPIPE, or traps on EPIPE). False if not written.
    func sendIfRunning(_ text: String) -> Bool {
        guard process.isRunning else { return false }
        return send(text)
    }
}

extension String {
    /// The lines of the text, without empty ones.
    var nonEmptyLines: [String] { split(separator: "\n").map(String.init) }

    /// The first line that contains `text`.
    func line(containing text: String) -> String? { nonEmptyLines.first { $0.contains(text) } }

    /// How many lines contain `text`.
    func count(linesContaining text: String) -> Int { nonEmptyLines.filter { $0.contains(text) }.count }
}
