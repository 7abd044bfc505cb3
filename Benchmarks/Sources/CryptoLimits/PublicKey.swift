import CNettleGnuTLS

/// The public half of a ``PrivateKey`` (`gnutls_pubkey_t`), to verify as a TLS client does.
final class PublicKey {
    let handle: gnutls_pubkey_t

    /// The public key of `privateKey`.
    init(of privateKey: PrivateKey) throws {
        var handle: gnutls_pubkey_t?
        try LimitsError.check(gnutls_pubkey_init(&handle), "gnutls_pubkey_init")
        guard let handle else { throw LimitsError("gnutls_pubkey_init returned no key") }
        let code = gnutls_pubkey_import_privkey(handle, privateKey.handle, 0, 0)
        guard code >= 0 else {
            gnutls_pubkey_deinit(handle)
            throw LimitsError.gnutls(code, "gnutls_pubkey_import_privkey")
        }
        self.handle = handle
    }

    /// Verifies `signature` over `data` (gnutls_pubkey_verify_data2); throws when it fails.
    func verify(_ signature: OwnedBytes, of data: OwnedBytes, with algorithm: gnutls_sign_algorithm_t) throws {
        var input = data.datum
        var signed = signature.datum
        try LimitsError.check(gnutls_pubkey_verify_data2(handle, algorithm, 0, &input, &signed), "gnutls_pubkey_verify_data2")
    }

    deinit {
        gnutls_pubkey_deinit(handle)
    }
}
