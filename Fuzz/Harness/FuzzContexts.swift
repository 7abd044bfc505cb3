import GnuTLSBackend
import SecureSockets

/// The contexts the session targets use, made once per process (a context compiles priorities
/// and loads keys: far too slow to repeat per input). The server certificate is generated in
/// memory with the package's own generator.
package enum FuzzContexts {
    /// The server's certificate, for localhost.
    package static let certificate: GeneratedCertificate = {
        do {
            return try CertificateGenerator.generate(CertificateRequest(subject: "CN=localhost,O=tlshello fuzzing"))
        } catch {
            fatalError("fuzz fixture: certificate generation failed: \(error)")
        }
    }()

    /// Every table version, TLS 1.0 to 1.3.
    package static let allVersions = TLSVersionPolicy.range(minimum: .tlsv1_0, maximum: .tlsv1_3)

    /// A server at the secure default.
    package static let server = makeServer(versions: .secureDefault)
    /// A server accepting every table version.
    package static let serverAllVersions = makeServer(versions: allVersions)
    /// A client at the secure default, not verifying (so the handshake goes past the certificate).
    package static let client = makeClient(versions: .secureDefault, verification: .none)
    /// A client offering every table version, not verifying.
    package static let clientAllVersions = makeClient(versions: allVersions, verification: .none)
    /// A client offering every table version and verifying the chain and name against ``certificate``.
    package static let clientVerifying = makeClient(versions: allVersions, verification: .fullVerification)

    /// A server context for `versions`.
    package static func makeServer(versions: TLSVersionPolicy) -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(certificate.certificatePEM, label: "fuzz-server.pem"),
            privateKey: .pem(certificate.privateKeyPEM, label: "fuzz-server.key"))
        configuration.versions = versions
        return make(configuration)
    }

    /// A client context for `versions` that trusts ``certificate``.
    package static func makeClient(versions: TLSVersionPolicy,
                                   verification: TLSConfiguration.CertificateVerification) -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = versions
        configuration.certificateVerification = verification
        configuration.trustRoots = .pem(certificate.certificatePEM, label: "fuzz-trust.pem")
        return make(configuration)
    }

    private static func make(_ configuration: TLSConfiguration) -> any TLSContext {
        do {
            return try GnuTLS().makeContext(configuration: configuration)
        } catch {
            fatalError("fuzz fixture: \(configuration.role) context failed: \(error)")
        }
    }
}
