import GnuTLSBackend
import SecureSockets
import Testing
import TestSupport

/// A ClientHello larger than one record, whose supported_versions extension comes after the first
/// record, is not a version mismatch: the server must answer with GnuTLS's own alert for what is
/// wrong (here no common group: handshake_failure), not protocol_version read from a partial
/// hello. tlsfuzzer's test-tls13-unrecognised-groups and test-tls13-record-layer-limits caught it.
@Suite struct SplitClientHelloAlertTests {
    /// A TLS 1.3 ClientHello offering only `group`, with an unknown extension of `filler` bytes
    /// first, cut into handshake records of at most 16 KiB.
    static func records(group: UInt16, filler: Int) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }
        let groupBytes = u16(Int(group))
        let hello = ClientHelloMessage(cipherSuites: [0x13, 0x01], extensions: [           // TLS_AES_128_GCM_SHA256
            (0x1234, [UInt8](repeating: 0, count: filler)),                                  // an unknown extension
            (0x002b, [4, 0x03, 0x04, 0x03, 0x03]),                                           // supported_versions 1.3, 1.2
            (0x000a, u16(2) + groupBytes),                                                   // supported_groups
            (0x0033, u16(4 + 32) + groupBytes + u16(32) + [UInt8](repeating: 0xab, count: 32)), // key_share
            (0x000d, u16(2) + [0x08, 0x04]),                                                 // rsa_pss_rsae_sha256
        ])
        return TLSRecords.frame(hello.message, recordSize: 16_384)
    }

    @Test(arguments: [0, 20_000])
    func unknownGroupIsAHandshakeFailureHoweverTheHelloIsSplit(filler: Int) throws {
        let hello = Self.records(group: 0x01ff, filler: filler)
        #expect(ClientHelloSummary.parse(hello)?.isWhole == (filler == 0), "the summary reads the whole hello only without the 20,000-byte filler")
        let server = try Fixtures.serverContext(versions: .exactly(.tlsv1_3)).makeSession(peerName: nil)
        hello.withUnsafeBytes { server.receiveFromNetwork($0) }
        let error = try #require(throws: TLSError.self) { try server.handshake() }
        let output = server.takeNetworkOutput()
        // A plaintext alert record: fatal (2), handshake_failure (40).
        #expect(output.count >= 7 && Array(output[0..<1]) == [0x15] && Array(output[5..<7]) == [0x02, 0x28],
                "alert sent: \(output.prefix(7).map { $0 }), error: \(error)")
        #expect(error.kind != "no-common-version", "\(error)")
    }
}
