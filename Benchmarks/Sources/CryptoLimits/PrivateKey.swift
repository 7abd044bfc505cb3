import CNettleGnuTLS

/// A GnuTLS private key (`gnutls_privkey_t`): read from a PEM file or generated, and used
/// to sign as a TLS server does.
final class PrivateKey {
    let handle: gnutls_privkey_t
    /// The key's algorithm and size, as GnuTLS reports them.
    let algorithm: gnutls_pk_algorithm_t
    let bits: Int

    private init(handle: gnutls_privkey_t) {
        self.handle = handle
        var bits: UInt32 = 0
        let algorithm = gnutls_privkey_get_pk_algorithm(handle, &bits)
        self.algorithm = gnutls_pk_algorithm_t(rawValue: UInt32(max(algorithm, 0)))
        self.bits = Int(bits)
    }

    private static func makeHandle() throws -> gnutls_privkey_t {
        var handle: gnutls_privkey_t?
        try LimitsError.check(gnutls_privkey_init(&handle), "gnutls_privkey_init")
        guard let handle else { throw LimitsError("gnutls_privkey_init returned no key") }
        return handle
    }

    /// The key in the PEM file at `path`; `label` names it in errors ("RSA key").
    static func load(path: String, label: String) throws -> PrivateKey {
        let pem = OwnedBytes(try FileBytes.read(path, label: label))
        let handle = try makeHandle()
        var datum = pem.datum
        let code = gnutls_privkey_import_x509_raw(handle, &datum, GNUTLS_X509_FMT_PEM, nil, 0)
        guard code >= 0 else {
            gnutls_privkey_deinit(handle)
            throw LimitsError.gnutls(code, "cannot import \(label) \(path)")
        }
        return PrivateKey(handle: handle)
    }

    /// A fresh key of `algorithm`, `bits` as gnutls_privkey_generate2 takes it.
    static func generate(_ algorithm: gnutls_pk_algorithm_t, bits: UInt32) throws -> PrivateKey {
        let handle = try makeHandle()
        let code = gnutls_privkey_generate2(handle, algorithm, bits, 0, nil, 0)
        guard code >= 0 else {
            gnutls_privkey_deinit(handle)
            throw LimitsError.gnutls(code, "gnutls_privkey_generate2")
        }
        return PrivateKey(handle: handle)
    }

    /// A fresh ECDSA key on P-256.
    static func generateECDSAP256() throws -> PrivateKey {
        try generate(GNUTLS_PK_ECDSA, bits: cnettle_curve_to_bits(GNUTLS_ECC_CURVE_SECP256R1))
    }

    /// One signature of `data` with `algorithm` (gnutls_privkey_sign_data2), freed at once.
    func sign(_ data: OwnedBytes, with algorithm: gnutls_sign_algorithm_t) throws {
        var input = data.datum
        var signature = gnutls_datum_t()
        try LimitsError.check(gnutls_privkey_sign_data2(handle, algorithm, 0, &input, &signature), "gnutls_privkey_sign_data2")
        cnettle_gnutls_free(signature.data)
    }

    /// A signature of `data` with `algorithm`, kept.
    func signature(of data: OwnedBytes, with algorithm: gnutls_sign_algorithm_t) throws -> OwnedBytes {
        var input = data.datum
        var signature = gnutls_datum_t()
        try LimitsError.check(gnutls_privkey_sign_data2(handle, algorithm, 0, &input, &signature), "gnutls_privkey_sign_data2")
        defer { cnettle_gnutls_free(signature.data) }
        let copy = OwnedBytes(count: Int(signature.size))
        if let bytes = signature.data { copy.pointer.update(from: bytes, count: Int(signature.size)) }
        return copy
    }

    deinit {
        gnutls_privkey_deinit(handle)
    }
}
