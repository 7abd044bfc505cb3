#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import SecureSockets

/// SwiftNIO's errors, as the ``TLSError`` the async/await way in throws.
extension TLSError {
    /// `error` from binding a listening socket on `host:port`.
    init(bindingError error: any Error, host: String, port: Int) {
        let place = Self.hostPort(host, port)
        switch error {
        case let error as TLSError:
            self = error
        case let error as IOError where error.errnoCode == EADDRINUSE:
            self = .addressInUse(host: host, port: port)
        case let error as IOError:
            self = .socket(operation: "bind \(place)", errno: error.errnoCode, message: Self.reason(error.errnoCode))
        case is SocketAddressError:
            self = .hostNotFound(host: host, reason: "\(error)")
        default:
            self = .socket(operation: "bind \(place)", errno: 0, message: "\(error)")
        }
    }

    /// `error` from connecting to `host:port` (before any TLS byte was sent).
    init(connectingError error: any Error, host: String, port: Int) {
        let place = Self.hostPort(host, port)
        switch error {
        case let error as TLSError:
            self = error
        case let error as NIOConnectionError:
            let codes = error.connectionErrors.compactMap { ($0.error as? IOError)?.errnoCode }
            if error.connectionErrors.isEmpty, let lookup = error.dnsAError ?? error.dnsAAAAError {
                self = .hostNotFound(host: host, reason: "\(lookup)")
            } else if error.connectionErrors.isEmpty {
                self = .hostNotFound(host: host, reason: "no address found")
            } else if !codes.isEmpty, codes.allSatisfy({ $0 == ECONNREFUSED }) {
                self = .connectionRefused(host: host, port: port)
            } else {
                let code = codes.first ?? 0
                self = .socket(operation: "connect \(place)", errno: code,
                               message: code == 0 ? "\(error)" : Self.reason(code))
            }
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            self = .connectionRefused(host: host, port: port)
        case let error as IOError:
            self = .socket(operation: "connect \(place)", errno: error.errnoCode, message: Self.reason(error.errnoCode))
        case let error as ChannelError:
            if case let .connectTimeout(limit) = error {
                self = .timedOut(stage: .connect, seconds: Double(limit.nanoseconds) / 1e9)
            } else {
                self = .socket(operation: "connect \(place)", errno: 0, message: "\(error)")
            }
        case is SocketAddressError:
            self = .hostNotFound(host: host, reason: "\(error)")
        default:
            self = .socket(operation: "connect \(place)", errno: 0, message: "\(error)")
        }
    }

    /// `error` that ended a handshake: the ``TLSHandler``'s own, or the transport's.
    init(handshakeError error: any Error) {
        switch error {
        case let error as TLSError:
            self = error
        case let error as IOError where error.errnoCode == ECONNRESET || error.errnoCode == EPIPE:
            self = .closedDuringHandshake(library: nil)
        case let error as IOError:
            self = .socket(operation: "handshake", errno: error.errnoCode, message: Self.reason(error.errnoCode))
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed, ChannelError.eof:
            self = .closedDuringHandshake(library: nil)
        default:
            self = .socket(operation: "handshake", errno: 0, message: "\(error)")
        }
    }

    /// Refuses a `port` that is not a TCP port (SwiftNIO would silently truncate it to 16 bits).
    static func checkPort(_ port: Int, range: ClosedRange<Int>) throws(TLSError) {
        guard range.contains(port) else {
            throw .invalidConfiguration("port \(port) is out of range (\(range.lowerBound) to \(range.upperBound))")
        }
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
