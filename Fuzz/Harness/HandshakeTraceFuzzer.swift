import GnuTLSBackend
import SecureSockets

/// The trace's message parsing: the input runs as a tracer script (``HandshakeTraceReplay``),
/// and as the body of every message kind ``HandshakeFacts`` reads.
package enum HandshakeTraceFuzzer {
    /// Runs one input; returns the trace lines the script produced.
    @discardableResult
    package static func run(_ data: some Collection<UInt8>) -> [String] {
        let bytes = Array(data)
        let lines = HandshakeTraceReplay.run(bytes).map(\.line)
        _ = HandshakeFacts.clientHello(body: bytes)
        if let hello = HandshakeFacts.serverHello(body: bytes) {
            _ = TLSWire.versionName(hello.version)
            _ = hello.group.map(TLSWire.groupName)
        }
        _ = HandshakeFacts.helloRetryGroup(extensions: bytes)
        for flag in [false, true] {
            let chain = HandshakeFacts.certificates(body: bytes, tls13: flag)
            precondition(chain.reduce(0) { $0 + $1.count } <= bytes.count, "a chain longer than its message")
            _ = HandshakeFacts.serverKeyExchange(body: bytes, tls12: flag)
        }
        _ = HandshakeFacts.certificateVerifyScheme(body: bytes).map(TLSWire.signatureSchemeName)
        _ = HandshakeFacts.ticketLifetime(body: bytes)
        return lines
    }
}
