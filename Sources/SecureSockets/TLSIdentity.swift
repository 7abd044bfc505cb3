extension TLSConfiguration {
    /// One certificate chain with the private key of its first certificate: what a server
    /// presents. A server may hold several (see ``TLSConfiguration/identities``), e.g. an RSA
    /// and an ECDSA certificate for the same names, or certificates for different names.
    public struct Identity: Sendable, Equatable {
        /// The certificate chain, leaf first.
        public var certificateChain: CertificateSource
        /// The private key of the chain's first certificate.
        public var privateKey: PrivateKeySource

        /// Creates an identity from a chain and the key of its leaf.
        public init(certificateChain: CertificateSource, privateKey: PrivateKeySource) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    /// Every certificate/key pair this side presents, the default first: ``certificateChain``
    /// with ``privateKey`` (when both are set), then ``additionalIdentities``. Setting it sets
    /// those three fields; an empty list clears them.
    ///
    /// A server with several identities lets the backend choose one per connection by the client's
    /// server name and signature algorithms; ``SessionInfo/localCertificate`` says which served.
    public var identities: [Identity] {
        get {
            var all: [Identity] = []
            if let certificateChain, let privateKey {
                all.append(Identity(certificateChain: certificateChain, privateKey: privateKey))
            }
            return all + additionalIdentities
        }
        set {
            certificateChain = newValue.first?.certificateChain
            privateKey = newValue.first?.privateKey
            additionalIdentities = Array(newValue.dropFirst())
        }
    }

    /// A server configuration presenting `identities`, the first being the default (an empty
    /// list gives a configuration that ``validate()`` refuses).
    public static func makeServerConfiguration(identities: [Identity]) -> TLSConfiguration {
        var configuration = TLSConfiguration(role: .server)
        configuration.identities = identities
        return configuration
    }
}
