#if canImport(Glibc)
import Glibc
#endif
import CGnuTLS
import SecureSockets

/// Everything one connection put on the wire and learned on the way, for an illustrated page of
/// the exchange: the records in both directions in the order GnuTLS wrote and read them, the
/// plaintext of each handshake message (from the handshake hook), and the secrets the key log
/// receives. It holds the session's secrets: whoever reads it can decrypt the exchange.
package final class ExchangeRecorder {
    /// Which way bytes went, seen from this side.
    package enum Direction: Sendable, Equatable {
        /// Written by this side.
        case sent
        /// Read from the peer.
        case received
    }

    /// One whole record (header and body) as it crossed the wire.
    package struct Record: Sendable, Equatable {
        /// Which way it went.
        package var direction: Direction
        /// The five header bytes and the body.
        package var bytes: [UInt8]
        /// Seconds since the session was made.
        package var time: Double
        /// How many handshake messages the hook had reported before this record (orders the two lists).
        package var messagesBefore: Int
    }

    /// One handshake message as GnuTLS built or parsed it (without its 4-byte header).
    package struct HandshakeMessage: Sendable, Equatable {
        /// Which way it went.
        package var direction: Direction
        /// The handshake type on the wire (a HelloRetryRequest is 2, as sent).
        package var type: UInt8
        /// True when GnuTLS reported it as a HelloRetryRequest (it then hands over only the extensions).
        package var helloRetryRequest: Bool
        /// The message body.
        package var body: [UInt8]
        /// How many records had crossed the wire before the hook reported it.
        package var recordsBefore: Int
    }

    /// One secret the key log receives (`CLIENT_RANDOM`, `SERVER_HANDSHAKE_TRAFFIC_SECRET`, …).
    package struct Secret: Sendable, Equatable {
        /// The NSS key log label.
        package var label: String
        /// The secret's bytes.
        package var bytes: [UInt8]
    }

    /// This side's role.
    package let role: TLSConfiguration.Role
    /// The records, in wire order per direction and in the order this side handled them overall.
    package private(set) var records: [Record] = []
    /// The handshake messages, in the order the hook reported them.
    package private(set) var messages: [HandshakeMessage] = []
    /// The secrets, in the order GnuTLS derived them.
    package private(set) var secrets: [Secret] = []
    /// The ClientHello's random (32 bytes), once known.
    package private(set) var clientRandom: [UInt8] = []
    /// The ServerHello's random (32 bytes), once known.
    package private(set) var serverRandom: [UInt8] = []
    /// The wire version GnuTLS negotiated (e.g. 0x0304), once known.
    package private(set) var version: UInt16?

    private let start: timespec
    private var outgoing = TLSRecordScanner()
    private var incoming = TLSRecordScanner()

    init(role: TLSConfiguration.Role) {
        self.role = role
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        start = now
    }

    /// Starts recording `session` (before its handshake): nil when the session is not a GnuTLS
    /// session, whose hooks the recording needs.
    package static func attach(to session: any TLSSession) -> ExchangeRecorder? {
        guard let session = session as? GnuTLSSession else { return nil }
        let recorder = ExchangeRecorder(role: session.role)
        session.recorder = recorder
        return recorder
    }

    private var elapsed: Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9
    }

    func sent(_ bytes: UnsafeRawBufferPointer) { add(outgoing: true, bytes) }
    func received(_ bytes: UnsafeRawBufferPointer) { add(outgoing: false, bytes) }

    private func add(outgoing isOutgoing: Bool, _ bytes: UnsafeRawBufferPointer) {
        let complete = isOutgoing ? outgoing.append(bytes) : incoming.append(bytes)
        for record in complete {
            let length = record.body.count
            let header = [record.type, UInt8(record.version >> 8), UInt8(record.version & 0xff), UInt8(length >> 8), UInt8(length & 0xff)]
            records.append(Record(direction: isOutgoing ? .sent : .received, bytes: header + record.body, time: elapsed,
                                  messagesBefore: messages.count))
        }
    }

    func handshakeMessage(type: UInt32, incoming: Bool, body: [UInt8], session: gnutls_session_t) {
        if type == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC.rawValue { return }
        let retry = type == GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST.rawValue
        messages.append(HandshakeMessage(direction: incoming ? .received : .sent, type: retry ? 2 : UInt8(truncatingIfNeeded: type),
                                         helloRetryRequest: retry, body: body, recordsBefore: records.count))
        noteRandoms(session)
    }

    func secret(label: String, bytes: [UInt8], session: gnutls_session_t) {
        secrets.append(Secret(label: label, bytes: bytes))
        noteRandoms(session)
    }

    private func noteRandoms(_ session: gnutls_session_t) {
        var client = gnutls_datum_t()
        var server = gnutls_datum_t()
        gnutls_session_get_random(session, &client, &server)
        if let data = client.data, client.size > 0 { clientRandom = Array(UnsafeBufferPointer(start: data, count: Int(client.size))) }
        if let data = server.data, server.size > 0 { serverRandom = Array(UnsafeBufferPointer(start: data, count: Int(server.size))) }
        let negotiated = gnutls_protocol_get_version(session)
        switch negotiated {
        case GNUTLS_TLS1_0: version = 0x0301
        case GNUTLS_TLS1_1: version = 0x0302
        case GNUTLS_TLS1_2: version = 0x0303
        case GNUTLS_TLS1_3: version = 0x0304
        default: break
        }
    }
}
