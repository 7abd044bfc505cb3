import Foundation
import GnuTLSBackend
import SecureSockets
import TestSupport

/// Client certificates for the mutual-TLS tests, made by the package's generator and written to
/// a temporary directory: a root CA (the server's --client-cafile), an intermediate CA under it,
/// clients it issued (RSA with the intermediate in its chain, ECDSA, Ed25519 with an encrypted
/// key) and the bad ones (another CA's, expired, meant for servers only).
final class ClientCertificateFiles {
    /// A certificate file and its key file.
    struct Pair {
        let certificate: String
        let key: String
        let subject: String
        let fingerprint: String

        /// `--cert C --key K` for tlshello client.
        var options: [String] { ["--cert", certificate, "--key", key] }
    }

    static let passphrase = "client s3cret"

    let folder: TemporaryDirectory
    /// The root CA's certificate: what a server trusts for client certificates.
    let authority: String
    /// RSA, issued by the intermediate CA; its file holds the leaf and the intermediate.
    let rsa: Pair
    /// ECDSA P-256, issued by the root.
    let ecdsa: Pair
    /// Ed25519, issued by the root, its key encrypted with ``passphrase``.
    let ed25519: Pair
    /// Issued by a CA the server does not trust.
    let stranger: Pair
    /// Expired in 2020.
    let expired: Pair
    /// For TLS server authentication only (extended key usage serverAuth).
    let serverOnly: Pair
    /// RSA whose key usage lacks digitalSignature: it may not sign the handshake.
    let noSignature: Pair
    /// A second, unrelated CA (what ``stranger``'s issuer is), for reload tests.
    let otherAuthority: String

    init() throws {
        let folder = try TemporaryDirectory()
        self.folder = folder
        let root = try CertificateGenerator.generate(CertificateRequest(subject: "CN=tlshello test client CA,O=tlshello tests", subjectAltNames: [], isCA: true))
        let intermediate = try CertificateGenerator.generate(
            CertificateRequest(subject: "CN=tlshello test intermediate CA,O=tlshello tests", subjectAltNames: [], isCA: true), signedBy: root)
        let other = try CertificateGenerator.generate(CertificateRequest(subject: "CN=another client CA", subjectAltNames: [], isCA: true))
        authority = try folder.write("client-ca.pem", root.certificatePEM)
        otherAuthority = try folder.write("other-ca.pem", other.certificatePEM)
        func write(_ name: String, _ made: GeneratedCertificate, chain: [GeneratedCertificate] = [], key: String? = nil) throws -> Pair {
            Pair(certificate: try folder.write("\(name).pem", ([made] + chain).map(\.certificatePEM).joined()),
                 key: try folder.write("\(name).key", key ?? made.privateKeyPEM),
                 subject: made.info.subject, fingerprint: made.info.sha256Fingerprint)
        }
        let client = { (subject: String, keyType: CertificateRequest.KeyType) in
            CertificateRequest(subject: subject, subjectAltNames: [], keyType: keyType)
        }
        rsa = try write("alice", CertificateGenerator.generate(client("CN=alice,O=tlshello tests", .rsa(bits: 2048)), signedBy: intermediate),
                        chain: [intermediate])
        ecdsa = try write("bob", CertificateGenerator.generate(client("CN=bob,O=tlshello tests", .ecdsaP256), signedBy: root))
        let carol = try CertificateGenerator.generate(client("CN=carol,O=tlshello tests", .ed25519), signedBy: root)
        ed25519 = try write("carol", carol, key: carol.privateKeyPEM(encryptedWith: Self.passphrase))
        stranger = try write("mallory", CertificateGenerator.generate(client("CN=mallory", .ecdsaP256), signedBy: other))
        var old = client("CN=dave,O=expired", .ecdsaP256)
        old.notBefore = Date(timeIntervalSince1970: 1_500_000_000)
        old.notAfter = Date(timeIntervalSince1970: 1_600_000_000)
        expired = try write("dave", CertificateGenerator.generate(old, signedBy: root))
        var serverOnlyRequest = client("CN=erin,O=server only", .ecdsaP256)
        serverOnlyRequest.extendedKeyUsage = [.tlsServer]
        serverOnly = try write("erin", CertificateGenerator.generate(serverOnlyRequest, signedBy: root))
        var noSignatureRequest = client("CN=frank,O=no signature", .rsa(bits: 2048))
        noSignatureRequest.withoutDigitalSignature = true
        noSignature = try write("frank", CertificateGenerator.generate(noSignatureRequest, signedBy: root))
    }
}

extension RunningProcess {
    /// The `failed:` line a `tlshello server` printed for connection `number`, waited for up to
    /// `timeout` seconds; nil if none came.
    func failureLine(connection number: Int, timeout: Double = 10) -> String? {
        let prefix = "[#\(number) "
        func find(_ data: Data) -> String? {
            String(decoding: data, as: UTF8.self).nonEmptyLines.first { $0.hasPrefix(prefix) && $0.contains("] failed: ") }
        }
        guard waitUntil(timeout: timeout, { find($0) != nil }) else { return nil }
        return find(stdoutData)
    }
}
