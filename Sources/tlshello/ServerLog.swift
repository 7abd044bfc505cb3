import SecureSockets

/// What the server prints on standard output: the demo's numbered steps per connection in plain
/// lines (a failure is one `failed:` line), or one JSON object per exchange and per failure with
/// `--json`. With `--quiet`, only server-level lines and failures.
struct ServerLog: Sendable {
    let json: Bool
    var quiet = false
    /// The protocols the server accepts through ALPN (`--alpn`), reported with each exchange.
    var applicationProtocols: [String] = []
    /// Whether the server refuses clients with no protocol in common (`--alpn-strict`).
    var requiresApplicationProtocol = false
    /// Whether each handshake step names the certificate that served it (a server with several identities).
    var showsLocalCertificate = false
    /// Whether the server asks clients for a certificate (`--client-auth`), reported with each handshake.
    var clientAuthentication: TLSConfiguration.ClientAuthentication = .none

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

    /// What ALPN came to, for the handshake step: `, ALPN h2`, `, no ALPN protocol agreed` when
    /// the server accepts protocols and the client agreed on none, or nothing.
    func applicationProtocolNote(_ info: SessionInfo) -> String {
        if let agreed = info.applicationProtocol { return ", ALPN \(agreed)" }
        return applicationProtocols.isEmpty ? "" : ", no ALPN protocol agreed"
    }

    /// Which certificate served, for the handshake step of a server with several identities:
    /// `, certificate CN=ec.test (ECDSA SECP256R1)`, or nothing.
    func localCertificateNote(_ info: SessionInfo) -> String {
        guard showsLocalCertificate, let local = info.localCertificate else { return "" }
        return ", certificate \(local.subject) (\(local.publicKey))"
    }

    /// What came of the client certificate, for the handshake step (see ``ClientCertificateText/serverNote(_:mode:)``).
    func clientCertificateNote(_ info: SessionInfo) -> String {
        ClientCertificateText.serverNote(info, mode: clientAuthentication)
    }

    /// A completed exchange (JSON mode only).
    func exchange(_ connection: Int, _ peer: String, info: SessionInfo, received: String, sent: String,
                  trace: [TLSTraceEvent]?) {
        guard json, !quiet else { return }
        let alpn = applicationProtocols.isEmpty ? nil : ApplicationProtocolReport(
            protocols: applicationProtocols, strict: requiresApplicationProtocol, agreed: info.applicationProtocol)
        Console.json(ExchangeReport(role: "server", peer: peer, negotiated: info, sent: sent, received: received,
                                    closing: "close_notify sent", trace: trace, alpn: alpn, connection: connection))
    }

    /// A server-level line (listening, stopping).
    func notice(_ text: String, event: String, fields: [String: String] = [:],
                identities: [ServerIdentities.Report]? = nil) {
        if json {
            var object = fields
            object["event"] = event
            object["message"] = text
            if let identities {
                Console.json(NoticeWithIdentities(fields: object, identities: identities))
            } else {
                Console.json(object)
            }
        } else {
            Console.out(text)
        }
    }
}

/// A server-level JSON line whose `identities` is a list of objects beside the text fields.
private struct NoticeWithIdentities: Encodable {
    let fields: [String: String]
    let identities: [ServerIdentities.Report]

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in fields { try container.encode(value, forKey: Key(stringValue: name)) }
        try container.encode(identities, forKey: Key(stringValue: "identities"))
    }
}
