#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import SecureSockets

/// Certificates made once per test process with the package's own generator (ECDSA P-256:
/// quick to make and to sign with), and the contexts the handler tests use.
enum Certificates {
    /// A certificate for localhost, 127.0.0.1 and ::1.
    static let server = make(CertificateRequest(
        subject: "CN=localhost,O=SecureSocketsNIO tests", subjectAltNames: ["localhost", "127.0.0.1", "::1"], keyType: .ecdsaP256))

    /// An expired certificate for localhost.
    static let expired = make(CertificateRequest(
        subject: "CN=localhost,O=expired", subjectAltNames: ["localhost", "127.0.0.1"], keyType: .ecdsaP256,
        notBefore: Date(timeIntervalSince1970: 1_500_000_000), notAfter: Date(timeIntervalSince1970: 1_600_000_000)))

    /// A certificate that names only `www.example.invalid`.
    static let wrongName = make(CertificateRequest(
        subject: "CN=www.example.invalid", subjectAltNames: ["www.example.invalid"], keyType: .ecdsaP256))

    private static func make(_ request: CertificateRequest) -> GeneratedCertificate {
        do {
            return try CertificateGenerator.generate(request)
        } catch {
            fatalError("fixture generation failed: \(error)")
        }
    }

    /// A server context presenting `certificate`.
    static func serverContext(_ certificate: GeneratedCertificate = server, versions: TLSVersionPolicy = .secureDefault,
                              handshakeTimeout: Double = 10, applicationProtocols: [String] = [],
                              requiresApplicationProtocol: Bool = false) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(certificate.certificatePEM, label: "server.pem"),
            privateKey: .pem(certificate.privateKeyPEM, label: "server.key"))
        configuration.versions = versions
        configuration.handshakeTimeout = handshakeTimeout
        configuration.applicationProtocols = applicationProtocols
        configuration.requiresApplicationProtocol = requiresApplicationProtocol
        return try GnuTLS().makeContext(configuration: configuration)
    }

    /// A client context trusting `trust` (by default the certificate the server presents).
    static func clientContext(trust: GeneratedCertificate = server, versions: TLSVersionPolicy = .secureDefault,
                              handshakeTimeout: Double = 10, applicationProtocols: [String] = []) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = versions
        configuration.handshakeTimeout = handshakeTimeout
        configuration.trustRoots = .pem(trust.certificatePEM, label: "trust.pem")
        configuration.applicationProtocols = applicationProtocols
        return try GnuTLS().makeContext(configuration: configuration)
    }
}
