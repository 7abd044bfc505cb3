import CGnuTLS
import Glibc
import SecureSockets

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A generated certificate, its private key, and what the certificate says.
public struct GeneratedCertificate: Sendable, Equatable {
    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`).
    public let certificatePEM: String
    /// The private key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    public let privateKeyPEM: String
    /// The certificate's subject, issuer, validity, names and fingerprint, read back from the PEM.
    public let info: CertificateInfo

    /// A certificate and key pair from its parts (e.g. with the key replaced by its encrypted form).
    public init(certificatePEM: String, privateKeyPEM: String, info: CertificateInfo) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.info = info
    }

    /// The private key as PKCS#8 PEM encrypted with `passphrase` (PBES2, AES-256-CBC):
    /// `-----BEGIN ENCRYPTED PRIVATE KEY-----`.
    public func privateKeyPEM(encryptedWith passphrase: String) throws(TLSError) -> String {
        guard !passphrase.isEmpty else {
            throw .certificateGeneration(reason: "the passphrase for the encrypted private key is empty", library: nil)
        }
        return try withPrivateKey(privateKeyPEM) { key throws(TLSError) in
            var datum = GnuTLSDatum()
            try check(gnutls_x509_privkey_export2_pkcs8(
                key, GNUTLS_X509_FMT_PEM, passphrase, GNUTLS_PKCS_PBES2_AES_256.rawValue, &datum.raw
            )) { .certificateGeneration(reason: "cannot export the encrypted private key", library: $0) }
            return datum.string
        }
    }

    /// The private key in the algorithm's traditional PEM form: PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`)
    /// for RSA; for other key types, the same unencrypted PKCS#8 PEM as ``privateKeyPEM``.
    public func privateKeyPKCS1PEM() throws(TLSError) -> String {
        try withPrivateKey(privateKeyPEM) { key throws(TLSError) in
            guard gnutls_x509_privkey_get_pk_algorithm(key) == Int32(GNUTLS_PK_RSA.rawValue) else { return privateKeyPEM }
            var datum = GnuTLSDatum()
            try check(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &datum.raw)) {
                .certificateGeneration(reason: "cannot export the private key as PKCS#1", library: $0)
            }
            return datum.string
        }
    }

    /// Writes the certificate PEM to `certificatePath` (mode 0644) and the key PEM (``privateKeyPEM``) to
    /// `keyPath` (mode 0600).
    ///
    /// Each file is written to a temporary file in the same directory and then moved into place, so
    /// a failure never leaves a half-written file. Without `overwrite`, an existing file at either
    /// path is an error and neither file is written.
    public func write(certificateTo certificatePath: String, keyTo keyPath: String, overwrite: Bool = false) throws(TLSError) {
        guard !certificatePath.isEmpty, !keyPath.isEmpty else {
            throw .certificateGeneration(reason: "an output file name is empty", library: nil)
        }
        guard certificatePath != keyPath else {
            throw .certificateGeneration(
                reason: "the certificate and the key must go to different files (both are \(certificatePath))", library: nil)
        }
        if !overwrite {
            for path in [certificatePath, keyPath] where OutputFile.exists(path) {
                throw OutputFile.refusal(path)
            }
        }
        let certificateTemporary = try OutputFile.writeTemporary(certificatePEM, near: certificatePath, mode: 0o644)
        let keyTemporary: String
        do {
            keyTemporary = try OutputFile.writeTemporary(privateKeyPEM, near: keyPath, mode: 0o600)
        } catch {
            unlink(certificateTemporary)
            throw error
        }
        do {
            try OutputFile.commit(keyTemporary, to: keyPath, overwrite: overwrite)
        } catch {
            unlink(keyTemporary)
            unlink(certificateTemporary)
            throw error
        }
        do {
            try OutputFile.commit(certificateTemporary, to: certificatePath, overwrite: overwrite)
        } catch {
            unlink(certificateTemporary)
            // Without overwrite the key file is new and ours: do not leave a key without its certificate.
            if !overwrite { unlink(keyPath) }
            throw error
        }
    }
}
