import CGnuTLS
import Glibc
import SecureSockets

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Generating X.509 v3 certificates and keys for tests and local servers: self-signed, or issued
// by a generated CA, with the GnuTLS x509 API.

/// Generates self-signed or CA-issued X.509 v3 certificates with fresh key pairs.
public enum CertificateGenerator {
    /// Generates a key pair and a certificate for it, signed with its own key (self-signed).
    public static func generate(_ request: CertificateRequest) throws(TLSError) -> GeneratedCertificate {
        try make(request, issuer: nil)
    }

    /// Generates a key pair and a certificate for it issued by `issuer`: the certificate carries the
    /// issuer's subject as its issuer DN and the issuer's key id as its authority key id, and is
    /// signed with the issuer's private key. `issuer` should be a CA (``CertificateRequest/isCA``);
    /// this is not enforced, so that invalid chains can be built for tests.
    public static func generate(_ request: CertificateRequest, signedBy issuer: GeneratedCertificate) throws(TLSError) -> GeneratedCertificate {
        try make(request, issuer: issuer)
    }

    // MARK: - Building the certificate

    private static func fail(_ reason: String) -> (BackendError) -> TLSError {
        { .certificateGeneration(reason: reason, library: $0) }
    }

    private static func make(_ request: CertificateRequest, issuer: GeneratedCertificate?) throws(TLSError) -> GeneratedCertificate {
        let activation = try timeValue(request.notBefore, "notBefore")
        let expiration = try timeValue(request.notAfter, "notAfter")
        guard activation < expiration else {
            throw .certificateGeneration(
                reason: "notAfter (\(request.notAfter.utcText)) must be later than notBefore (\(request.notBefore.utcText))",
                library: nil)
        }
        let names = try request.subjectAltNames.map { (name: String) throws(TLSError) in try AltName(name) }

        let key = try X509PrivateKeyHandle(fail("cannot allocate a private key"))
        let crt = try X509CertificateHandle(fail("cannot allocate a certificate"))
        return try build(request, issuer: issuer, names: names, activation: activation, expiration: expiration,
                         key: key, crt: crt)
    }

    /// Generates the key, fills in and signs the certificate, and exports both. The owners of `key`
    /// and `crt` are arguments, so they live until this returns.
    private static func build(
        _ request: CertificateRequest, issuer: GeneratedCertificate?, names: [AltName], activation: time_t, expiration: time_t,
        key keyOwner: X509PrivateKeyHandle, crt crtOwner: X509CertificateHandle
    ) throws(TLSError) -> GeneratedCertificate {
        let key = keyOwner.raw
        let crt = crtOwner.raw
        try generateKey(key, request.keyType)

        try check(gnutls_x509_crt_set_version(crt, 3), fail("cannot set the certificate version"))
        var serial = [UInt8](repeating: 0, count: 16)
        try check(gnutls_rnd(GNUTLS_RND_NONCE, &serial, serial.count), fail("cannot draw a random serial number"))
        serial[0] &= 0x7f                   // positive
        if serial[0] == 0 { serial[0] = 1 } // and 16 bytes in minimal DER
        try check(gnutls_x509_crt_set_serial(crt, serial, serial.count), fail("cannot set the serial number"))
        try check(gnutls_x509_crt_set_activation_time(crt, activation), fail("cannot set notBefore"))
        try check(gnutls_x509_crt_set_expiration_time(crt, expiration), fail("cannot set notAfter"))
        try setSubject(crt, request.subject)
        for name in names { try name.add(to: crt) }

        try check(gnutls_x509_crt_set_key(crt, key), fail("cannot put the public key in the certificate"))
        var usage: Int32
        if request.isCA {
            try check(gnutls_x509_crt_set_basic_constraints(crt, 1, -1), fail("cannot set the basic constraints"))
            usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN
            for purpose in request.extendedKeyUsage ?? [] {
                try check(gnutls_x509_crt_set_key_purpose_oid(crt, purpose.oid, 0), fail("cannot set the extended key usage"))
            }
        } else {
            try check(gnutls_x509_crt_set_basic_constraints(crt, 0, -1), fail("cannot set the basic constraints"))
            usage = request.withoutDigitalSignature ? 0 : GNUTLS_KEY_DIGITAL_SIGNATURE
            if case .rsa = request.keyType { usage |= GNUTLS_KEY_KEY_ENCIPHERMENT }
            for purpose in request.extendedKeyUsage ?? [.tlsServer, .tlsClient] {
                try check(gnutls_x509_crt_set_key_purpose_oid(crt, purpose.oid, 0), fail("cannot set the extended key usage"))
            }
        }
        try check(gnutls_x509_crt_set_key_usage(crt, UInt32(usage)), fail("cannot set the key usage"))

        var keyID = [UInt8](repeating: 0, count: 64)
        var keyIDSize = keyID.count
        try check(gnutls_x509_crt_get_key_id(crt, 0, &keyID, &keyIDSize), fail("cannot compute the subject key id"))
        try check(gnutls_x509_crt_set_subject_key_id(crt, keyID, keyIDSize), fail("cannot set the subject key id"))

        if let issuer {
            try signIssued(crt, by: issuer, digest: digestAlgorithm(request))
        } else {
            try sign(crt, issuer: crt, key: key, digest: digestAlgorithm(request))
        }

        // A freshly signed object is read back from its encoding rather than trusted as is.
        var pemDatum = GnuTLSDatum()
        try check(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &pemDatum.raw), fail("cannot export the certificate"))
        let certificatePEM = pemDatum.string
        var derDatum = GnuTLSDatum()
        try check(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &derDatum.raw), fail("cannot export the certificate"))
        let der = derDatum.bytes
        var keyDatum = GnuTLSDatum()
        try check(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, nil, GNUTLS_PKCS_PLAIN.rawValue, &keyDatum.raw),
                  fail("cannot export the private key"))
        let keyPEM = keyDatum.string

        let parsed: Result<CertificateInfo, TLSError> = der.withUnsafeBytes { bytes in
            Result { () throws(TLSError) in try certificateInfo(der: bytes, label: "generated certificate") }
        }
        switch parsed {
        case let .success(info):
            return GeneratedCertificate(certificatePEM: certificatePEM, privateKeyPEM: keyPEM, info: info)
        case let .failure(error):
            throw .certificateGeneration(reason: "cannot read back the generated certificate (\(error))", library: error.libraryError)
        }
    }

    private static func generateKey(_ key: gnutls_x509_privkey_t?, _ type: CertificateRequest.KeyType) throws(TLSError) {
        let algorithm: gnutls_pk_algorithm_t
        let bits: UInt32
        switch type {
        case let .rsa(requested):
            guard (512...16384).contains(requested) else {
                throw .certificateGeneration(reason: "RSA key size \(requested) is outside 512...16384 bits", library: nil)
            }
            algorithm = GNUTLS_PK_RSA
            bits = UInt32(requested)
        case .ecdsaP256:
            algorithm = GNUTLS_PK_ECDSA
            bits = cgnutls_curve_to_bits(GNUTLS_ECC_CURVE_SECP256R1)
        case .ed25519:
            algorithm = GNUTLS_PK_EDDSA_ED25519
            bits = cgnutls_curve_to_bits(GNUTLS_ECC_CURVE_ED25519)
        }
        try check(gnutls_x509_privkey_generate(key, algorithm, bits, 0), fail("cannot generate an \(type) key"))
    }

    /// Sets the subject DN; an error names the DN and the place GnuTLS stopped reading it.
    private static func setSubject(_ crt: gnutls_x509_crt_t?, _ dn: String) throws(TLSError) {
        guard !dn.isEmpty else { throw .certificateGeneration(reason: "the subject DN is empty", library: nil) }
        let (code, offset) = dn.withCString { base -> (Int32, Int?) in
            var errorPosition: UnsafePointer<CChar>?
            let code = gnutlsCall { gnutls_x509_crt_set_dn(crt, base, &errorPosition) }
            return (code, errorPosition.map { base.distance(to: $0) })
        }
        guard code < 0 else { return }
        let utf8 = Array(dn.utf8)
        // GnuTLS's position is where its scan stopped: for an unknown attribute type it is the end
        // of the DN, since attribute names are resolved after the scan.
        var reason = "invalid subject DN '\(dn)'"
        if let offset, offset == utf8.count {
            reason += " (GnuTLS stopped at the end of the DN; check the attribute names)"
        } else if let offset, (0..<utf8.count).contains(offset) {
            reason += " (GnuTLS stopped at offset \(offset): '\(String(decoding: utf8[offset...], as: UTF8.self))')"
        }
        throw .certificateGeneration(reason: reason, library: .gnutls(code))
    }

    /// The digest `request` asks for.
    private static func digestAlgorithm(_ request: CertificateRequest) -> gnutls_digest_algorithm_t {
        if request.signsWithSHA1 { return GNUTLS_DIG_SHA1 }
        switch request.digest {
        case .sha256: return GNUTLS_DIG_SHA256
        case .sha384: return GNUTLS_DIG_SHA384
        case .sha512: return GNUTLS_DIG_SHA512
        }
    }

    /// Signs `crt` with the issuer certificate and key re-imported from `issuer`'s PEM.
    private static func signIssued(_ crt: gnutls_x509_crt_t?, by issuer: GeneratedCertificate, digest: gnutls_digest_algorithm_t) throws(TLSError) {
        let issuerOwner = try X509CertificateHandle(fail("cannot allocate the issuer certificate"))
        try withExtendedLifetime(issuerOwner) { () throws(TLSError) in
            try signIssued(crt, by: issuer, issuerCrt: issuerOwner.raw, digest: digest)
        }
    }

    /// Signs `crt` with `issuerCrt` (read from `issuer`'s PEM here) and the issuer's key.
    private static func signIssued(
        _ crt: gnutls_x509_crt_t?, by issuer: GeneratedCertificate, issuerCrt: gnutls_x509_crt_t, digest: gnutls_digest_algorithm_t
    ) throws(TLSError) {
        var pem = Array(issuer.certificatePEM.utf8)
        let code = pem.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var datum = gnutls_datum_t(data: buffer.baseAddress, size: UInt32(buffer.count))
            return gnutlsCall { gnutls_x509_crt_import(issuerCrt, &datum, GNUTLS_X509_FMT_PEM) }
        }
        if code < 0 { throw fail("cannot read the issuer certificate")(.gnutls(code)) }

        // Authority key id: the issuer's subject key id, or its key id if it has none.
        var keyID = [UInt8](repeating: 0, count: 64)
        var keyIDSize = keyID.count
        var critical: UInt32 = 0
        if gnutls_x509_crt_get_subject_key_id(issuerCrt, &keyID, &keyIDSize, &critical) < 0 {
            keyIDSize = keyID.count
            try check(gnutls_x509_crt_get_key_id(issuerCrt, 0, &keyID, &keyIDSize), fail("cannot compute the issuer key id"))
        }
        try check(gnutls_x509_crt_set_authority_key_id(crt, keyID, keyIDSize), fail("cannot set the authority key id"))

        try withPrivateKey(issuer.privateKeyPEM) { issuerKey throws(TLSError) in
            try sign(crt, issuer: issuerCrt, key: issuerKey, digest: digest)
        }
    }

    private static func sign(
        _ crt: gnutls_x509_crt_t?, issuer: gnutls_x509_crt_t?, key: gnutls_x509_privkey_t?, digest: gnutls_digest_algorithm_t
    ) throws(TLSError) {
        let signingKey = try PrivateKeyHandle(fail("cannot allocate the signing key"))
        try withExtendedLifetime(signingKey) { () throws(TLSError) in
            try sign(crt, issuer: issuer, key: key, with: signingKey.raw, digest: digest)
        }
    }

    /// Signs `crt` with `key`, imported into `privateKey` (whose owner outlives the call).
    private static func sign(
        _ crt: gnutls_x509_crt_t?, issuer: gnutls_x509_crt_t?, key: gnutls_x509_privkey_t?, with privateKey: gnutls_privkey_t,
        digest: gnutls_digest_algorithm_t
    ) throws(TLSError) {
        try check(gnutls_privkey_import_x509(privateKey, key, 0), fail("cannot use the signing key"))
        var algorithm = digest
        // Ed25519 signs with its built-in SHA-512; GnuTLS rejects any other digest for it
        // (GNUTLS_E_UNSUPPORTED_SIGNATURE_ALGORITHM).
        if gnutls_privkey_get_pk_algorithm(privateKey, nil) == Int32(GNUTLS_PK_EDDSA_ED25519.rawValue) {
            algorithm = GNUTLS_DIG_SHA512
        }
        try check(gnutls_x509_crt_privkey_sign(crt, issuer, privateKey, algorithm, 0), fail("cannot sign the certificate"))
    }

    /// `date` as a `time_t`, between 1970 and the end of 9999 (the last date X.509 can carry).
    private static func timeValue(_ date: Date, _ name: String) throws(TLSError) -> time_t {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, seconds >= 0, seconds <= 253_402_300_799 else {
            throw .certificateGeneration(reason: "\(name) must be between 1970 and 9999", library: nil)
        }
        return time_t(seconds.rounded(.down))
    }
}

/// One subject alternative name: IP literals become IP SANs, anything else a DNS name.
private enum AltName {
    case ipAddress([UInt8])
    case dnsName(String)

    init(_ text: String) throws(TLSError) {
        var host = Substring(text)
        if host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 { host = host.dropFirst().dropLast() }
        if let bytes = Self.ipBytes(String(host)) {
            self = .ipAddress(bytes)
            return
        }
        guard !text.isEmpty, !text.contains(where: { $0 == ":" || $0.isWhitespace || $0 == "/" }) else {
            throw .certificateGeneration(
                reason: "subject alternative name '\(text)' is neither an IP address nor a DNS name", library: nil)
        }
        self = .dnsName(text)
    }

    /// 4 bytes for an IPv4 literal, 16 for IPv6; nil for anything else.
    static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    func add(to crt: gnutls_x509_crt_t?) throws(TLSError) {
        let code: Int32
        let shown: String
        switch self {
        case let .ipAddress(bytes):
            shown = ipAddressText(bytes) ?? "IP address"
            code = gnutls_x509_crt_set_subject_alt_name(
                crt, GNUTLS_SAN_IPADDRESS, bytes, UInt32(bytes.count), UInt32(GNUTLS_FSAN_APPEND))
        case let .dnsName(name):
            shown = name
            let bytes = Array(name.utf8)
            code = gnutls_x509_crt_set_subject_alt_name(
                crt, GNUTLS_SAN_DNSNAME, bytes, UInt32(bytes.count), UInt32(GNUTLS_FSAN_APPEND))
        }
        try check(code) { .certificateGeneration(reason: "cannot add subject alternative name '\(shown)'", library: $0) }
    }
}
