import SecureSockets

extension TLSError {
    /// Refuses a `context` made for the other side of a connection before anything uses it: a
    /// client context in a server's handler, or the other way round, would fail later in a way
    /// that does not say why.
    ///
    /// - Parameter user: what needs the context, for the sentence (e.g. `TLSServerHandler`).
    /// - Throws: ``TLSError/invalidConfiguration(_:)``, e.g. `TLSServerHandler needs a server
    ///   context; this one is for a client`.
    static func checkRole(of context: any TLSContext, is role: TLSConfiguration.Role, for user: String) throws(TLSError) {
        let actual = context.configuration.role
        guard actual == role else {
            throw .invalidConfiguration("\(user) needs a \(role.rawValue) context; this one is for a \(actual.rawValue)")
        }
    }
}
