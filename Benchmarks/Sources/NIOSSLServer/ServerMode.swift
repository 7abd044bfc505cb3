import ArgumentParser

/// What the server does with each connection once the handshake is done.
enum ServerMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Read the client's greeting, answer with ``HelloHandler/reply``, close.
    case hello
    /// Send back every byte read until the client closes its side, then close.
    case echo
}
