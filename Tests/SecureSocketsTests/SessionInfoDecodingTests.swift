import Foundation
import SecureSockets
import Testing

/// JSON written before a field of ``SessionInfo`` existed (a log, a stored report) still decodes:
/// each field added since the first release is removed from an encoded snapshot, and the rest
/// must decode to the same snapshot with that field at its default.
@Suite struct SessionInfoDecodingTests {
    private static let snapshot = SessionInfo(
        version: .tlsv1_3, protocolName: "TLS1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", keyExchange: "ECDHE-X25519",
        group: "X25519", signatureAlgorithm: "ECDSA-SECP256R1-SHA256", cipher: "AES-128-GCM", mac: "AEAD",
        summary: "(TLS1.3)-(ECDHE-X25519)-(ECDSA-SECP256R1-SHA256)-(AES-128-GCM)", serverName: "localhost",
        peerCertificates: [], verification: "verified", resumed: false)

    /// The snapshot encoded, without `key`, decoded again.
    private func decoded(without key: String) throws -> SessionInfo {
        let data = try JSONEncoder().encode(Self.snapshot)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: key)
        return try JSONDecoder().decode(SessionInfo.self, from: JSONSerialization.data(withJSONObject: object))
    }

    /// Optional fields decode as nil when absent.
    @Test(arguments: ["applicationProtocol", "ocspStatus", "localCertificate"])
    func anOptionalFieldMayBeAbsent(key: String) throws {
        #expect(try decoded(without: key) == Self.snapshot)
    }

    /// Fields with a default but no optional type take their default when absent.
    @Test(arguments: ["warnings", "clientCertificateRequested"])
    func aFieldWithADefaultMayBeAbsent(key: String) throws {
        #expect(try decoded(without: key) == Self.snapshot)
    }

    /// A field of the first release is still required.
    @Test func aFieldOfTheFirstReleaseIsRequired() {
        #expect(throws: DecodingError.self) { try decoded(without: "cipherSuite") }
    }
}
