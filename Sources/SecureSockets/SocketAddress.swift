#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A resolved host and port in text form, e.g. `127.0.0.1:8801` or `[::1]:8801`.
public struct Endpoint: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The numeric host.
    public var host: String
    /// The port.
    public var port: Int

    /// An endpoint from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around IPv6 hosts.
    public var description: String { TLSError.hostPort(host, port) }

    /// Reads a `sockaddr` filled in by the kernel.
    static func from(_ storage: UnsafePointer<sockaddr>, length: socklen_t) -> Endpoint {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let code = getnameinfo(storage, length, &host, socklen_t(host.count), &service, socklen_t(service.count),
                               NI_NUMERICHOST | NI_NUMERICSERV)
        guard code == 0 else { return Endpoint(host: "?", port: 0) }
        let hostText = String(decoding: host.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let portText = String(decoding: service.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Endpoint(host: hostText, port: Int(portText) ?? 0)
    }
}
