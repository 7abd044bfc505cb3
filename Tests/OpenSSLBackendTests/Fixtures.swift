#if OpenSSL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

/// The two real backends, for tests run against each.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case gnutls
    case openssl

    var backend: any TLSBackend {
        switch self {
        case .gnutls: return GnuTLS()
        case .openssl: return OpenSSL()
        }
    }

    var testDescription: String { rawValue }
}

/// Certificates made once per test process with the package's generator.
enum Fixtures {
    static let server: GeneratedCertificate = make(CertificateRequest(
        subject: "CN=localhost,O=tlshello tests", subjectAltNames: ["localhost", "127.0.0.1", "::1"]))
    static let other: GeneratedCertificate = make(CertificateRequest(
        subject: "CN=other.invalid", subjectAltNames: ["other.invalid"]))
    static let expired: GeneratedCertificate = make(CertificateRequest(
        subject: "CN=localhost,O=expired", subjectAltNames: ["localhost", "127.0.0.1"],
        notBefore: Date(timeIntervalSince1970: 1_500_000_000), notAfter: Date(timeIntervalSince1970: 1_600_000_000)))
    static let wrongName: GeneratedCertificate = make(CertificateRequest(
        subject: "CN=www.example.invalid", subjectAltNames: ["www.example.invalid"]))

    static func make(_ request: CertificateRequest) -> GeneratedCertificate {
        do {
            return try CertificateGenerator.generate(request)
        } catch {
            fatalError("fixture generation failed: \(error)")
        }
    }

    static func serverConfiguration(_ certificate: GeneratedCertificate = server,
                                    versions: TLSVersionPolicy = .secureDefault) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(certificate.certificatePEM, label: "server.pem"),
            privateKey: .pem(certificate.privateKeyPEM, label: "server.key"))
        configuration.versions = versions
        return configuration
    }

    static func clientConfiguration(trust: GeneratedCertificate? = server, versions: TLSVersionPolicy = .secureDefault,
                                    verification: TLSConfiguration.CertificateVerification = .fullVerification) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = versions
        configuration.certificateVerification = verification
        if let trust { configuration.trustRoots = .pem(trust.certificatePEM, label: "trust.pem") }
        return configuration
    }
}
#endif
