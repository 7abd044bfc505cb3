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
    /// The ladder diagram file drawn of this exchange (`--diagram`, client side; the server
    /// reports its diagrams in a `diagram` event once the connection closed).
    var diagram: String? = nil
}
