import Foundation
import Testing

/// `gnutls-serv --echo` alone in a network namespace of its own: it has no option to bind one
/// address, so with only the namespace's loopback up, its 0.0.0.0 and :: are that loopback and
/// nothing outside can reach it. Clients join the namespace with ``client(_:)`` (`nsenter`). Its
/// "listening on IPv4 0.0.0.0 port N...done" line (stderr) comes after `listen()`.
final class GnuTLSServer {
    /// The port inside the namespace, free by construction.
    static let port = 5556

    static let gnutlsServ: String? = Paths.which("gnutls-serv")
    static let unshare: String? = Paths.which("unshare")
    static let nsenter: String? = Paths.which("nsenter")

    /// True when gnutls-serv can run in a namespace of its own here (the tools exist and the
    /// kernel lets this process make a network namespace).
    static let isAvailable: Bool = {
        guard gnutlsServ != nil, let unshare, nsenter != nil, Paths.which("ip") != nil,
              let probe = try? run(unshare, ["--net", "--", "true"], timeout: 10) else { return false }
        return probe.status == 0
    }()

    let process: RunningProcess

    /// Starts gnutls-serv with `certificate` and `key` (default: the demo's) and `arguments` (e.g. `--alpn h2`).
    init(_ arguments: [String], certificate: String = Paths.demoCertificate, key: String = Paths.demoKey,
         timeout: Double = 10) throws {
        guard let unshare = Self.unshare, let gnutlsServ = Self.gnutlsServ else {
            throw HarnessError.peerDidNotStart("gnutls-serv or unshare not on PATH")
        }
        let script = "serv=\"$0\" cert=\"$1\" key=\"$2\"; shift 2; ip link set lo up && "
            + "exec \"$serv\" --echo --x509certfile \"$cert\" --x509keyfile \"$key\" --port \(Self.port) \"$@\""
        // unshare execs sh, which execs gnutls-serv: the PID stopped at the end is gnutls-serv's.
        process = try RunningProcess(unshare, ["--net", "--", "sh", "-c", script,
                                               gnutlsServ, certificate, key] + arguments)
        guard process.waitForLine(containing: "port \(Self.port)...done", timeout: timeout) != nil else {
            let result = process.stop(signal: SIGKILL)
            throw HarnessError.peerDidNotStart("gnutls-serv: " + result.stdout + result.stderr)
        }
    }

    /// Runs `tlshello client 127.0.0.1 --port PORT` plus `arguments` inside the server's namespace.
    func client(_ arguments: [String], timeout: Double = 30) throws -> ProcessResult {
        guard let nsenter = Self.nsenter else { throw HarnessError.peerDidNotStart("nsenter not on PATH") }
        return try run(nsenter, ["--net=/proc/\(process.pid)/ns/net", "--", Paths.tlshello,
                                 "client", "127.0.0.1", "--port", String(Self.port)] + arguments, timeout: timeout)
    }

    deinit { process.stop(signal: SIGKILL, timeout: 5) }
}
