import CGnuTLS
import SecureSockets

/// Owns one `gnutls_aead_cipher_hd_t` (an AEAD cipher with its key): released in `deinit`, and
/// nowhere else.
final class AEADCipherHandle {
    let raw: gnutls_aead_cipher_hd_t

    /// Makes the cipher with `key`; nil when GnuTLS refuses the algorithm or the key.
    init?(_ algorithm: gnutls_cipher_algorithm_t, key: [UInt8]) {
        var handle: gnutls_aead_cipher_hd_t?
        var keyCopy = key
        let code = keyCopy.withUnsafeMutableBytes { buffer in
            var datum = gnutls_datum_t(data: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), size: UInt32(buffer.count))
            return gnutls_aead_cipher_init(&handle, algorithm, &datum)
        }
        guard code == GNUTLS_E_SUCCESS, let handle else { return nil }
        raw = handle
    }

    deinit { gnutls_aead_cipher_deinit(raw) }
}

/// Owns one `gnutls_cipher_hd_t` (a block cipher in CBC mode with its key and running IV):
/// released in `deinit`, and nowhere else.
final class CipherHandle {
    let raw: gnutls_cipher_hd_t

    /// Makes the cipher with `key` and `iv`; nil when GnuTLS refuses them.
    init?(_ algorithm: gnutls_cipher_algorithm_t, key: [UInt8], iv: [UInt8]) {
        var handle: gnutls_cipher_hd_t?
        var keyCopy = key
        var ivCopy = iv
        let code = keyCopy.withUnsafeMutableBytes { keyBuffer in
            ivCopy.withUnsafeMutableBytes { ivBuffer in
                var keyDatum = gnutls_datum_t(data: keyBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), size: UInt32(keyBuffer.count))
                var ivDatum = gnutls_datum_t(data: ivBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), size: UInt32(ivBuffer.count))
                return gnutls_cipher_init(&handle, algorithm, &keyDatum, &ivDatum)
            }
        }
        guard code == GNUTLS_E_SUCCESS, let handle else { return nil }
        raw = handle
    }

    deinit { gnutls_cipher_deinit(raw) }
}
