import Foundation
import GnuTLSBackend
import SecureSockets
import Testing

/// OCSP stapling in the library, with a response made by `openssl ocsp` from a throw-away CA: a
/// server context made with it (every failing GnuTLS call on the way throws, nothing is released
/// twice) and an in-memory handshake reporting it in ``SessionInfo/ocspStatus``.
@Suite(.enabled(if: Peers.openssl != nil, "openssl is not on PATH"))
struct OCSPStaplingContextTests {
    private func serverConfiguration(_ ca: ThrowawayCA, response: [UInt8]?) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: .file(ca.leaf), privateKey: .file(ca.leafKey))
        configuration.ocspResponse = response.map { .der($0, label: "response.der") }
        configuration.ticketKey = .generate()
        return configuration
    }

    private func clientContext(_ ca: ThrowawayCA, requiring: Bool) throws -> any TLSContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(ca.ca)
        configuration.requiresOCSPStatus = requiring
        return try GnuTLS().makeContext(configuration: configuration)
    }

    @Test func everyFailureOfAStaplingServerContextThrows() throws {
        let ca = try ThrowawayCA()
        let response = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try ca.response(.good))))
        let configuration = try serverConfiguration(ca, response: response)
        let counting = GnuTLSFaultPlan(failingCall: nil)
        let context = try counting.run { () throws(TLSError) in try GnuTLSContext(configuration: configuration) }
        #expect(context.ocspStatus?.certificateStatus == .good)
        #expect(counting.calls.contains { $0.hasPrefix("GnuTLSBackend/OCSPStapling.swift") })
        #expect(counting.calls.contains { $0.hasPrefix("GnuTLSBackend/OCSPResponse.swift") })
        #expect(!counting.calls.contains { $0.hasPrefix("GnuTLSBackend/SessionTicketKey.swift") }, "a shared key needs no random bytes")
        for number in 1...counting.calls.count {
            let plan = GnuTLSFaultPlan(failingCall: number)
            #expect(throws: TLSError.self, "call \(number): \(counting.calls[number - 1])") {
                _ = try plan.run { () throws(TLSError) in try GnuTLSContext(configuration: configuration) }
            }
        }
    }

    @Test(arguments: [TLSVersion.tlsv1_2, .tlsv1_3])
    func aStapledResponseIsReportedAndARequiringClientRefusesAServerWithout(version: TLSVersion) throws {
        let ca = try ThrowawayCA()
        let response = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try ca.response(.good))))
        var stapling = try serverConfiguration(ca, response: response)
        stapling.versions = .exactly(version)
        let pair = try TLSSessionPair(client: clientContext(ca, requiring: true), server: GnuTLS().makeContext(configuration: stapling),
                                      serverName: "localhost")
        try pair.handshake()
        let status = try #require(pair.client.info?.ocspStatus)
        #expect(status.certificateStatus == .good && status.verified && status.isGood)
        #expect(status.nextUpdate.map { $0 > Date() } == true)
        // The server reports what it stapled, unchecked by itself.
        #expect(pair.server.info?.ocspStatus == OCSPStatus(certificateStatus: .good, thisUpdate: status.thisUpdate,
                                                           nextUpdate: status.nextUpdate, verified: false))

        var bare = try serverConfiguration(ca, response: nil)
        bare.versions = .exactly(version)
        let refused = try TLSSessionPair(client: clientContext(ca, requiring: true), server: GnuTLS().makeContext(configuration: bare),
                                         serverName: "localhost")
        #expect {
            try refused.handshake()
        } throws: { error in
            guard let failure = error as? TLSSessionPair.Failure, case let .ocspStatusRequired(reason, alert)? = failure.client else {
                return false
            }
            return reason == "the server stapled no OCSP response" && alert?.code == 113
                && failure.server?.description.contains("bad_certificate_status_response") == true
        }
    }

    @Test func requiringAStatusWithoutVerificationIsRefused() throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.requiresOCSPStatus = true
        #expect(throws: TLSError.invalidConfiguration("requiring an OCSP status needs verification: an unverified response proves nothing")) {
            _ = try GnuTLS().makeContext(configuration: configuration)
        }
    }
}
