#if OpenSSL
import COpenSSL
import SecureSockets

/// Sets up who is trusted and how the peer is verified: a client's trust roots and verification
/// level, a server's client certificate request and client trust roots.
enum OpenSSLTrust {
    /// Applies the configuration's trust and verification settings to `ctx`.
    static func configure(_ configuration: TLSConfiguration, in ctx: OpaquePointer) throws(TLSError) {
        switch configuration.role {
        case .client:
            guard configuration.certificateVerification != .none else {
                // Pins are checked even without verification, against the leaf (see PeerVerification).
                if configuration.publicKeyPins.isEmpty {
                    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
                } else {
                    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
                    SSL_CTX_set_cert_verify_callback(ctx, PeerVerification.verifyChain, nil)
                }
                return
            }
            try load(configuration.trustRoots, into: ctx, listForClients: false)
            _ = SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER)
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
            SSL_CTX_set_cert_verify_callback(ctx, PeerVerification.verifyChain, nil)
        case .server:
            guard configuration.clientAuthentication != .none, let roots = configuration.clientTrustRoots else { return }
            try load(roots, into: ctx, listForClients: true)
            _ = SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT)
            var mode = SSL_VERIFY_PEER
            if configuration.clientAuthentication == .require { mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT }
            SSL_CTX_set_verify(ctx, mode, nil)
            SSL_CTX_set_cert_verify_callback(ctx, PeerVerification.verifyChain, nil)
        }
    }

    /// Adds the certificates of `roots` to the context's store; a server also names them in its
    /// CertificateRequest.
    private static func load(_ roots: TLSConfiguration.TrustRoots, into ctx: OpaquePointer, listForClients: Bool) throws(TLSError) {
        let label: String
        let pem: [UInt8]
        switch roots {
        case .system:
            guard SSL_CTX_set_default_verify_paths(ctx) == 1 else {
                throw .trustStore(source: "the system store", reason: "OpenSSL cannot load it", library: OpenSSLError.take("SSL_CTX_set_default_verify_paths"))
            }
            return
        case let .file(path):
            label = path
            switch FileContents.read(path) {
            case let .success(bytes): pem = bytes
            case let .failure(failure): throw .trustStore(source: path, reason: failure.reason, library: nil)
            }
        case let .pem(text, name):
            label = name
            pem = Array(text.utf8)
        }
        let certificates = try PEMReader.certificates(pem: pem) { reason, library in
            .trustStore(source: label, reason: reason, library: library)
        }
        guard let store = SSL_CTX_get_cert_store(ctx) else {
            throw .trustStore(source: label, reason: "the context has no certificate store", library: OpenSSLError.drain())
        }
        for certificate in certificates {
            // X509_STORE_add_cert takes its own reference; a certificate listed twice is no error.
            if X509_STORE_add_cert(store, certificate.pointer) != 1 { OpenSSLError.clear() }
            if listForClients && SSL_CTX_add_client_CA(ctx, certificate.pointer) != 1 {
                throw .trustStore(source: label, reason: "OpenSSL cannot list a certificate authority for clients", library: OpenSSLError.take("SSL_CTX_add_client_CA"))
            }
        }
    }
}
#endif
