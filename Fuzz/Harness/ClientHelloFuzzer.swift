import SecureSockets

/// The ClientHello summary (``ClientHelloSummary``) fed a connection's first bytes, and the same
/// bytes as a bare ClientHello body (as the trace reads it).
package enum ClientHelloFuzzer {
    /// Runs one input; returns the summary of the bytes as a connection's start.
    @discardableResult
    package static func run(_ data: some Collection<UInt8>) -> ClientHelloSummary? {
        let bytes = Array(data)
        let summary = ClientHelloSummary.parse(bytes)
        if bytes.count < 3 { precondition(summary == nil, "a summary from fewer than 3 bytes") }
        if let summary {
            _ = summary.offeredText
            if summary.kind == .tls {
                // The suite count comes from the list's length field, so a hello cut short (the first
                // segment of a large one) still tells how many the client offered: no bound by size.
                precondition(bytes.first == 0x16, "a TLS summary of bytes that are not a handshake record")
            }
        }
        if let body = ClientHelloSummary.parse(body: bytes) {
            precondition(body.kind == .tls, "a ClientHello body read as something else")
            _ = body.offeredText
        }
        _ = HandshakeFacts.clientHello(body: bytes)
        return summary
    }
}
