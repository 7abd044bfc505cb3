#if OpenSSL
import Foundation
import TestSupport
import GnuTLSBackend
import OpenSSLBackend
import SecureSockets
import Testing

extension CLIBackendTests {
    /// OCSP stapling on the OpenSSL backend, with responses made by `openssl ocsp` from a
    /// throw-away CA: an OpenSSL server staples, an OpenSSL client asks, checks and reports, each
    /// against either backend, and both backends refuse the same things in the same words.
    @Suite(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"))
    struct OpenSSLStapling {
        enum Side: String, CaseIterable, CustomTestStringConvertible, Sendable {
            case gnutls, openssl
            var backend: any TLSBackend { self == .gnutls ? GnuTLS() : OpenSSL() }
            var testDescription: String { rawValue }
        }

        /// Every pair with an OpenSSL side: (client, server).
        static let pairs: [(Side, Side)] = [(.openssl, .openssl), (.openssl, .gnutls), (.gnutls, .openssl)]

        private func server(_ side: Side, _ ca: ThrowawayCA, response: String?, version: TLSVersion = .tlsv1_3,
                            certificate: String = "leaf") throws -> any TLSContext {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: .file(ca.folder.file("\(certificate).pem")), privateKey: .file(ca.folder.file("\(certificate).key")))
            configuration.ocspResponse = response.map { .file($0) }
            configuration.versions = .exactly(version)
            return try side.backend.makeContext(configuration: configuration)
        }

        private func client(_ side: Side, _ ca: ThrowawayCA, requiring: Bool) throws -> any TLSContext {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(ca.ca)
            configuration.requiresOCSPStatus = requiring
            return try side.backend.makeContext(configuration: configuration)
        }

        @Test(arguments: pairs, [TLSVersion.tlsv1_2, .tlsv1_3])
        func aStapledGoodStatusIsVerifiedAndReported(sides: (Side, Side), version: TLSVersion) throws {
            let ca = try ThrowawayCA()
            let server = try server(sides.1, ca, response: try ca.response(.good), version: version)
            #expect(server.ocspStatus?.certificateStatus == .good)
            let pair = try TLSSessionPair(client: client(sides.0, ca, requiring: true), server: server, serverName: "localhost")
            var traced: [TLSTraceEvent] = []
            pair.client.traceHandler = { traced.append($0) }
            try pair.handshake()
            let status = try #require(pair.client.info?.ocspStatus)
            // The trace shows the stapled response where it travels: in the Certificate message in
            // TLS 1.3, in CertificateStatus before.
            let carrier = try #require(traced.first { $0.details.contains("stapled OCSP good") || $0.message == "CertificateStatus" })
            #expect(carrier.message == (version == .tlsv1_3 ? "Certificate" : "CertificateStatus"))
            #expect(carrier.details.contains("OCSP good, this update \(status.thisUpdate.utcText)"), "\(carrier.line)")
            #expect(status.certificateStatus == .good && status.isGood)
            #expect(status.nextUpdate.map { $0 > Date() } == true)
            // The server reports what it stapled, unchecked by itself.
            #expect(pair.server.info?.ocspStatus == OCSPStatus(certificateStatus: .good, thisUpdate: status.thisUpdate,
                                                               nextUpdate: status.nextUpdate, verified: false))
        }

        @Test(arguments: Side.allCases)
        func aClientThatDoesNotRequireAStatusReportsNoneWhenNoneIsStapled(server side: Side) throws {
            let ca = try ThrowawayCA()
            let pair = try TLSSessionPair(client: client(.openssl, ca, requiring: false), server: server(side, ca, response: nil),
                                          serverName: "localhost")
            try pair.handshake()
            #expect(pair.client.info?.ocspStatus == nil)
            #expect(pair.server.info?.ocspStatus == nil)
        }

        /// A requiring client refuses a server that staples nothing, or an `unknown` status, with
        /// bad_certificate_status_response and the same sentence on either backend.
        @Test(arguments: Side.allCases, [ThrowawayCA.Status.unknown, nil])
        func aRequiringClientRefusesInTheSameWords(server side: Side, stapled: ThrowawayCA.Status?) throws {
            let ca = try ThrowawayCA()
            let response = try stapled.map { try ca.response($0) }
            var texts: [String] = []
            for clientSide in Side.allCases {
                let pair = try TLSSessionPair(client: client(clientSide, ca, requiring: true), server: server(side, ca, response: response),
                                              serverName: "localhost")
                let failure = try #require(throws: TLSSessionPair.Failure.self) { try pair.handshake() }
                guard case let .ocspStatusRequired(reason, alert)? = failure.client else {
                    Issue.record("\(clientSide): not an OCSP refusal: \(String(describing: failure.client))")
                    continue
                }
                #expect(alert?.code == 113)
                #expect(reason.hasPrefix(stapled == nil ? "the server stapled no OCSP response" : "the response the server stapled says unknown ("))
                texts.append(reason)
            }
            #expect(texts.count == 2 && texts[0] == texts[1])
        }

        /// With several identities the response is stapled only when the certificate it is about serves.
        @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
        func withSeveralIdentitiesOnlyTheCertificateItIsAboutGetsTheResponse(version: TLSVersion) throws {
            let ca = try ThrowawayCA()
            let rsa = try CertificateGenerator.generate(CertificateRequest(subject: "CN=rsa.test", subjectAltNames: ["localhost"]))
            var configuration = TLSConfiguration.makeServerConfiguration(identities: [
                .init(certificateChain: .pem(rsa.certificatePEM, label: "rsa.pem"), privateKey: .pem(rsa.privateKeyPEM, label: "rsa.key")),
                .init(certificateChain: .file(ca.leaf), privateKey: .file(ca.leafKey)),
            ])
            configuration.ocspResponse = .file(try ca.response(.good))
            configuration.versions = .exactly(version)
            let server = try OpenSSL().makeContext(configuration: configuration)
            let base = "NORMAL:-VERS-ALL:+VERS-TLS\(version == .tlsv1_3 ? "1.3" : "1.2")"
            for (signatures, stapled) in [(":-SIGN-ALL:+SIGN-ECDSA-SHA256:+SIGN-ECDSA-SECP256R1-SHA256", true),
                                          (":-SIGN-ALL:+SIGN-RSA-SHA256:+SIGN-RSA-PSS-RSAE-SHA256", false)] {
                var client = TLSConfiguration.makeClientConfiguration()
                client.certificateVerification = .none
                let gnutls = GnuTLS(options: GnuTLSOptions(priority: base + signatures))
                let pair = try TLSSessionPair(client: gnutls.makeContext(configuration: client), server: server, serverName: "localhost")
                try pair.handshake()
                #expect((pair.server.info?.localCertificate?.subject == "CN=localhost") == stapled)
                #expect((pair.server.info?.ocspStatus != nil) == stapled)
                #expect((pair.client.info?.ocspStatus?.certificateStatus == .good) == stapled)
            }
        }

        @Test func theServersContextRefusesWhatItMustNotStapleAsGnuTLSDoes() throws {
            let ca = try ThrowawayCA()
            try ca.issue(name: "other", serial: "2002")
            let cases: [(String, String, String)] = [
                (try ca.response(.revoked), "leaf", "a revoked status is not stapled"),
                (try ca.response(.good), "other", "the response is about serial 1001, not about CN=localhost, serial 2002"),
                (try ca.folder.write("empty.der", ""), "leaf", "the file is empty"),
                (ca.ca, "leaf", "not a DER OCSP response"),
            ]
            for (response, certificate, expected) in cases {
                var reasons: [String] = []
                for side in Side.allCases {
                    do {
                        _ = try server(side, ca, response: response, certificate: certificate)
                        Issue.record("\(side) stapled \(response) for \(certificate)")
                    } catch let error as TLSError {
                        guard case let .ocspResponseFile(_, reason, _) = error else {
                            Issue.record("\(side): \(error)")
                            continue
                        }
                        reasons.append(reason)
                    }
                }
                #expect(reasons.count == 2 && reasons[0] == reasons[1], "\(reasons)")
                #expect(reasons.first?.contains(expected) == true, "\(reasons)")
            }
            // An unknown status is stapled, with the same warning.
            let unknown = try ca.response(.unknown)
            let warnings = try Side.allCases.map { try server($0, ca, response: unknown).warnings }
            #expect(warnings[1] == ["OCSP response \(unknown) says the certificate's status is unknown: clients that require a good status will refuse it"])
            #expect(warnings[0] == warnings[1])
        }
    }
}
#endif
