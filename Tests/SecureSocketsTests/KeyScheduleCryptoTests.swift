import GnuTLSBackend
import Testing

/// The key schedule's cryptography against published vectors: RFC 8448's TLS 1.3 handshake keys
/// and the widely used TLS 1.2 PRF (P_SHA256) vector.
@Suite struct KeyScheduleCryptoTests {
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16) ?? 0 }
    }

    @Test func hkdfExpandLabelGivesRFC8448sServerHandshakeKeyAndIV() {
        // RFC 8448 3, simple 1-RTT handshake: server_handshake_traffic_secret → key and iv.
        let secret = Self.bytes("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
        #expect(KeyScheduleCrypto.hkdfExpandLabel(.sha256, secret: secret, label: "key", length: 16)
            == Self.bytes("3fce516009c21727d0f2e4e86ee403bc"))
        #expect(KeyScheduleCrypto.hkdfExpandLabel(.sha256, secret: secret, label: "iv", length: 12)
            == Self.bytes("5d313eb2671276ee13000b30"))
        #expect(KeyScheduleCrypto.hkdfLabel("key", context: [], length: 16) == [0, 16, 9] + Array("tls13 key".utf8) + [0])
    }

    @Test func tls12PRFMatchesThePSHA256Vector() {
        let output = KeyScheduleCrypto.prf(.sha256, secret: Self.bytes("9bbe436ba940f017b17652849a71db35"), label: "test label",
                                           seed: Self.bytes("a0ba9f936cda311827a6f796ffd5198c"), length: 100)
        #expect(output == Self.bytes("""
            e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab\
            4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66
            """))
    }

    @Test func aeadOpenRefusesAWrongTag() throws {
        let suite = try #require(CipherSuiteParameters(id: 0x1301))
        #expect(suite.keyLength == 16 && suite.tagLength == 16 && suite.isAEAD && suite.isTLS13)
        let key = [UInt8](repeating: 7, count: 16), nonce = [UInt8](repeating: 1, count: 12)
        #expect(KeyScheduleCrypto.aeadOpen(suite, key: key, nonce: nonce, additionalData: [], ciphertext: [UInt8](repeating: 0, count: 32)) == nil)
    }
}
