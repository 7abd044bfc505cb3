import GnuTLSBackend
import SecureSockets

extension Fixtures {
    /// A server configuration presenting `certificate`, for any backend.
    static func serverConfiguration(_ certificate: GeneratedCertificate = server,
                                    versions: TLSVersionPolicy = .secureDefault) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: .pem(certificate.certificatePEM, label: "server.pem"),
            privateKey: .pem(certificate.privateKeyPEM, label: "server.key"))
        configuration.versions = versions
        return configuration
    }

    /// A client configuration trusting `trust` (default: the test server certificate), for any backend.
    static func clientConfiguration(trust: GeneratedCertificate? = server, versions: TLSVersionPolicy = .secureDefault,
                                    verification: TLSConfiguration.CertificateVerification = .fullVerification) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.versions = versions
        configuration.certificateVerification = verification
        if let trust { configuration.trustRoots = .pem(trust.certificatePEM, label: "trust.pem") }
        return configuration
    }
}
