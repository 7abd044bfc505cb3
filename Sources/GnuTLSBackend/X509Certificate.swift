import CGnuTLS
import Glibc
import SecureSockets

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Reading X.509 certificates into `CertificateInfo`: one DER certificate, or every certificate
// of a PEM file.

/// Describes the DER-encoded X.509 certificate in `der`.
///
/// `label` names the certificate in errors (a file path, or a description such as "peer certificate");
/// failures are reported as `TLSError.certificateFile(path: label, ...)`.
package func certificateInfo(der: UnsafeRawBufferPointer, label: String = "DER certificate") throws(TLSError) -> CertificateInfo {
    guard let base = der.baseAddress, !der.isEmpty, der.count <= Int(UInt32.max) else {
        throw .certificateFile(path: label, reason: "the certificate data is empty", library: nil)
    }
    let crt = try X509CertificateHandle { .certificateFile(path: label, reason: "cannot allocate a certificate", library: $0) }
    var datum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self)),
                               size: UInt32(der.count))
    try check(gnutls_x509_crt_import(crt.raw, &datum, GNUTLS_X509_FMT_DER)) {
        .certificateFile(path: label, reason: "not a valid DER X.509 certificate", library: $0)
    }
    return try withExtendedLifetime(crt) { () throws(TLSError) in try certificateInfo(crt: crt.raw, label: label) }
}

/// Describes an imported certificate handle (which stays owned by the caller).
func certificateInfo(crt: gnutls_x509_crt_t?, label: String) throws(TLSError) -> CertificateInfo {
    func fail(_ what: String) -> (BackendError) -> TLSError {
        { .certificateFile(path: label, reason: "cannot read the certificate's \(what)", library: $0) }
    }

    let subject = try distinguishedName(crt, issuer: false, fail("subject"))
    let issuer = try distinguishedName(crt, issuer: true, fail("issuer"))

    let activation = gnutls_x509_crt_get_activation_time(crt)
    let expiration = gnutls_x509_crt_get_expiration_time(crt)
    guard activation != -1, expiration != -1 else {
        throw .certificateFile(path: label, reason: "cannot read the certificate's validity period", library: nil)
    }

    var fingerprint = [UInt8](repeating: 0, count: 64)
    var fingerprintSize = fingerprint.count
    try check(gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, &fingerprint, &fingerprintSize),
              fail("SHA-256 fingerprint"))

    let version = try check(gnutls_x509_crt_get_version(crt), fail("version"))

    var serial = [UInt8](repeating: 0, count: 64)
    var serialSize = serial.count
    try check(gnutls_x509_crt_get_serial(crt, &serial, &serialSize), fail("serial number"))

    return CertificateInfo(
        subject: subject,
        issuer: issuer,
        notBefore: Date(timeIntervalSince1970: TimeInterval(activation)),
        notAfter: Date(timeIntervalSince1970: TimeInterval(expiration)),
        sha256Fingerprint: colonHex(fingerprint.prefix(fingerprintSize)),
        subjectAlternativeNames: try subjectAltNames(crt, fail("subject alternative names")),
        version: Int(version),
        publicKey: try publicKeyDescription(crt, fail("public key")),
        signatureAlgorithm: signatureAlgorithmName(crt),
        serialNumber: colonHex(serial.prefix(serialSize)).replacing(":", with: ""),
        publicKeyPin: publicKeyPin(crt)
    )
}

/// The RFC 7469 pin of the certificate's key: GnuTLS's SHA-256 key id is the digest of the
/// DER SubjectPublicKeyInfo. Nil if GnuTLS cannot compute it.
func publicKeyPin(_ crt: gnutls_x509_crt_t?) -> PublicKeyPin? {
    var digest = [UInt8](repeating: 0, count: 64)
    var size = digest.count
    guard gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256.rawValue, &digest, &size) == GNUTLS_E_SUCCESS else { return nil }
    return try? PublicKeyPin(sha256: Array(digest.prefix(size)))
}

/// The subject or issuer DN in RFC 4514 form as GnuTLS prints it; empty when the DN is empty.
private func distinguishedName(
    _ crt: gnutls_x509_crt_t?, issuer: Bool, _ make: (BackendError) -> TLSError
) throws(TLSError) -> String {
    var datum = GnuTLSDatum()
    let code = gnutlsCall {
        issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &datum.raw, 0) : gnutls_x509_crt_get_dn3(crt, &datum.raw, 0)
    }
    if code == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE { return "" }
    if code < 0 { throw make(.gnutls(code)) }
    return datum.string
}

/// DNS names, e-mail addresses and URIs as text, IP addresses in their usual text form.
/// Other name kinds (directory names, other names) are left out.
private func subjectAltNames(_ crt: gnutls_x509_crt_t?, _ make: (BackendError) -> TLSError) throws(TLSError) -> [String] {
    var names: [String] = []
    var sequence: UInt32 = 0
    while true {
        var buffer = [UInt8](repeating: 0, count: 256)
        var size = buffer.count
        var critical: UInt32 = 0
        var type = gnutlsCall { gnutls_x509_crt_get_subject_alt_name(crt, sequence, &buffer, &size, &critical) }
        if type == GNUTLS_E_SHORT_MEMORY_BUFFER {
            buffer = [UInt8](repeating: 0, count: size + 1)
            size = buffer.count
            type = gnutls_x509_crt_get_subject_alt_name(crt, sequence, &buffer, &size, &critical)
        }
        if type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE { break }
        if type < 0 { throw make(.gnutls(type)) }
        let bytes = buffer.prefix(min(size, buffer.count))
        switch gnutls_x509_subject_alt_name_t(rawValue: UInt32(type)) {
        case GNUTLS_SAN_DNSNAME, GNUTLS_SAN_RFC822NAME, GNUTLS_SAN_URI:
            names.append(String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self))
        case GNUTLS_SAN_IPADDRESS:
            if let text = ipAddressText(Array(bytes)) { names.append(text) }
        default:
            break
        }
        sequence += 1
    }
    return names
}

/// `192.0.2.1` for 4 bytes, `::1` (RFC 5952 compressed form) for 16 bytes; nil for any other length.
func ipAddressText(_ bytes: [UInt8]) -> String? {
    let family: Int32
    switch bytes.count {
    case 4: family = AF_INET
    case 16: family = AF_INET6
    default: return nil
    }
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    let converted = bytes.withUnsafeBytes { raw in
        inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count)) != nil
    }
    guard converted else { return nil }
    return String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `RSA 2048`, `ECDSA SECP256R1`, `EdDSA (Ed25519)`: the algorithm, then the key size or the curve.
private func publicKeyDescription(_ crt: gnutls_x509_crt_t?, _ make: (BackendError) -> TLSError) throws(TLSError) -> String {
    var bits: UInt32 = 0
    let code = try check(gnutls_x509_crt_get_pk_algorithm(crt, &bits), make)
    let algorithm = gnutls_pk_algorithm_t(rawValue: UInt32(code))
    let name = gnutls_pk_get_name(algorithm).map { String(cString: $0) } ?? "unknown (\(code))"
    switch algorithm {
    case GNUTLS_PK_ECDSA:
        // gnutls_pk_get_name says "EC/ECDSA"; the curve says more than the bit count.
        var curve = GNUTLS_ECC_CURVE_INVALID
        // The coordinates are not needed: their owners release them.
        var x = GnuTLSDatum()
        var y = GnuTLSDatum()
        let rawCode = gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, &x.raw, &y.raw)
        if rawCode >= 0, let curveName = gnutls_ecc_curve_get_name(curve) {
            return "ECDSA \(String(cString: curveName))"
        }
        return "ECDSA \(bits)"
    case GNUTLS_PK_EDDSA_ED25519, GNUTLS_PK_EDDSA_ED448:
        // The name already says which curve: "EdDSA (Ed25519)".
        return name
    default:
        return bits > 0 ? "\(name) \(bits)" : name
    }
}

/// `RSA-SHA256`, `ECDSA-SHA384`, `EdDSA-Ed25519`, ...; the OID when GnuTLS does not know the algorithm.
private func signatureAlgorithmName(_ crt: gnutls_x509_crt_t?) -> String {
    let code = gnutls_x509_crt_get_signature_algorithm(crt)
    if code > 0, let name = gnutls_sign_get_name(gnutls_sign_algorithm_t(rawValue: UInt32(code))) {
        return String(cString: name)
    }
    var oid = [CChar](repeating: 0, count: 128)
    var size = oid.count
    if gnutls_x509_crt_get_signature_oid(crt, &oid, &size) >= 0 {
        let text = String(decoding: oid.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "unknown (\(text))"
    }
    return "unknown"
}

/// Reading every certificate of a PEM file (or PEM text) into ``/SecureSockets/CertificateInfo`` values.
public enum PEMCertificates {
    /// Describes every certificate in the PEM file at `path`, in file order.
    ///
    /// Throws `TLSError.certificateFile` when the file is missing, unreadable, or holds no PEM certificate.
    public static func load(path: String) throws(TLSError) -> [CertificateInfo] {
        switch FileContents.read(path) {
        case let .success(bytes):
            return try parse(bytes: bytes, label: path)
        case let .failure(failure):
            throw .certificateFile(path: path, reason: failure.reason, library: nil)
        }
    }

    /// Describes every certificate in `pem` (one or more `BEGIN CERTIFICATE` blocks; other text is ignored).
    ///
    /// `label` names the source in errors, e.g. a file path.
    public static func parse(pem: String, label: String) throws(TLSError) -> [CertificateInfo] {
        try parse(bytes: Array(pem.utf8), label: label)
    }

    /// Describes every PEM certificate in `bytes`.
    static func parse(bytes: [UInt8], label: String) throws(TLSError) -> [CertificateInfo] {
        let list = try CertificateList(pem: bytes, label: label)
        return try withExtendedLifetime(list) { () throws(TLSError) in
            var infos: [CertificateInfo] = []
            for index in 0..<list.count {
                infos.append(try certificateInfo(crt: list[index], label: label))
            }
            return infos
        }
    }
}
