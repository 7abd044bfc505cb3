import CGnuTLS
import SecureSockets

/// Drives a ``HandshakeTracer`` from a script of bytes instead of a live GnuTLS session, so the
/// tracer's record and message parsing can be fed arbitrary input (the fuzz target and its
/// regression test call this).
///
/// A script is a sequence of steps; each starts with an operation byte (taken modulo 9):
/// - 0, 1: records sent or received; a 2-byte big-endian length and that many bytes follow;
/// - 2: a handshake message from GnuTLS's hook; a 2-byte length, then the message type, a flags
///   byte (bit 0: incoming; bits 1–2: the negotiated version, 0 = TLS 1.0 … 3 = TLS 1.3) and the body;
/// - 3, 4: application data sent or received; a 2-byte plaintext size follows;
/// - 5, 6: an alert sent or received; its code and a fatal flag follow;
/// - 7: the queued output was taken for the network;
/// - 8: the handshake completed.
/// A step cut short by the end of the script ends it.
package enum HandshakeTraceReplay {
    /// Runs `script` through a fresh tracer and returns the events it emitted, in order.
    package static func run(_ script: some Collection<UInt8>) -> [TLSTraceEvent] {
        var events: [TLSTraceEvent] = []
        let tracer = HandshakeTracer { events.append($0) }
        var reader = ByteReader(bytes: Array(script))
        while let operation = reader.u8() {
            switch operation % 9 {
            case 0, 1:
                guard let length = reader.u16(), let bytes = reader.take(Int(length)) else { return events }
                bytes.withUnsafeBytes { operation % 9 == 0 ? tracer.sent($0) : tracer.received($0) }
            case 2:
                guard let length = reader.u16(), length >= 2, let bytes = reader.take(Int(length)) else { return events }
                let versions: [gnutls_protocol_t] = [GNUTLS_TLS1_0, GNUTLS_TLS1_1, GNUTLS_TLS1_2, GNUTLS_TLS1_3]
                tracer.handshakeMessage(type: UInt32(bytes[0]), incoming: bytes[1] & 1 != 0, body: Array(bytes[2...]),
                                        version: versions[Int(bytes[1] >> 1) & 3], local: nil)
            case 3, 4:
                guard let size = reader.u16() else { return events }
                if operation % 9 == 3 { tracer.willSend(plaintext: Int(size)) } else { tracer.didReceive(plaintext: Int(size)) }
            case 5, 6:
                guard let code = reader.u8(), let fatal = reader.u8() else { return events }
                let alert = Alerts.describe(gnutls_alert_description_t(rawValue: UInt32(code)), fatal: fatal & 1 != 0)
                if operation % 9 == 5 { tracer.willSendAlert(alert) } else { tracer.didReceiveAlert(alert) }
            case 7:
                tracer.flushSent()
            default:
                tracer.handshakeComplete = true
                tracer.cipher = "AES-128-GCM"
            }
        }
        tracer.flushSent()
        return events
    }
}
