import Foundation
import GnuTLSBackend
import SecureSockets
import TestSupport
import Testing

/// Loading certificates and keys: every accepted form, and every bad input with its typed error.
@Suite struct CredentialTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    private func serverContext(cert: String, key: String, passphrase: String? = nil) throws(TLSError) -> any TLSContext {
        try GnuTLS().makeContext(configuration: .makeServerConfiguration(
            certificateChain: .file(cert), privateKey: .file(key, passphrase: passphrase)))
    }

    private func expectError(_ kind: String, containing text: String, library: String? = nil,
                             _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
        } catch {
            guard let error = error as? TLSError else {
                Issue.record("expected a TLSError, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(error.kind == kind, sourceLocation: sourceLocation)
            #expect(error.description.contains(text), "\(error.description)", sourceLocation: sourceLocation)
            if let library { #expect(error.libraryError?.name == library, sourceLocation: sourceLocation) }
        }
    }

    @Test func pkcs8PKCS1AndEncryptedKeysLoad() throws {
        let generated = Fixtures.server
        let cert = try directory.write("cert.pem", generated.certificatePEM)
        let pkcs8 = try directory.write("pkcs8.pem", generated.privateKeyPEM)
        let pkcs1 = try directory.write("pkcs1.pem", try generated.privateKeyPKCS1PEM())
        let encrypted = try directory.write("encrypted.pem", try generated.privateKeyPEM(encryptedWith: "s3cret"))
        #expect(try String(contentsOfFile: pkcs1, encoding: .utf8).hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        _ = try serverContext(cert: cert, key: pkcs8)
        _ = try serverContext(cert: cert, key: pkcs1)
        _ = try serverContext(cert: cert, key: encrypted, passphrase: "s3cret")
    }

    @Test(arguments: [CertificateRequest.KeyType.rsa(bits: 2048), .ecdsaP256, .ed25519])
    func everyKeyTypeServesAHandshake(keyType: CertificateRequest.KeyType) throws {
        let generated = try CertificateGenerator.generate(CertificateRequest(keyType: keyType))
        let pair = try TLSSessionPair(client: Fixtures.clientContext(trust: generated),
                                      server: Fixtures.serverContext(generated))
        try pair.handshake()
        #expect(pair.client.info?.peerCertificates.first?.publicKey == generated.info.publicKey)
    }

    @Test func certificateChainIsSentLeafFirst() throws {
        let ca = try CertificateGenerator.generate(CertificateRequest(subject: "CN=tlshello test CA", subjectAltNames: [], isCA: true))
        let leaf = try CertificateGenerator.generate(CertificateRequest(keyType: .ecdsaP256), signedBy: ca)
        var server = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(leaf.certificatePEM + ca.certificatePEM, label: "chain.pem"),
            privateKey: .pem(leaf.privateKeyPEM, label: "leaf.key"))
        server.versions = .secureDefault
        let pair = try TLSSessionPair(client: Fixtures.clientContext(trust: ca), server: GnuTLS().makeContext(configuration: server))
        try pair.handshake()
        let chain = try #require(pair.client.info?.peerCertificates)
        #expect(chain.map(\.subject) == ["CN=localhost", "CN=tlshello test CA"])
        #expect(chain[0].issuer == "CN=tlshello test CA")
    }

    @Test func missingCertificateFile() {
        expectError("certificate-file", containing: "certificate /nonexistent/cert.pem: no such file") {
            _ = try serverContext(cert: "/nonexistent/cert.pem", key: "/nonexistent/key.pem")
        }
    }

    @Test func unreadableCertificate() throws {
        expectError("certificate-file", containing: "is a directory") {
            _ = try serverContext(cert: directory.path, key: directory.path)
        }
    }

    @Test func fileErrorsAreSaidInWords() throws {
        let file = try directory.write("plain.txt", "x\n")
        for (path, words) in [("", "no file name given"), (file + "/cert.pem", "a path component is not a directory")] {
            #expect(throws: TLSError.certificateFile(path: path, reason: path.isEmpty ? words : "no such file (\(words))",
                                                     library: nil)) {
                _ = try PEMCertificates.load(path: path)
            }
        }
    }

    @Test func certificateFileWithoutPEM() throws {
        let cert = try directory.write("cert.pem", "this is not a certificate\n")
        let key = try directory.write("key.pem", Fixtures.server.privateKeyPEM)
        expectError("certificate-file", containing: "no PEM certificate found") {
            _ = try serverContext(cert: cert, key: key)
        }
    }

    @Test func missingKeyFile() throws {
        let cert = try directory.write("cert.pem", Fixtures.server.certificatePEM)
        expectError("private-key-file", containing: "no such file") {
            _ = try serverContext(cert: cert, key: directory.file("absent.pem"))
        }
    }

    @Test func keyFileHoldingACertificate() throws {
        let cert = try directory.write("cert.pem", Fixtures.server.certificatePEM)
        expectError("private-key-file", containing: "holds a certificate, not a private key") {
            _ = try serverContext(cert: cert, key: cert)
        }
    }

    @Test func keyFileWithGarbage() throws {
        let cert = try directory.write("cert.pem", Fixtures.server.certificatePEM)
        let key = try directory.write("key.pem", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
        expectError("private-key-file", containing: "private key \(key)") {
            _ = try serverContext(cert: cert, key: key)
        }
    }

    @Test func keyThatDoesNotMatchTheCertificate() throws {
        let cert = try directory.write("cert.pem", Fixtures.server.certificatePEM)
        let key = try directory.write("key.pem", Fixtures.other.privateKeyPEM)
        expectError("key-mismatch", containing: "does not match certificate \(cert)",
                    library: "GNUTLS_E_CERTIFICATE_KEY_MISMATCH") {
            _ = try serverContext(cert: cert, key: key)
        }
    }

    @Test(arguments: ["wrong", nil] as [String?])
    func wrongOrMissingPassphrase(passphrase: String?) throws {
        let cert = try directory.write("cert.pem", Fixtures.server.certificatePEM)
        let key = try directory.write("key.pem", try Fixtures.server.privateKeyPEM(encryptedWith: "right"))
        expectError("wrong-passphrase", containing: "passphrase is wrong or missing", library: "GNUTLS_E_DECRYPTION_FAILED") {
            _ = try serverContext(cert: cert, key: key, passphrase: passphrase)
        }
    }

    @Test func serverWithoutCertificateIsRefused() {
        expectError("invalid-configuration", containing: "a server needs a certificate chain and a private key") {
            _ = try GnuTLS().makeContext(configuration: TLSConfiguration(role: .server))
        }
    }

    @Test func trustFileWithoutCertificates() throws {
        let empty = try directory.write("empty.pem", "nothing here\n")
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(empty)
        expectError("trust-store", containing: "no PEM certificate found") {
            _ = try GnuTLS().makeContext(configuration: configuration)
        }
        configuration.trustRoots = .file(directory.file("absent.pem"))
        expectError("trust-store", containing: "no such file") {
            _ = try GnuTLS().makeContext(configuration: configuration)
        }
    }

    @Test func systemTrustStoreLoads() throws {
        _ = try GnuTLS().makeContext(configuration: .makeClientConfiguration())
    }

    @Test func expiredServerCertificateIsServedWithAWarning() throws {
        let context = try Fixtures.serverContext(Fixtures.expired)
        #expect(context.warnings.count == 1)
        #expect(context.warnings.first?.contains("expired on 2020-09-13") == true)
    }
}
