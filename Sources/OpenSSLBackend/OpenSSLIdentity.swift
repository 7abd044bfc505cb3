#if OpenSSL
import COpenSSL
import SecureSockets

/// One certificate/key pair a server presents (``TLSConfiguration/identities``), read and checked
/// once with the context and installed in its `SSL_CTX`, or on one connection's `SSL` when the
/// client's server name narrows the choice (see ``ServerNameSelection``).
final class OpenSSLIdentity: @unchecked Sendable {
    /// The chain, leaf first (each certificate owned by its handle).
    let chain: [X509Handle]
    /// The key of the leaf.
    let key: PrivateKeyHandle
    /// The leaf, described.
    let leaf: CertificateInfo
    /// Where the chain and the key came from, for messages.
    let certificateLabel: String
    let keyLabel: String

    /// Reads the pair; refuses a key that does not match the leaf.
    init(_ identity: TLSConfiguration.Identity) throws(TLSError) {
        chain = try PEMReader.certificates(identity.certificateChain)
        key = try PEMReader.privateKey(identity.privateKey)
        certificateLabel = identity.certificateChain.label
        keyLabel = identity.privateKey.label
        leaf = CertificateDescription.info(chain[0].pointer)
        guard X509_check_private_key(chain[0].pointer, key.pointer) == 1 else {
            throw .keyMismatch(certificatePath: certificateLabel, keyPath: keyLabel, library: OpenSSLError.drain())
        }
    }

    /// Installs the pair in `ctx`; OpenSSL keeps one pair per key type, so of two pairs of the
    /// same type the one installed last is used.
    func install(in ctx: OpaquePointer) throws(TLSError) {
        guard SSL_CTX_use_certificate(ctx, chain[0].pointer) == 1 else {
            throw .certificateFile(path: certificateLabel, reason: "OpenSSL refused the certificate", library: OpenSSLError.take("SSL_CTX_use_certificate"))
        }
        for certificate in chain.dropFirst() where copenssl_ctx_add1_chain_cert(ctx, certificate.pointer) != 1 {
            throw .certificateFile(path: certificateLabel, reason: "OpenSSL refused a chain certificate", library: OpenSSLError.take("SSL_CTX_add1_chain_cert"))
        }
        guard SSL_CTX_use_PrivateKey(ctx, key.pointer) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            throw .keyMismatch(certificatePath: certificateLabel, keyPath: keyLabel, library: OpenSSLError.drain())
        }
    }

    /// Installs the pair on one connection; false when OpenSSL refuses it (it took the pair once
    /// already, in the context).
    func install(on ssl: OpaquePointer) -> Bool {
        guard SSL_use_certificate(ssl, chain[0].pointer) == 1 else { return false }
        for certificate in chain.dropFirst() where copenssl_add1_chain_cert(ssl, certificate.pointer) != 1 { return false }
        return SSL_use_PrivateKey(ssl, key.pointer) == 1
    }
}
#endif
