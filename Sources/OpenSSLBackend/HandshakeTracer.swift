#if OpenSSL
import COpenSSL
import SecureSockets

/// Builds the handshake trace of one OpenSSL session from `SSL_set_msg_callback`, which sees
/// every handshake message, ChangeCipherSpec and alert in both directions as plaintext, in the
/// same ``TLSTraceEvent`` form as the GnuTLS backend. Sent messages wait until
/// ``TLSSession/takeNetworkOutput()`` hands their records over. OpenSSL 3 does not report a
/// ChangeCipherSpec it receives, but it reports every record header it reads, in order: a
/// received ChangeCipherSpec is traced from its record's header.
final class HandshakeTracer {
    private let sink: (TLSTraceEvent) -> Void
    private var unsent: [TLSTraceEvent] = []
    private var tls13 = false
    /// TLS 1.3: a ServerHello (not a HelloRetryRequest) went by, so every later record but
    /// ChangeCipherSpec is encrypted, both ways.
    private var handshakeKeys = false
    /// TLS 1.2 and older: this side's, and the peer's, ChangeCipherSpec went by.
    private var sentChangeCipherSpec = false
    private var receivedChangeCipherSpec = false
    /// The size of the last application data record's body written and read, from its header,
    /// until the trace tells of it.
    private var sentRecordSize: Int?
    private var receivedRecordSize: Int?

    init(sink: @escaping (TLSTraceEvent) -> Void) {
        self.sink = sink
    }

    /// One protocol message OpenSSL wrote (`sent`) or read.
    func message(sent: Bool, contentType: Int32, bytes: [UInt8], ssl: OpaquePointer) {
        switch contentType {
        case SSL3_RT_HEADER where !sent && bytes.count >= 5 && bytes[0] == UInt8(SSL3_RT_CHANGE_CIPHER_SPEC):
            // A ChangeCipherSpec record read: traced here, before the messages of later records.
            emit(false, "ChangeCipherSpec", tls13 ? "(compatibility)" : "", encrypted: false)
            if !tls13 { receivedChangeCipherSpec = true }
        case SSL3_RT_HEADER where bytes.count >= 5 && bytes[0] == UInt8(SSL3_RT_APPLICATION_DATA):
            let size = Int(bytes[3]) << 8 | Int(bytes[4])
            if sent { sentRecordSize = size } else { receivedRecordSize = size }
        case SSL3_RT_CHANGE_CIPHER_SPEC where sent:
            emit(sent, "ChangeCipherSpec", tls13 ? "(compatibility)" : "", encrypted: false)
            if !tls13 { sentChangeCipherSpec = true }
        case SSL3_RT_ALERT where bytes.count >= 2:
            let level = bytes[0] == 2 ? "fatal" : "warning"
            emit(sent, "Alert", "\(TLSWire.alertName(bytes[1])) (\(level)\(encrypting(sent: sent) ? ", encrypted" : ""))")
        case SSL3_RT_HANDSHAKE where bytes.count >= 4:
            handshake(sent: sent, type: bytes[0], body: Array(bytes.dropFirst(4)), ssl: ssl)
        default:
            break
        }
    }

    /// Application data this side wrote or read, in plaintext bytes, with the size of the record
    /// that carried it and the `cipher` that encrypted it, as the GnuTLS backend's trace says it.
    func applicationData(sent: Bool, count: Int, cipher: String?) {
        let size = sent ? sentRecordSize : receivedRecordSize
        if sent { sentRecordSize = nil } else { receivedRecordSize = nil }
        let carried = size.map { " (encrypted as \($0) bytes" + (cipher.map { ": \($0))" } ?? ")") } ?? ""
        emit(sent, "application data", "\(count) bytes" + carried, encrypted: true)
    }

    /// The caller took the output: the sent messages are on their way.
    func flushSent() {
        let events = unsent
        unsent = []
        events.forEach(sink)
    }

    /// Whether a record going this way now is encrypted: the callback sees plaintext only, but
    /// the protocol fixes when the keys take over.
    private func encrypting(sent: Bool) -> Bool {
        tls13 ? handshakeKeys : (sent ? sentChangeCipherSpec : receivedChangeCipherSpec)
    }

    private func emit(_ sent: Bool, _ message: String, _ details: String, encrypted: Bool? = nil) {
        let event = TLSTraceEvent(direction: sent ? .sent : .received, message: message, details: details,
                                  explanation: HandshakeFacts.explanation(message, tls13: tls13),
                                  encrypted: encrypted ?? encrypting(sent: sent))
        if sent { unsent.append(event) } else { sink(event) }
    }

    private func handshake(sent: Bool, type: UInt8, body: [UInt8], ssl: OpaquePointer) {
        var name = TLSWire.handshakeName(type)
        var details = ""
        switch type {
        case 1:
            details = HandshakeFacts.clientHello(body: body)
        case 2:
            guard let hello = HandshakeFacts.serverHello(body: body) else { break }
            if hello.isHelloRetryRequest {
                tls13 = true
                name = "HelloRetryRequest"
                details = hello.group.map { "asks for a key share in \(TLSWire.groupName($0))" } ?? ""
                break
            }
            tls13 = hello.version == 0x0304
            var parts = ["TLS" + TLSWire.versionName(hello.version), Self.cipherSuiteName(hello.cipherSuite, ssl: ssl)]
            if let group = hello.group { parts.append("key share \(TLSWire.groupName(group))") }
            if hello.secureRenegotiation { parts.append("secure renegotiation") }
            if let chosen = hello.applicationProtocol { parts.append("ALPN \(ApplicationProtocolList.shown(chosen))") }
            details = parts.joined(separator: ", ")
        case 8:
            if let chosen = HandshakeFacts.encryptedExtensionsProtocol(body: body) {
                details = "ALPN \(ApplicationProtocolList.shown(chosen))"
            }
        case 11:
            let chain = HandshakeFacts.certificates(body: body, tls13: tls13)
            if let first = chain.first, let info = Self.certificateInfo(der: first) {
                details = Self.describe(info) + (chain.count > 1 ? ", +\(chain.count - 1) in chain" : "")
            } else if chain.isEmpty {
                details = "empty (no certificate)"
            }
            if tls13, let response = HandshakeFacts.stapledOCSPResponse(tls13Certificate: body) {
                details += (details.isEmpty ? "" : ", ") + "stapled " + Self.describeOCSP(response)
            }
        case 22:
            details = HandshakeFacts.stapledOCSPResponse(certificateStatus: body).map(Self.describeOCSP) ?? ""
        case 12:
            let tls12 = SSL_version(ssl) == TLS1_2_VERSION
            let facts = HandshakeFacts.serverKeyExchange(body: body, tls12: tls12)
            var parts: [String] = []
            if let group = facts.group { parts.append("ECDHE \(TLSWire.groupName(group))") }
            if let scheme = facts.scheme {
                parts.append("signed \(TLSWire.signatureSchemeName(scheme))")
            } else if !tls12 {
                parts.append("signed with MD5+SHA-1 (TLS 1.0/1.1)")
            }
            details = parts.joined(separator: ", ")
        case 16:
            details = "ephemeral public key, \(max(0, body.count - 1)) bytes"
        case 15:
            if let scheme = HandshakeFacts.certificateVerifyScheme(body: body), tls13 || SSL_version(ssl) == TLS1_2_VERSION {
                details = "signed \(TLSWire.signatureSchemeName(scheme))"
            }
        case 20:
            details = "verify_data \(body.count) bytes"
        case 4:
            if let lifetime = HandshakeFacts.ticketLifetime(body: body) { details = "lifetime \(lifetime) s" }
        default:
            break
        }
        emit(sent, name, details)
        if type == 2 && tls13 && name != "HelloRetryRequest" { handshakeKeys = true }
    }

    /// `OCSP good, this update …, next update …` for a stapled DER response (as sent: not
    /// verified here), as the GnuTLS backend's trace writes it.
    static func describeOCSP(_ der: [UInt8]) -> String {
        guard let response = OCSPResponseHandle(der: der) else { return "OCSP response, \(der.count) bytes, unreadable" }
        guard response.isSuccessful else { return "OCSP response '\(response.responseStatusName)'" }
        guard let status = response.basic()?.status(verified: true) else { return "OCSP response without a status" }
        var parts = ["OCSP \(status.certificateStatus.rawValue)"]
        if let revoked = status.revocationTime { parts[0] += " on \(revoked.utcText)" + (status.revocationReason.map { " (\($0))" } ?? "") }
        parts.append("this update \(status.thisUpdate.utcText)")
        if let next = status.nextUpdate { parts.append("next update \(next.utcText)") }
        return parts.joined(separator: ", ")
    }

    /// The IANA name of a cipher suite number as OpenSSL knows it, e.g. 0x1302 → `TLS_AES_256_GCM_SHA384`.
    static func cipherSuiteName(_ id: UInt16, ssl: OpaquePointer) -> String {
        let bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff)]
        guard let cipher = SSL_CIPHER_find(ssl, bytes), let name = SSL_CIPHER_standard_name(cipher) else { return TLSWire.hex(id) }
        return String(cString: name)
    }

    /// The certificate in `der`, described; nil when it does not parse.
    static func certificateInfo(der: [UInt8]) -> CertificateInfo? {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            OpenSSLError.clear()
            return nil
        }
        let certificate = X509Handle(taking: parsed)
        return CertificateDescription.info(certificate.pointer)
    }

    /// `CN=name (key, signature), valid until day, SHA-256 first bytes…`, as the GnuTLS trace says it.
    static func describe(_ info: CertificateInfo) -> String {
        let name = info.commonName.map { "CN=\($0)" } ?? info.subject
        let fingerprint = info.sha256Fingerprint.split(separator: ":").prefix(8).joined(separator: ":")
        return "\(name) (\(info.publicKey), \(info.signatureAlgorithm)), valid until \(info.notAfter.utcDay), SHA-256 \(fingerprint)…"
    }
}
#endif
