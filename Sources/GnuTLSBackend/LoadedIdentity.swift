#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CGnuTLS
import SecureSockets

/// One certificate/key pair as read from its sources and checked, ready to be installed into
/// certificate credentials (once, or several times for ``ServerNameIdentities``). Reading happens
/// once, so every copy installs the same bytes.
struct LoadedIdentity {
    /// Where the pair came from.
    let identity: TLSConfiguration.Identity
    /// The chain's PEM text as read.
    let certificatePEM: [UInt8]
    /// The key's PEM text as read.
    let keyPEM: [UInt8]
    /// The chain's first certificate.
    let leaf: CertificateInfo?
    /// Start-up warnings about this pair (expired, not yet valid, weak), one sentence each.
    let warnings: [String]

    /// Where the pair goes among others a client could use alike: 0 for an ECDSA or EdDSA
    /// certificate, 1 for the rest (RSA). GnuTLS takes, in TLS 1.3, the first pair in its list
    /// that the client can verify, so the cheaper signatures go first: a client that accepts them
    /// gets them, one that accepts only RSA signatures still gets RSA.
    var keyRank: Int {
        guard let key = leaf?.publicKey else { return 1 }
        return key.hasPrefix("ECDSA") || key.hasPrefix("EdDSA") ? 0 : 1
    }

    /// The indices of `identities` in the order GnuTLS should consider them: ECDSA and EdDSA
    /// before RSA (``keyRank``), the configuration's order otherwise.
    static func preferenceOrder(of identities: [LoadedIdentity]) -> [Int] {
        identities.indices.sorted { left, right in
            let (a, b) = (identities[left].keyRank, identities[right].keyRank)
            return a != b ? a < b : left < right
        }
    }

    /// Reads and checks `identity`'s files (or text): the chain parses, the key is PEM and not a
    /// certificate.
    ///
    /// - Throws: ``TLSError/certificateFile(path:reason:library:)``,
    ///   ``TLSError/privateKeyFile(path:reason:library:)``.
    init(_ identity: TLSConfiguration.Identity, now: Date = Date()) throws(TLSError) {
        self.identity = identity
        let chain = identity.certificateChain
        let key = identity.privateKey
        let certificates: [CertificateInfo]
        switch chain {
        case let .file(path):
            certificatePEM = try Self.read(path) { .certificateFile(path: path, reason: $0, library: nil) }
            certificates = try PEMCertificates.parse(pem: String(decoding: certificatePEM, as: UTF8.self), label: path)
        case let .pem(text, label):
            certificatePEM = Array(text.utf8)
            certificates = try PEMCertificates.parse(pem: text, label: label)
        }
        switch key {
        case let .file(path, _):
            keyPEM = try Self.read(path) { .privateKeyFile(path: path, reason: $0, library: nil) }
        case let .pem(text, _, _):
            keyPEM = Array(text.utf8)
        }
        let keyText = String(decoding: keyPEM, as: UTF8.self)
        if !keyText.contains("PRIVATE KEY-----") {
            let reason = keyText.contains("BEGIN CERTIFICATE")
                ? "holds a certificate, not a private key"
                : "no PEM private key found in the file"
            throw .privateKeyFile(path: key.label, reason: reason, library: nil)
        }
        var warnings: [String] = []
        if let leaf = certificates.first {
            if leaf.isExpired(at: now) {
                warnings.append("certificate \(chain.label) (\(leaf.subject)) expired on \(leaf.notAfter.utcText): a peer that verifies will refuse it")
            } else if leaf.isNotYetValid(at: now) {
                warnings.append("certificate \(chain.label) (\(leaf.subject)) is not valid before \(leaf.notBefore.utcText)")
            }
        }
        if let weak = ChainStrength.warning(forOwnChain: ChainStrength.certificates(fromPEM: certificatePEM), label: chain.label) {
            warnings.append(weak)
        }
        leaf = certificates.first
        self.warnings = warnings
    }

    /// Adds the pair to `credentials` (`gnutls_certificate_set_x509_key_mem2`): GnuTLS then
    /// considers it for every session on those credentials.
    ///
    /// - Throws: ``TLSError/wrongPassphrase(keyPath:library:)``,
    ///   ``TLSError/keyMismatch(certificatePath:keyPath:library:)``,
    ///   ``TLSError/privateKeyFile(path:reason:library:)``.
    func install(into credentials: gnutls_certificate_credentials_t) throws(TLSError) {
        let key = identity.privateKey
        let code: Int32 = certificatePEM.withUnsafeBufferPointer { certBytes in
            keyPEM.withUnsafeBufferPointer { keyBytes in
                var certDatum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: certBytes.baseAddress),
                                               size: UInt32(certBytes.count))
                var keyDatum = gnutls_datum_t(data: UnsafeMutablePointer(mutating: keyBytes.baseAddress),
                                              size: UInt32(keyBytes.count))
                return gnutlsCall {
                    gnutls_certificate_set_x509_key_mem2(credentials, &certDatum, &keyDatum, GNUTLS_X509_FMT_PEM, key.passphrase, 0)
                }
            }
        }
        guard code < 0 else { return }
        let library = BackendError.gnutls(code)
        let encrypted = String(decoding: keyPEM, as: UTF8.self).contains("ENCRYPTED")
        switch code {
        // Either code means a wrong passphrase only for an encrypted key; for a plain key it is
        // explained below like any other key GnuTLS cannot use.
        case GNUTLS_E_DECRYPTION_FAILED where encrypted, GNUTLS_E_PK_INVALID_PRIVKEY where encrypted:
            throw .wrongPassphrase(keyPath: key.label, library: library)
        case GNUTLS_E_CERTIFICATE_KEY_MISMATCH:
            throw .keyMismatch(certificatePath: identity.certificateChain.label, keyPath: key.label, library: library)
        case GNUTLS_E_BASE64_DECODING_ERROR, GNUTLS_E_ASN1_DER_ERROR, GNUTLS_E_ASN1_TAG_ERROR,
             GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE:
            throw .privateKeyFile(path: key.label, reason: "the key is damaged or of an unknown kind", library: library)
        default:
            throw .privateKeyFile(path: key.label, reason: "GnuTLS cannot use the key: \(library.message)", library: library)
        }
    }

    private static func read(_ path: String, _ make: (String) -> TLSError) throws(TLSError) -> [UInt8] {
        switch FileContents.read(path) {
        case let .success(bytes): return bytes
        case let .failure(failure): throw make(failure.reason)
        }
    }
}
