import CGnuTLS
import SecureSockets

/// Builds the live handshake trace of one GnuTLS session, in wire order.
///
/// GnuTLS's handshake hook names each handshake message and hands over its body, but it fires for a
/// whole outgoing flight before any byte is sent, and never for ChangeCipherSpec. So the tracer
/// queues the hook's outgoing messages and releases them as their records leave (seen in the push
/// callback), and it watches the records GnuTLS pulls in for ChangeCipherSpec, alerts and
/// application data. Incoming handshake messages are emitted when GnuTLS has processed them.
final class HandshakeTracer {
    private let sink: (TLSTraceEvent) -> Void
    /// Events of records GnuTLS has queued but the caller has not taken for the network yet.
    private var unsent: [TLSTraceEvent] = []
    private var pendingSent: [(type: UInt8, event: TLSTraceEvent)] = []
    private var outgoing = TLSRecordScanner()
    private var incoming = TLSRecordScanner()
    private var outgoingEncrypted = false
    private var incomingEncrypted = false
    private var incomingAlertTraced = false
    private(set) var tls13 = false
    private var sentPlaintext: [Int] = []
    private var receivedRecordSizes: [Int] = []
    private var queuedAlert: (name: String, fatal: Bool)?
    private var closeNotifyReceived = false
    /// Types of the handshake messages that came in plaintext records, in order, not yet matched
    /// with the hook's report of them (a message the hook reports that is not here came encrypted).
    private var clearIncoming = HandshakeMessageTypes()
    /// Whether the hook reported an incoming message yet.
    private var reportedIncoming = false
    var handshakeComplete = false
    var cipher = ""
    /// A received NewSessionTicket as the PRE hook saw it, for the POST hook that follows.
    var receivedTicket: [UInt8] = []

    init(sink: @escaping (TLSTraceEvent) -> Void) {
        self.sink = sink
    }

    private func emit(_ direction: TLSTraceEvent.Direction, _ message: String, _ details: String, encrypted: Bool) {
        let event = TLSTraceEvent(direction: direction, message: message, details: details,
                                  explanation: HandshakeFacts.explanation(message, tls13: tls13), encrypted: encrypted)
        if direction == .sent { unsent.append(event) } else { sink(event) }
    }

    /// The caller took the queued bytes for the network: their messages are on their way, so they
    /// are traced now, in the order they go out after what was received before.
    func flushSent() {
        let events = unsent
        unsent = []
        events.forEach(sink)
    }

    // MARK: Hook

    /// Installs the hook for every handshake message: after each, it feeds the trace, when there is one,
    /// and lets the session check the server after verification (see ``GnuTLSSession/processedHandshakeMessage(type:incoming:)``).
    static func install(on session: gnutls_session_t) {
        gnutls_handshake_set_hook_function(session, cgnutls_handshake_any(), GNUTLS_HOOK_BOTH) { handle, type, when, incoming, message in
            guard let handle, let pointer = gnutls_transport_get_ptr(handle) else { return 0 }
            let owner = Unmanaged<GnuTLSSession>.fromOpaque(pointer).takeUnretainedValue()
            var body: [UInt8] = []
            if let message, let data = message.pointee.data {
                body = Array(UnsafeBufferPointer(start: data, count: Int(message.pointee.size)))
            }
            if when == GNUTLS_HOOK_PRE {
                // TLS 1.3: GnuTLS hands the POST call only what it left of a received NewSessionTicket.
                if incoming != 0 && type == GNUTLS_HANDSHAKE_NEW_SESSION_TICKET.rawValue { owner.tracer?.receivedTicket = body }
                return 0
            }
            owner.tracer?.handshakeMessage(type: type, incoming: incoming != 0, body: body,
                                           version: gnutls_protocol_get_version(handle),
                                           local: owner.context.localCertificate)
            owner.recorder?.handshakeMessage(type: type, incoming: incoming != 0, body: body, session: handle)
            return owner.processedHandshakeMessage(type: type, incoming: incoming != 0)
        }
    }

    /// One handshake message GnuTLS sent or processed; `version` is the session's negotiated
    /// version so far (it decides how a ServerKeyExchange or CertificateVerify reads).
    func handshakeMessage(type: UInt32, incoming: Bool, body: [UInt8], version: gnutls_protocol_t, local: CertificateInfo?) {
        if type == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC.rawValue { return } // traced from the records
        var name = TLSWire.handshakeName(UInt8(truncatingIfNeeded: type))
        var wireType = UInt8(truncatingIfNeeded: type)
        var details = ""
        switch type {
        case GNUTLS_HANDSHAKE_CLIENT_HELLO.rawValue:
            details = HandshakeFacts.clientHello(body: body)
        case GNUTLS_HANDSHAKE_SERVER_HELLO.rawValue, GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST.rawValue:
            wireType = 2
            if type == GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST.rawValue {
                // GnuTLS hands over only the HelloRetryRequest's extensions.
                tls13 = true
                name = "HelloRetryRequest"
                details = HandshakeFacts.helloRetryGroup(extensions: body).map { "asks for a key share in \(TLSWire.groupName($0))" } ?? ""
                break
            }
            guard let hello = HandshakeFacts.serverHello(body: body) else { break }
            if hello.isHelloRetryRequest || type == GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST.rawValue {
                name = "HelloRetryRequest"
                details = hello.group.map { "asks for a key share in \(TLSWire.groupName($0))" } ?? ""
                break
            }
            tls13 = hello.version == 0x0304
            var parts = ["TLS" + TLSWire.versionName(hello.version)]
            parts.append(Self.cipherSuiteName(hello.cipherSuite))
            if let group = hello.group { parts.append("key share \(TLSWire.groupName(group))") }
            if hello.secureRenegotiation { parts.append("secure renegotiation") }
            if let chosen = hello.applicationProtocol { parts.append("ALPN \(ApplicationProtocolList.shown(chosen))") }
            details = parts.joined(separator: ", ")
        case GNUTLS_HANDSHAKE_ENCRYPTED_EXTENSIONS.rawValue:
            if let chosen = HandshakeFacts.encryptedExtensionsProtocol(body: body) {
                details = "ALPN \(ApplicationProtocolList.shown(chosen))"
            }
        case GNUTLS_HANDSHAKE_CERTIFICATE_PKT.rawValue:
            let chain = HandshakeFacts.certificates(body: body, tls13: tls13)
            if let first = chain.first,
               let info = first.withUnsafeBytes({ try? certificateInfo(der: $0) }) {
                details = Self.describe(info) + (chain.count > 1 ? ", +\(chain.count - 1) in chain" : "")
            } else if chain.isEmpty {
                details = "empty (no certificate)"
            } else if let local {
                details = Self.describe(local)
            }
            if tls13, let response = HandshakeFacts.stapledOCSPResponse(tls13Certificate: body) {
                details += (details.isEmpty ? "" : ", ") + "stapled " + Self.describeOCSP(response)
            }
        case GNUTLS_HANDSHAKE_CERTIFICATE_STATUS.rawValue:
            details = HandshakeFacts.stapledOCSPResponse(certificateStatus: body).map(Self.describeOCSP) ?? ""
        case GNUTLS_HANDSHAKE_SERVER_KEY_EXCHANGE.rawValue:
            let tls12 = version == GNUTLS_TLS1_2
            let facts = HandshakeFacts.serverKeyExchange(body: body, tls12: tls12)
            var parts: [String] = []
            if let group = facts.group { parts.append("ECDHE \(TLSWire.groupName(group))") }
            if let scheme = facts.scheme {
                parts.append("signed \(TLSWire.signatureSchemeName(scheme))")
            } else if !tls12 {
                parts.append("signed with MD5+SHA-1 (TLS 1.0/1.1)")
            }
            details = parts.joined(separator: ", ")
        case GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST.rawValue:
            details = CertificateRequestTrace.details(body: body, tls13: tls13, version: version)
        case GNUTLS_HANDSHAKE_CLIENT_KEY_EXCHANGE.rawValue:
            details = "ephemeral public key, \(max(0, body.count - 1)) bytes"
        case GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY.rawValue:
            if let scheme = HandshakeFacts.certificateVerifyScheme(body: body), tls13 || version == GNUTLS_TLS1_2 {
                details = "signed \(TLSWire.signatureSchemeName(scheme))"
            }
        case GNUTLS_HANDSHAKE_FINISHED.rawValue:
            details = "verify_data \(body.count) bytes"
        case GNUTLS_HANDSHAKE_NEW_SESSION_TICKET.rawValue:
            let ticket = incoming && !receivedTicket.isEmpty ? receivedTicket : body
            receivedTicket = []
            if let lifetime = HandshakeFacts.ticketLifetime(body: ticket) { details = "lifetime \(lifetime) s" }
        default:
            break
        }
        // Outgoing messages learn how they went when their record leaves (see `flushPending`).
        let encrypted = incoming ? !clearIncoming.take(wireType) : nil
        if incoming { reportedIncoming = true }
        let event = TLSTraceEvent(direction: incoming ? .received : .sent, message: name, details: details,
                                  explanation: HandshakeFacts.explanation(name, tls13: tls13), encrypted: encrypted)
        if incoming {
            // A post-handshake message (session ticket, key update) came in a record that is not application data.
            if handshakeComplete && !receivedRecordSizes.isEmpty { receivedRecordSizes.removeLast() }
            sink(event)
        } else {
            pendingSent.append((wireType, event))
        }
    }

    /// The IANA name of a cipher suite number, e.g. 0xc030 → `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`,
    /// as the session's report and the other backend say it (GnuTLS names it without the WITH).
    static func cipherSuiteName(_ id: UInt16) -> String {
        var index: Int = 0
        var bytes: [UInt8] = [0, 0]
        while true {
            let name = bytes.withUnsafeMutableBufferPointer { buffer in
                gnutls_cipher_suite_info(index, buffer.baseAddress, nil, nil, nil, nil)
            }
            guard let name else { return TLSWire.hex(id) }
            if UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == id { return ianaName(String(cString: name)) }
            index += 1
        }
    }

    /// GnuTLS's key exchange prefixes and their IANA spelling, longest first.
    private static let keyExchanges: [(gnutls: String, iana: String)] = [
        ("ECDHE_ECDSA", "ECDHE_ECDSA"), ("ECDHE_RSA", "ECDHE_RSA"), ("ECDHE_PSK", "ECDHE_PSK"),
        ("DHE_RSA", "DHE_RSA"), ("DHE_DSS", "DHE_DSS"), ("DHE_PSK", "DHE_PSK"), ("RSA_PSK", "RSA_PSK"),
        ("SRP_SHA_RSA", "SRP_SHA_RSA"), ("SRP_SHA_DSS", "SRP_SHA_DSS"), ("SRP_SHA", "SRP_SHA"),
        ("ECDH_ANON", "ECDH_anon"), ("DH_ANON", "DH_anon"), ("RSA", "RSA"), ("PSK", "PSK"),
    ]

    /// GnuTLS's suite name in IANA's spelling: `TLS_<kx>_WITH_<cipher>_<mac>`, SHA-1 written `SHA`,
    /// ChaCha20-Poly1305 with its `SHA256`; TLS 1.3 names (no key exchange) are the same.
    static func ianaName(_ gnutls: String) -> String {
        guard gnutls.hasPrefix("TLS_") else { return gnutls }
        let rest = gnutls.dropFirst(4)
        guard let kx = keyExchanges.first(where: { rest.hasPrefix($0.gnutls + "_") }) else { return gnutls }
        var tail = String(rest.dropFirst(kx.gnutls.count + 1))
        if tail.hasSuffix("_SHA1") { tail = String(tail.dropLast(1)) }
        if tail.hasSuffix("CHACHA20_POLY1305") { tail += "_SHA256" }
        return "TLS_\(kx.iana)_WITH_\(tail)"
    }

    /// `OCSP good, this update …, next update …` for a stapled DER response (as sent: not verified here).
    private static func describeOCSP(_ der: [UInt8]) -> String {
        guard let response = try? OCSPResponse(der: der, { .setupFailed(operation: "read the OCSP response", library: $0) }) else {
            return "OCSP response, \(der.count) bytes, unreadable"
        }
        guard response.isSuccessful else { return "OCSP response '\(response.responseStatusName)'" }
        guard let status = response.status(verified: true) else { return "OCSP response without a status" }
        var parts = ["OCSP \(status.certificateStatus.rawValue)"]
        if let revoked = status.revocationTime { parts[0] += " on \(revoked.utcText)" + (status.revocationReason.map { " (\($0))" } ?? "") }
        parts.append("this update \(status.thisUpdate.utcText)")
        if let next = status.nextUpdate { parts.append("next update \(next.utcText)") }
        return parts.joined(separator: ", ")
    }

    private static func describe(_ info: CertificateInfo) -> String {
        let name = info.commonName.map { "CN=\($0)" } ?? info.subject
        let fingerprint = info.sha256Fingerprint.split(separator: ":").prefix(8).joined(separator: ":")
        return "\(name) (\(info.publicKey), \(info.signatureAlgorithm)), valid until \(info.notAfter.utcDay), SHA-256 \(fingerprint)…"
    }

    // MARK: Records

    /// Records leaving (from the push callback), in order.
    func sent(_ bytes: UnsafeRawBufferPointer) {
        for record in outgoing.append(bytes) {
            switch record.type {
            case TLSWire.ContentType.changeCipherSpec.rawValue:
                emit(.sent, "ChangeCipherSpec", tls13 ? "(compatibility)" : "", encrypted: false)
                if !tls13 { outgoingEncrypted = true }
            case TLSWire.ContentType.alert.rawValue where !outgoingEncrypted && record.body.count >= 2:
                queuedAlert = nil
                emit(.sent, "Alert", Self.alertText(level: record.body[0], code: record.body[1]), encrypted: false)
            case TLSWire.ContentType.handshake.rawValue where !outgoingEncrypted:
                var offset = 0
                while offset + 4 <= record.body.count {
                    let type = record.body[offset]
                    let length = Int(record.body[offset + 1]) << 16 | Int(record.body[offset + 2]) << 8 | Int(record.body[offset + 3])
                    flushPending(upTo: type, encrypted: false)
                    offset += 4 + length
                }
            default:
                // Encrypted: handshake messages queued by the hook, else application data or an alert.
                if !pendingSent.isEmpty {
                    flushPending(upTo: nil, encrypted: true)
                } else if !handshakeComplete && queuedAlert == nil {
                    continue // the rest of an encrypted flight whose messages were listed with its first record
                } else if let alert = queuedAlert, record.type == TLSWire.ContentType.alert.rawValue || sentPlaintext.isEmpty {
                    queuedAlert = nil
                    emit(.sent, "Alert", "\(alert.name) (\(alert.fatal ? "fatal" : "warning"), encrypted)", encrypted: true)
                } else if !sentPlaintext.isEmpty {
                    let size = sentPlaintext.removeFirst()
                    emit(.sent, "application data", "\(size) bytes (encrypted as \(record.body.count) bytes: \(cipher))", encrypted: true)
                } else {
                    emit(.sent, "encrypted record", "\(record.body.count) bytes", encrypted: true)
                }
            }
        }
    }

    /// Emits queued outgoing handshake messages: all of them (`type` nil), or up to and including the
    /// first of `type`, marked as carried by a plaintext or an encrypted record.
    private func flushPending(upTo type: UInt8?, encrypted: Bool) {
        while !pendingSent.isEmpty {
            let next = pendingSent.removeFirst()
            var event = next.event
            event.encrypted = encrypted
            unsent.append(event)
            if let type, next.type == type { return }
        }
    }

    /// Bytes GnuTLS just pulled in, in order.
    func received(_ bytes: UnsafeRawBufferPointer) {
        for record in incoming.append(bytes) {
            switch record.type {
            case TLSWire.ContentType.changeCipherSpec.rawValue:
                emit(.received, "ChangeCipherSpec", tls13 ? "(compatibility)" : "", encrypted: false)
                if !tls13 { incomingEncrypted = true }
            case TLSWire.ContentType.alert.rawValue where !incomingEncrypted && record.body.count >= 2:
                incomingAlertTraced = true
                emit(.received, "Alert", Self.alertText(level: record.body[0], code: record.body[1]), encrypted: false)
            case TLSWire.ContentType.handshake.rawValue where !incomingEncrypted:
                clearIncoming.append(record.body)
            case TLSWire.ContentType.applicationData.rawValue where handshakeComplete:
                receivedRecordSizes.append(record.body.count)
            default:
                break
            }
        }
    }

    /// Application data this side encrypts (one record per call of `gnutls_record_send`).
    func willSend(plaintext count: Int) { sentPlaintext.append(count) }

    /// Application data decrypted from the peer.
    func didReceive(plaintext count: Int) {
        // Records read before the last one in the same call were empty (e.g. OpenSSL's empty
        // fragments before each TLS 1.0 CBC record).
        while receivedRecordSizes.count > 1 {
            emit(.received, "application data", "0 bytes (empty record, encrypted as \(receivedRecordSizes.removeFirst()) bytes)",
                 encrypted: true)
        }
        let size = receivedRecordSizes.isEmpty ? nil : receivedRecordSizes.removeFirst()
        emit(.received, "application data", "\(count) bytes" + (size.map { " (encrypted as \($0) bytes: \(cipher))" } ?? ""),
             encrypted: true)
    }

    /// An alert this side is about to send (its record may be encrypted).
    func willSendAlert(_ alert: TLSAlert) {
        // A message GnuTLS refused never reaches the hook: trace it here, before the alert it caused.
        if alert.isFatal {
            for message in clearIncoming.takeUnreported() {
                let name = TLSWire.handshakeName(message.type)
                let details = message.type == 1 ? HandshakeFacts.clientHello(body: message.body) : ""
                let fate = reportedIncoming ? "not processed" : "refused"
                emit(.received, name, details.isEmpty ? fate : "\(details) (\(fate))", encrypted: false)
                reportedIncoming = true
            }
        }
        queuedAlert = (TLSWire.alertName(alert.code), alert.isFatal)
    }

    /// An alert GnuTLS reported receiving (traced here when its record was encrypted).
    func didReceiveAlert(_ alert: TLSAlert) {
        if incomingAlertTraced { incomingAlertTraced = false; return }
        if alert.code == 0 {
            if closeNotifyReceived { return }
            closeNotifyReceived = true
        }
        // Plaintext alert records were traced as they came in: this one was encrypted.
        emit(.received, "Alert", "\(TLSWire.alertName(alert.code)) (\(alert.isFatal ? "fatal" : "warning"), encrypted)", encrypted: true)
    }

    private static func alertText(level: UInt8, code: UInt8) -> String {
        "\(TLSWire.alertName(code)) (\(level == 2 ? "fatal" : "warning"))"
    }
}

