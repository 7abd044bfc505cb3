#if OpenSSL
import COpenSSL
import SecureSockets

/// A server's session tickets sealed with a shared ``TLSTicketKey`` (``TLSConfiguration/ticketKey``)
/// rather than the random keys each `SSL_CTX` makes, so that every context given the same key
/// resumes the others' sessions, in TLS 1.2 and 1.3 (`SSL_CTX_set_tlsext_ticket_key_evp_cb`).
///
/// The key's 64 bytes split into an AES-256-CBC key (the first 32) and an HMAC-SHA256 key (the
/// last 32), as RFC 5077's recommended ticket construction; the ticket's key name is the first 16
/// bytes of the SHA-256 of the whole key, so a ticket sealed with another key is recognised as
/// such and answered with a full handshake.
struct SharedTicketKey {
    /// The key name written into each ticket.
    let name: [UInt8]
    /// The AES-256 key that encrypts the ticket.
    let encryptionKey: [UInt8]
    /// The HMAC-SHA256 key that authenticates it.
    let authenticationKey: [UInt8]

    init(_ key: TLSTicketKey) {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
        name = Array(digest.prefix(16))
        encryptionKey = Array(key.bytes.prefix(32))
        authenticationKey = Array(key.bytes.suffix(32))
    }

    /// Installs the callback on a server's `ctx`; the context (``OpenSSLContext/sharedTicketKey``)
    /// holds the key.
    static func install(in ctx: OpaquePointer) throws(TLSError) {
        guard SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, callback) == 1 else {
            throw .setupFailed(operation: "use the shared session ticket key", library: OpenSSLError.take("SSL_CTX_set_tlsext_ticket_key_evp_cb"))
        }
    }

    /// Seals (`encrypting` 1) or opens (0) a ticket: 1 to go on, 0 for a ticket under another key
    /// (a full handshake follows), -1 on failure.
    static let callback: @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, OpaquePointer?, OpaquePointer?, Int32
    ) -> Int32 = { ssl, keyName, iv, cipher, mac, encrypting in
        guard let ssl, let keyName, let iv, let cipher, let mac,
              let context = OpenSSLContext.of(SSL_get_SSL_CTX(ssl)), let key = context.sharedTicketKey else { return -1 }
        let ivLength = Int(EVP_CIPHER_get_iv_length(EVP_aes_256_cbc()))
        if encrypting == 1 {
            for (index, byte) in key.name.enumerated() { keyName[index] = byte }
            guard RAND_bytes(iv, Int32(ivLength)) == 1,
                  EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nil, key.encryptionKey, iv) == 1 else { return -1 }
        } else {
            guard Array(UnsafeBufferPointer(start: keyName, count: 16)) == key.name else { return 0 }
            guard EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nil, key.encryptionKey, iv) == 1 else { return -1 }
        }
        guard copenssl_ticket_mac_init(mac, key.authenticationKey, key.authenticationKey.count) == 1 else { return -1 }
        return 1
    }
}
#endif
