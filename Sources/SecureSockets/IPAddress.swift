#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Helpers for IP address literals.
package enum IPAddress {
    /// True when `text` is an IPv4 or IPv6 address literal (`127.0.0.1`, `::1`), not a host name.
    /// Servers are not sent IP addresses as SNI.
    package static func isLiteral(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
