import SecureSockets

/// What the server prints on standard output: the demo's numbered steps per connection in plain
/// lines (a failure is one `failed:` line), or one JSON object per exchange and per failure with
/// `--json`. With `--quiet`, only server-level lines and failures.
struct ServerLog: Sendable {
    let json: Bool
    var quiet = false

    /// One numbered step of a connection (plain mode only).
    func step(_ connection: Int, _ peer: String, _ text: String) {
        guard !json, !quiet else { return }
        Console.out("[#\(connection) \(peer)] \(text)")
    }

    /// A connection that failed: one line.
    func failure(_ connection: Int, _ peer: String, _ reason: String, trace: [TLSTraceEvent]? = nil) {
        if json {
            struct Failure: Encodable {
                let event = "failure"
                let connection: Int
                let peer: String
                let reason: String
                let trace: [TLSTraceEvent]?
            }
            Console.json(Failure(connection: connection, peer: peer, reason: reason, trace: trace))
        } else {
            Console.out("[#\(connection) \(peer)] failed: \(reason)")
        }
    }

    /// A completed exchange (JSON mode only).
    func exchange(_ connection: Int, _ peer: String, info: SessionInfo, received: String, sent: String,
                  trace: [TLSTraceEvent]?) {
        guard json, !quiet else { return }
        Console.json(ExchangeReport(role: "server", peer: peer, negotiated: info, sent: sent, received: received,
                                    closing: "close_notify sent", trace: trace, connection: connection))
    }

    /// A server-level line (listening, stopping).
    func notice(_ text: String, event: String, fields: [String: String] = [:]) {
        if json {
            var object = fields
            object["event"] = event
            object["message"] = text
            Console.json(object)
        } else {
            Console.out(text)
        }
    }
}
