import CGnuTLS
import SecureSockets

/// The cryptography an illustrated exchange reproduces from the secrets the key log receives:
/// HMAC, HKDF-Expand(-Label) for TLS 1.3, the TLS 1.0–1.2 PRF, and opening records with the keys
/// derived (AEAD, or CBC with the MAC stripped). All through GnuTLS.
package enum KeyScheduleCrypto {
    /// A hash the key schedule uses.
    package enum Hash: String, Sendable {
        /// MD5 (the TLS 1.0/1.1 PRF, with SHA-1).
        case md5 = "MD5"
        /// SHA-1.
        case sha1 = "SHA-1"
        /// SHA-256.
        case sha256 = "SHA-256"
        /// SHA-384.
        case sha384 = "SHA-384"

        var mac: gnutls_mac_algorithm_t {
            switch self {
            case .md5: GNUTLS_MAC_MD5
            case .sha1: GNUTLS_MAC_SHA1
            case .sha256: GNUTLS_MAC_SHA256
            case .sha384: GNUTLS_MAC_SHA384
            }
        }

        /// The output size in bytes.
        package var length: Int {
            switch self {
            case .md5: 16
            case .sha1: 20
            case .sha256: 32
            case .sha384: 48
            }
        }
    }

    /// HMAC of `data` under `key` (empty on failure, which GnuTLS reports only for unknown algorithms).
    package static func hmac(_ hash: Hash, key: [UInt8], data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: hash.length)
        let code = key.withUnsafeBytes { keyBuffer in
            data.withUnsafeBytes { dataBuffer in
                output.withUnsafeMutableBytes { out in
                    gnutls_hmac_fast(hash.mac, keyBuffer.baseAddress, keyBuffer.count, dataBuffer.baseAddress, dataBuffer.count, out.baseAddress)
                }
            }
        }
        return code == GNUTLS_E_SUCCESS ? output : []
    }

    /// HKDF-Expand (RFC 5869) of `secret` with `info` to `length` bytes, by `gnutls_hkdf_expand`.
    package static func hkdfExpand(_ hash: Hash, secret: [UInt8], info: [UInt8], length: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length)
        var secretCopy = secret
        var infoCopy = info
        let code = secretCopy.withUnsafeMutableBytes { secretBuffer in
            infoCopy.withUnsafeMutableBytes { infoBuffer in
                output.withUnsafeMutableBytes { out in
                    var key = gnutls_datum_t(data: secretBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), size: UInt32(secretBuffer.count))
                    var infoDatum = gnutls_datum_t(data: infoBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), size: UInt32(infoBuffer.count))
                    return gnutls_hkdf_expand(hash.mac, &key, &infoDatum, out.baseAddress, length)
                }
            }
        }
        return code == GNUTLS_E_SUCCESS ? output : []
    }

    /// The `HkdfLabel` structure of RFC 8446 7.1: length, `"tls13 " + label`, context.
    package static func hkdfLabel(_ label: String, context: [UInt8], length: Int) -> [UInt8] {
        let full = Array("tls13 \(label)".utf8)
        return [UInt8(length >> 8), UInt8(length & 0xff), UInt8(full.count)] + full + [UInt8(context.count)] + context
    }

    /// HKDF-Expand-Label(secret, label, context, length) of RFC 8446 7.1.
    package static func hkdfExpandLabel(_ hash: Hash, secret: [UInt8], label: String, context: [UInt8] = [], length: Int) -> [UInt8] {
        hkdfExpand(hash, secret: secret, info: hkdfLabel(label, context: context, length: length), length: length)
    }

    /// P_hash of RFC 5246 5: HMAC chained over A(i) until `length` bytes.
    package static func pHash(_ hash: Hash, secret: [UInt8], seed: [UInt8], length: Int) -> [UInt8] {
        var output: [UInt8] = []
        var a = seed
        while output.count < length {
            a = hmac(hash, key: secret, data: a)
            guard !a.isEmpty else { return [] }
            output += hmac(hash, key: secret, data: a + seed)
        }
        return Array(output.prefix(length))
    }

    /// The PRF of TLS 1.2 (P_`hash`) or, with `hash` nil, of TLS 1.0/1.1 (P_MD5 of the secret's first
    /// half XOR P_SHA1 of its second half), of `label` + `seed`.
    package static func prf(_ hash: Hash?, secret: [UInt8], label: String, seed: [UInt8], length: Int) -> [UInt8] {
        let labelled = Array(label.utf8) + seed
        if let hash { return pHash(hash, secret: secret, seed: labelled, length: length) }
        let half = (secret.count + 1) / 2
        let md5 = pHash(.md5, secret: Array(secret.prefix(half)), seed: labelled, length: length)
        let sha1 = pHash(.sha1, secret: Array(secret.suffix(half)), seed: labelled, length: length)
        guard md5.count == length, sha1.count == length else { return [] }
        return zip(md5, sha1).map { $0 ^ $1 }
    }

    /// Opens an AEAD record body (`ciphertext` ends with the tag): the plaintext, or nil when the
    /// tag does not verify (wrong key, nonce or additional data).
    package static func aeadOpen(_ suite: CipherSuiteParameters, key: [UInt8], nonce: [UInt8], additionalData: [UInt8],
                                 ciphertext: [UInt8]) -> [UInt8]? {
        guard ciphertext.count >= suite.tagLength, let cipher = AEADCipherHandle(suite.cipher, key: key) else { return nil }
        var plaintext = [UInt8](repeating: 0, count: max(1, ciphertext.count))
        var size = plaintext.count
        let code = nonce.withUnsafeBytes { nonceBuffer in
            additionalData.withUnsafeBytes { aadBuffer in
                ciphertext.withUnsafeBytes { input in
                    plaintext.withUnsafeMutableBytes { out in
                        gnutls_aead_cipher_decrypt(cipher.raw, nonceBuffer.baseAddress, nonceBuffer.count, aadBuffer.baseAddress,
                                                   aadBuffer.count, suite.tagLength, input.baseAddress, input.count,
                                                   out.baseAddress, &size)
                    }
                }
            }
        }
        guard code == GNUTLS_E_SUCCESS else { return nil }
        return Array(plaintext.prefix(size))
    }

    /// Decrypts CBC `ciphertext` (whole blocks) with `key` and `iv`; nil when GnuTLS refuses.
    package static func cbcDecrypt(_ suite: CipherSuiteParameters, key: [UInt8], iv: [UInt8], ciphertext: [UInt8]) -> [UInt8]? {
        guard suite.blockLength > 0, !ciphertext.isEmpty, ciphertext.count % suite.blockLength == 0,
              let cipher = CipherHandle(suite.cipher, key: key, iv: iv) else { return nil }
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
        let code = ciphertext.withUnsafeBytes { input in
            plaintext.withUnsafeMutableBytes { out in
                gnutls_cipher_decrypt2(cipher.raw, input.baseAddress, input.count, out.baseAddress, out.count)
            }
        }
        return code == GNUTLS_E_SUCCESS ? plaintext : nil
    }
}

/// What a cipher suite needs of the key schedule and the record layer: its cipher, MAC and the
/// sizes of keys, IVs and tags, as GnuTLS describes the suite.
package struct CipherSuiteParameters: Sendable {
    /// The suite's number on the wire.
    package let id: UInt16
    /// GnuTLS's name, e.g. `TLS_ECDHE_RSA_AES_128_GCM_SHA256`.
    package let name: String
    /// The cipher's name, e.g. `AES-128-GCM`.
    package let cipherName: String
    /// The GnuTLS cipher number (`gnutls_cipher_algorithm_t`).
    private let cipherNumber: UInt32
    var cipher: gnutls_cipher_algorithm_t { gnutls_cipher_algorithm_t(rawValue: cipherNumber) }
    /// True for AEAD ciphers (GCM, CCM, ChaCha20-Poly1305).
    package let isAEAD: Bool
    /// The record MAC's hash for CBC suites (nil for AEAD).
    package let macHash: KeyScheduleCrypto.Hash?
    /// The encryption key length.
    package let keyLength: Int
    /// The CBC block length (0 for AEAD).
    package let blockLength: Int
    /// The AEAD tag length (0 for CBC).
    package let tagLength: Int
    /// The hash of the PRF (TLS 1.2) or HKDF (TLS 1.3): SHA-384 for suites named …_SHA384, else SHA-256.
    package let prfHash: KeyScheduleCrypto.Hash
    /// True for ChaCha20-Poly1305, whose TLS 1.2 nonce is the 12-byte IV XOR the sequence number.
    package let isChaCha: Bool
    /// True for a TLS 1.3 suite (TLS_AES_…, TLS_CHACHA20_…).
    package let isTLS13: Bool

    /// The parameters of suite `id`, or nil when GnuTLS does not know it.
    package init?(id: UInt16) {
        guard let (found, cipher, mac) = Self.lookUp(id) else { return nil }
        self.id = id
        name = found
        cipherNumber = cipher.rawValue
        cipherName = gnutls_cipher_get_name(cipher).map { String(cString: $0) } ?? "?"
        keyLength = Int(gnutls_cipher_get_key_size(cipher))
        tagLength = Int(gnutls_cipher_get_tag_size(cipher))
        isAEAD = mac == GNUTLS_MAC_AEAD || tagLength > 0
        blockLength = isAEAD ? 0 : Int(gnutls_cipher_get_block_size(cipher))
        switch mac {
        case GNUTLS_MAC_SHA1: macHash = .sha1
        case GNUTLS_MAC_SHA256: macHash = .sha256
        case GNUTLS_MAC_SHA384: macHash = .sha384
        case GNUTLS_MAC_MD5: macHash = .md5
        default: macHash = nil
        }
        prfHash = found.hasSuffix("SHA384") ? .sha384 : .sha256
        isChaCha = cipher == GNUTLS_CIPHER_CHACHA20_POLY1305
        isTLS13 = id >> 8 == 0x13
    }

    /// GnuTLS's name, cipher and MAC of suite `id`.
    private static func lookUp(_ id: UInt16) -> (String, gnutls_cipher_algorithm_t, gnutls_mac_algorithm_t)? {
        let suiteID = UnsafeMutablePointer<UInt8>.allocate(capacity: 2)
        let kx = UnsafeMutablePointer<gnutls_kx_algorithm_t>.allocate(capacity: 1)
        let cipher = UnsafeMutablePointer<gnutls_cipher_algorithm_t>.allocate(capacity: 1)
        let mac = UnsafeMutablePointer<gnutls_mac_algorithm_t>.allocate(capacity: 1)
        defer {
            suiteID.deallocate()
            kx.deallocate()
            cipher.deallocate()
            mac.deallocate()
        }
        var index = 0
        while let name = gnutls_cipher_suite_info(index, suiteID, kx, cipher, mac, nil) {
            if UInt16(suiteID[0]) << 8 | UInt16(suiteID[1]) == id { return (String(cString: name), cipher.pointee, mac.pointee) }
            index += 1
        }
        return nil
    }
}
