#if OpenSSL
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

/// Credentials and settings only the OpenSSL backend has (ALPN, client certificates, resumption
/// and the key log are in the backend conformance suite, BackendConformance).
@Suite struct OpenSSLFeatureTests {
    @Test func encryptedKeyLoadsWithItsPassphraseOnly() throws {
        let encrypted = try Fixtures.server.privateKeyPEM(encryptedWith: "s3cret")
        var configuration = Fixtures.serverConfiguration()
        configuration.privateKey = .pem(encrypted, label: "server.key", passphrase: "s3cret")
        let context = try OpenSSL().makeContext(configuration: configuration)
        #expect(context.localCertificate?.sha256Fingerprint == Fixtures.server.info.sha256Fingerprint)

        configuration.privateKey = .pem(encrypted, label: "server.key", passphrase: "wrong")
        let wrong = try #require(throws: TLSError.self) { try OpenSSL().makeContext(configuration: configuration) }
        #expect(wrong.kind == "wrong-passphrase")
        configuration.privateKey = .pem(encrypted, label: "server.key")
        let missing = try #require(throws: TLSError.self) { try OpenSSL().makeContext(configuration: configuration) }
        #expect(missing.kind == "wrong-passphrase")
    }

    @Test func keyOfAnotherCertificateIsAMismatch() throws {
        var configuration = Fixtures.serverConfiguration()
        configuration.privateKey = .pem(Fixtures.other.privateKeyPEM, label: "other.key")
        let error = try #require(throws: TLSError.self) { try OpenSSL().makeContext(configuration: configuration) }
        #expect(error.kind == "key-mismatch")
    }

    @Test func missingCertificateFileIsNamed() throws {
        var configuration = Fixtures.serverConfiguration()
        configuration.certificateChain = .file("/nonexistent/server.pem")
        let error = try #require(throws: TLSError.self) { try OpenSSL().makeContext(configuration: configuration) }
        #expect(error.kind == "certificate-file")
        #expect(error.description.contains("/nonexistent/server.pem"))
    }

    @Test func versionTableSetsSecurityLevelZeroOnlyForDeprecatedVersions() {
        #expect(OpenSSL().describe(.exactly(.tlsv1_0)).contains("@SECLEVEL=0"))
        #expect(OpenSSL().describe(.range(minimum: .tlsv1_1, maximum: .tlsv1_3)).contains("@SECLEVEL=0"))
        #expect(!OpenSSL().describe(.exactly(.tlsv1_2)).contains("SECLEVEL"))
        #expect(!OpenSSL().describe(.secureDefault).contains("SECLEVEL"))
    }
}
#endif
