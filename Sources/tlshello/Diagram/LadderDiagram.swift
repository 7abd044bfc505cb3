import SecureSockets

/// One exchange as a ladder (sequence) diagram: the client's and the server's lifelines and one
/// arrow per TLS message in wire order, as one side's trace saw them.
struct LadderDiagram {
    /// One end of the connection.
    enum Side: String {
        case client, server
    }

    /// How a message's record travelled, which decides its colour.
    enum Kind: String {
        /// A plaintext record: anyone on the path reads it.
        case clear
        /// An encrypted record.
        case encrypted
        /// An alert other than close_notify: something went wrong.
        case alert
        /// The trace did not say.
        case unknown
    }

    /// One message.
    struct Arrow {
        let from: Side
        let message: String
        let details: String
        let explanation: String
        let kind: Kind
        let encrypted: Bool?
        let elapsed: Double?

        var to: Side { from == .client ? .server : .client }
    }

    /// The side whose trace this is.
    let drawnBy: Side
    /// `client 127.0.0.1:40312` and `server 127.0.0.1:8801`, or the role alone when unknown.
    let clientLabel: String
    let serverLabel: String
    /// What the handshake negotiated, e.g. `TLS1.3, TLS_AES_128_GCM_SHA256, x25519`; nil when it failed.
    let negotiated: String?
    let arrows: [Arrow]
    /// Why the exchange failed, in a sentence; nil when it did not.
    let failure: String?
    /// The server's connection number, when the server drew it.
    let connection: Int?

    init(events: [TLSTraceEvent], drawnBy: Side, clientAddress: String?, serverAddress: String?,
         info: SessionInfo?, failure: String?, connection: Int? = nil) {
        self.drawnBy = drawnBy
        clientLabel = "client" + (clientAddress.map { " " + $0 } ?? "")
        serverLabel = "server" + (serverAddress.map { " " + $0 } ?? "")
        negotiated = info.map { info in
            ([info.protocolName, info.cipherSuite] + (info.group.map { [$0] } ?? []) + (info.resumed ? ["resumed"] : []))
                .joined(separator: ", ")
        }
        self.failure = failure
        self.connection = connection
        arrows = events.map { event in
            let from: Side = event.direction == .sent ? drawnBy : (drawnBy == .client ? .server : .client)
            let kind: Kind
            if event.message == "Alert" && !event.details.hasPrefix("close_notify") {
                kind = .alert
            } else if let encrypted = event.encrypted {
                kind = encrypted ? .encrypted : .clear
            } else {
                kind = .unknown
            }
            return Arrow(from: from, message: event.message, details: event.details, explanation: event.explanation,
                         kind: kind, encrypted: event.encrypted, elapsed: event.elapsed)
        }
    }

    /// The handshake's round trips, as ranges of arrow indices: each flight the client sent
    /// before the server's Finished reached it, with the server's answering flight. After the
    /// server's Finished the client waits for nothing more: its data goes with its own Finished
    /// (TLS 1.3, or a resumed TLS 1.2 session) or right after it.
    var roundTrips: [ClosedRange<Int>] {
        // Flights: runs of consecutive messages from one side.
        var flights: [ClosedRange<Int>] = []
        for index in arrows.indices {
            if let last = flights.last, arrows[last.lowerBound].from == arrows[index].from {
                flights[flights.count - 1] = last.lowerBound...index
            } else {
                flights.append(index...index)
            }
        }
        var trips: [ClosedRange<Int>] = []
        var serverFinished = false
        for (number, flight) in flights.enumerated() {
            defer {
                if arrows[flight].contains(where: { $0.from == .server && $0.message == "Finished" }) { serverFinished = true }
            }
            guard arrows[flight.lowerBound].from == .client, !serverFinished, number + 1 < flights.count else { continue }
            trips.append(flight.lowerBound...flights[number + 1].upperBound)
        }
        return trips
    }

    /// True when the handshake completed (both Finished messages went by).
    var handshakeCompleted: Bool {
        arrows.contains { $0.from == .server && $0.message == "Finished" }
            && arrows.contains { $0.from == .client && $0.message == "Finished" }
    }
}
