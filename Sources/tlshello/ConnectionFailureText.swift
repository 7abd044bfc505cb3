#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SecureSockets

/// The one-line reason the server logs when a connection fails, for any of its handlers.
enum ConnectionFailureText {
    /// `error` in words; `handshakeDone` tells a reset during the handshake from a later one.
    static func describe(_ error: any Error, handshakeDone: Bool) -> String {
        if let error = error as? TLSError { return error.description }
        if let error = error as? IOError {
            return error.errnoCode == ECONNRESET
                ? "the client reset the connection" + (handshakeDone ? "" : " during the handshake")
                : "connection error: \(String(cString: strerror(error.errnoCode)))"
        }
        return "\(error)"
    }
}
