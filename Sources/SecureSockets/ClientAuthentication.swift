extension TLSConfiguration {
    /// Whether a server asks the client for a certificate (mutual TLS), and what it does when the
    /// client sends none.
    public enum ClientAuthentication: String, Sendable, Codable, CaseIterable {
        /// The server asks for no certificate (the default).
        case none
        /// The server asks for a certificate and serves a client that sends none; one that is
        /// sent must verify.
        case request
        /// The server asks for a certificate and refuses a client that sends none
        /// (`certificate_required` in TLS 1.3, `handshake_failure` before).
        case require
    }

    /// The rules for client certificates that ``validate()`` checks.
    func validateClientAuthentication() throws(TLSError) {
        switch role {
        case .client:
            if clientAuthentication != .none || clientTrustRoots != nil {
                throw .invalidConfiguration("clientAuthentication and clientTrustRoots are for servers; a client presents certificateChain and privateKey")
            }
        case .server:
            if clientAuthentication != .none && clientTrustRoots == nil {
                throw .invalidConfiguration("a server that asks for client certificates needs clientTrustRoots to verify them")
            }
            if clientAuthentication == .none && clientTrustRoots != nil {
                throw .invalidConfiguration("clientTrustRoots has no use while clientAuthentication is none")
            }
        }
    }
}
