#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import SecureSockets

/// Certificates made once per test process with the package's own generator.
enum Fixtures {
    /// A self-signed RSA server certificate for localhost, 127.0.0.1 and ::1.
    static let server: GeneratedCertificate = make(CertificateRequest(
        subject: "CN=localhost,O=tlshello tests", subjectAltNames: ["localhost", "127.0.0.1", "::1"]))

    /// A second, unrelated self-signed certificate (an unknown issuer for `server`).
    static let other: GeneratedCertificate = make(CertificateRequest(
        subject: "CN=other.invalid", subjectAltNames: ["other.invalid"]))

    /// An expired certificate for localhost.
    static let expired: GeneratedCertificate = make(CertificateRequest(
        subject: "CN=localhost,O=expired", subjectAltNames: ["localhost", "127.0.0.1"],
        notBefore: Date(timeIntervalSince1970: 1_500_000_000), notAfter: Date(timeIntervalSince1970: 1_600_000_000)))

    /// A certificate that names only `www.example.invalid`.
    static let wrongName: GeneratedCertificate = make(CertificateRequest(
        subject: "CN=www.example.invalid", subjectAltNames: ["www.example.invalid"]))

    static func make(_ request: CertificateRequest) -> GeneratedCertificate {
        do {
            return try CertificateGenerator.generate(request)
        } catch {
            fatalError("fixture generation failed: \(error)")
        }
    }

    /// A server context presenting `certificate`.
    static func serverContext(_ certificate: GeneratedCertificate = server,
                              versions: TLSVersionPolicy = .secureDefault) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(certificate.certificatePEM, label: "server.pem"),
            privateKey: .pem(certificate.privateKeyPEM, label: "server.key"))
        configuration.versions = versions
        return try GnuTLS().makeContext(configuration: configuration)
    }

    /// A client context trusting `trust` (default: the test server certificate).
    static func clientContext(trust: GeneratedCertificate? = server, versions: TLSVersionPolicy = .secureDefault,
                              verification: TLSConfiguration.CertificateVerification = .fullVerification) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = versions
        configuration.certificateVerification = verification
        if let trust { configuration.trustRoots = .pem(trust.certificatePEM, label: "trust.pem") }
        return try GnuTLS().makeContext(configuration: configuration)
    }
}
