import Foundation
import TestSupport

/// A certificate authority made by `openssl` in a temporary directory for one test: its
/// certificate (`ca.pem`), a server certificate it issued for localhost and 127.0.0.1
/// (`leaf.pem`, `leaf.key`, serial 1001), and OCSP responses about that certificate signed by the
/// CA with `openssl ocsp` (good, revoked, unknown), valid for a week.
final class ThrowawayCA {
    let folder: TemporaryDirectory
    var ca: String { folder.file("ca.pem") }
    var leaf: String { folder.file("leaf.pem") }
    var leafKey: String { folder.file("leaf.key") }
    let opensslPath: String

    /// Makes the CA and the server certificate.
    init() throws {
        guard let openssl = Peers.openssl else { throw HarnessError.peerDidNotStart("openssl not on PATH") }
        self.opensslPath = openssl
        folder = try TemporaryDirectory()
        try run(openssl: [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-subj", "/CN=Throwaway CA", "-days", "2",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        try issue(name: "leaf", serial: "1001")
    }

    /// Issues a server certificate `NAME.pem` (key `NAME.key`) for localhost and 127.0.0.1.
    func issue(name: String, serial: String) throws {
        try run(openssl: ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key",
                     "-out", "\(name).csr", "-subj", "/CN=localhost"])
        _ = try folder.write("ext.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
        try run(openssl: ["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "0x\(serial)",
                     "-days", "2", "-out", "\(name).pem", "-extfile", "ext.cnf"])
    }

    /// What the responder's database says about the server certificate.
    enum Status: String { case good, revoked, unknown }

    /// An OCSP response (DER) about the server certificate saying `status`, written to
    /// `STATUS.der` (or `file`); `unknown` comes from a database that does not list it.
    @discardableResult
    func response(_ status: Status, file: String? = nil) throws -> String {
        let name = file ?? "\(status.rawValue).der"
        let index: String
        switch status {
        case .good: index = "V\t301231000000Z\t\t1001\tunknown\t/CN=localhost\n"
        case .revoked: index = "R\t301231000000Z\t261101000000Z,keyCompromise\t1001\tunknown\t/CN=localhost\n"
        case .unknown: index = "V\t301231000000Z\t\t2002\tunknown\t/CN=other\n"
        }
        _ = try folder.write("index-\(status.rawValue).txt", index)
        try run(openssl: ["ocsp", "-issuer", "ca.pem", "-cert", "leaf.pem", "-no_nonce", "-reqout", "request.der"])
        try run(openssl: ["ocsp", "-index", "index-\(status.rawValue).txt", "-rsigner", "ca.pem", "-rkey", "ca.key", "-CA", "ca.pem",
                     "-reqin", "request.der", "-respout", name, "-ndays", "7"])
        return folder.file(name)
    }

    private func run(openssl arguments: [String]) throws {
        let child = try RunningProcess(opensslPath, arguments, directory: folder.path)
        child.closeInput()
        let result = child.wait(timeout: 30)
        guard result.status == 0 else {
            throw HarnessError.peerDidNotStart("openssl \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }
}
