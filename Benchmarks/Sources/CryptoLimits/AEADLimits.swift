import CNettleGnuTLS

/// Record-protection speed through GnuTLS's AEAD API: 16 KiB plaintexts (a full TLS
/// record) encrypted one after another with a fresh nonce and 5 bytes of additional data
/// each, as TLS 1.3 records are.
struct AEADLimits {
    /// The plaintext size of one operation.
    static let recordSize = 16384

    /// The ciphers measured, by report name.
    static let ciphers: [(name: String, cipher: gnutls_cipher_algorithm_t)] = [
        ("aes128gcm", GNUTLS_CIPHER_AES_128_GCM),
        ("aes256gcm", GNUTLS_CIPHER_AES_256_GCM),
        ("chacha20poly1305", GNUTLS_CIPHER_CHACHA20_POLY1305),
    ]

    func run(_ stopwatch: Stopwatch) throws -> [Measurement] {
        try Self.ciphers.map { try measure($0.name, $0.cipher, stopwatch) }
    }

    private func measure(_ name: String, _ algorithm: gnutls_cipher_algorithm_t, _ stopwatch: Stopwatch) throws -> Measurement {
        let key = try OwnedBytes.random(count: Int(gnutls_cipher_get_key_size(algorithm)))
        var keyDatum = key.datum
        var cipher: gnutls_aead_cipher_hd_t?
        try LimitsError.check(gnutls_aead_cipher_init(&cipher, algorithm, &keyDatum), "gnutls_aead_cipher_init \(name)")
        guard let cipher else { throw LimitsError("gnutls_aead_cipher_init \(name) returned no cipher") }
        defer { gnutls_aead_cipher_deinit(cipher) }

        let tagSize = Int(gnutls_cipher_get_tag_size(algorithm))
        let nonce = OwnedBytes(count: 12)
        let additionalData = OwnedBytes([23, 3, 3, 0x40, 0x11])
        let plaintext = try OwnedBytes.random(count: Self.recordSize)
        let ciphertext = OwnedBytes(count: Self.recordSize + tagSize)
        var sequence: UInt64 = 0

        return try stopwatch.measure(name, bytesPerOperation: Self.recordSize) {
            sequence &+= 1
            withUnsafeBytes(of: sequence.bigEndian) { bytes in
                for index in 0..<8 { nonce.pointer[4 + index] = bytes[index] }
            }
            var length = ciphertext.count
            try LimitsError.check(
                gnutls_aead_cipher_encrypt(
                    cipher, nonce.pointer, nonce.count, additionalData.pointer, additionalData.count,
                    tagSize, plaintext.pointer, plaintext.count, ciphertext.pointer, &length
                ),
                "gnutls_aead_cipher_encrypt \(name)"
            )
        }
    }
}
