import SecureSockets

/// The JSON object printed for one exchange, by the client and the server alike.
struct ExchangeReport: Encodable {
    let event = "exchange"
    let role: String
    let peer: String
    let negotiated: SessionInfo
    let sent: String
    let received: String
    let closing: String
    var trace: [TLSTraceEvent]? = nil
    /// ALPN, when this side offered or accepts protocols (`--alpn`).
    var alpn: ApplicationProtocolReport? = nil
    var connection: Int? = nil
}
