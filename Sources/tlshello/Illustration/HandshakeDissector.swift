import GnuTLSBackend
import SecureSockets

/// Splits one handshake message (4-byte header and body) into named fields.
enum HandshakeDissector {
    /// What the reading depends on, learned from earlier messages.
    struct Context {
        /// The version agreed (from the ServerHello), nil before it.
        var version: UInt16?
        /// True once a TLS 1.3 ServerHello was seen.
        var tls13: Bool { version == 0x0304 }
    }

    /// The one-line purpose of a handshake message.
    static func purpose(_ name: String, tls13: Bool) -> String {
        HandshakeFacts.explanation(name, tls13: tls13)
    }

    /// The message's name as the trace shows it (a ServerHello with the special random is a HelloRetryRequest).
    static func name(_ message: [UInt8]) -> String {
        guard let type = message.first else { return "?" }
        if type == 2, message.count >= 38, Array(message[6..<38]) == TLSWire.helloRetryRequestRandom { return "HelloRetryRequest" }
        return TLSWire.handshakeName(type)
    }

    /// The fields of `message` (header included).
    static func dissect(_ message: [UInt8], context: Context) -> [Field] {
        var reader = FieldReader(message)
        guard let type = reader.number(1), let length = reader.number(3) else {
            return [Field(name: "fragment", meaning: "part of a handshake message", range: 0..<message.count)]
        }
        let name = name(message)
        var fields = [
            Field(name: "message type", meaning: "which handshake message this is", range: type.range, value: "\(type.value) (\(name))"),
            Field(name: "length", meaning: "the body's size, in 3 bytes", range: length.range, value: "\(length.value)"),
        ]
        var body = FieldReader(Array(message.dropFirst(4)), base: 4)
        switch type.value {
        case 1: fields += clientHello(&body)
        case 2: fields += serverHello(&body, retry: name == "HelloRetryRequest")
        case 4: fields += newSessionTicket(&body, tls13: context.tls13)
        case 8:
            if let extensions = ExtensionDissector.list(&body, place: .encryptedExtensions) { fields.append(extensions) }
        case 11: fields += certificate(&body, tls13: context.tls13)
        case 12: fields += serverKeyExchange(&body, context: context)
        case 13: fields += certificateRequest(&body, tls13: context.tls13)
        case 14: break
        case 15: fields += certificateVerify(&body, context: context)
        case 16: fields += clientKeyExchange(&body)
        case 20:
            if let data = body.take(body.remaining) {
                fields.append(Field(name: "verify_data", meaning: context.tls13
                                    ? "HMAC of the transcript with the finished key: proves the sender saw the same handshake and holds the keys"
                                    : "PRF(master secret, \"client/server finished\", hash of the handshake): proves both sides saw the same messages",
                                    range: data.range, value: hexText(data.bytes), fact: "verify-data"))
            }
        default: break
        }
        if body.remaining > 0, let rest = body.take(body.remaining) {
            fields.append(Field(name: "body", meaning: "the rest of the message", range: rest.range))
        }
        return fields
    }

    private static func clientHello(_ body: inout FieldReader) -> [Field] {
        var fields: [Field] = []
        guard let version = body.number(2), let random = body.take(32), let session = body.vector(1) else { return fields }
        fields.append(Field(name: "legacy version", meaning: "the highest version before TLS 1.3 (TLS 1.3 is offered in supported_versions)",
                            range: version.range, value: "TLS " + TLSWire.versionName(UInt16(version.value))))
        fields.append(Field(name: "client random", meaning: "32 fresh random bytes: every key of this connection depends on them",
                            range: random.range, value: hexText(random.bytes), fact: "client-random"))
        fields.append(Field(name: "session id", meaning: "an earlier session to resume (TLS 1.2), or 32 random bytes for middlebox compatibility (TLS 1.3)",
                            range: session.length.lowerBound..<session.body.range.upperBound,
                            value: session.body.bytes.isEmpty ? "empty" : hexText(session.body.bytes)))
        guard let suites = body.vector(2) else { return fields }
        var suiteFields = [Field(name: "length", meaning: "bytes of suite numbers", range: suites.length, value: "\(suites.body.bytes.count)")]
        suiteFields += ExtensionDissector.pairs(suites.body, name: "cipher suite", meaning: "a suite the client can use, most preferred first",
                                               describe: suiteName)
        fields.append(Field(name: "cipher suites", meaning: "the key exchange, cipher and hash combinations offered",
                            range: suites.length.lowerBound..<suites.body.range.upperBound, children: suiteFields))
        guard let compression = body.vector(1) else { return fields }
        fields.append(Field(name: "compression methods", meaning: "always just 0 (none): compression leaked secrets (CRIME)",
                            range: compression.length.lowerBound..<compression.body.range.upperBound, value: hexText(compression.body.bytes)))
        if let extensions = ExtensionDissector.list(&body, place: .clientHello) { fields.append(extensions) }
        return fields
    }

    static func suiteName(_ id: UInt16) -> String {
        if id & 0x0f0f == 0x0a0a { return "GREASE" }
        if id == 0x00ff { return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" }
        if id == 0x5600 { return "TLS_FALLBACK_SCSV" }
        return CipherSuiteParameters(id: id)?.name ?? TLSWire.hex(id)
    }

    private static func serverHello(_ body: inout FieldReader, retry: Bool) -> [Field] {
        var fields: [Field] = []
        guard let version = body.number(2), let random = body.take(32), let session = body.vector(1),
              let suite = body.number(2), let compression = body.number(1) else { return fields }
        fields.append(Field(name: "legacy version", meaning: "1.2 in a TLS 1.3 ServerHello; the real choice is in supported_versions",
                            range: version.range, value: "TLS " + TLSWire.versionName(UInt16(version.value))))
        fields.append(Field(name: "server random", meaning: retry ? "a fixed value that marks a HelloRetryRequest"
                                : "32 fresh random bytes from the server (the last 8 also guard against downgrades)",
                            range: random.range, value: hexText(random.bytes), fact: "server-random"))
        fields.append(Field(name: "session id", meaning: "the session id echoed (TLS 1.3) or given for later resumption (TLS 1.2)",
                            range: session.length.lowerBound..<session.body.range.upperBound,
                            value: session.body.bytes.isEmpty ? "empty" : hexText(session.body.bytes)))
        fields.append(Field(name: "cipher suite", meaning: "the suite chosen from the client's list", range: suite.range,
                            value: "\(TLSWire.hex(UInt16(suite.value))) \(suiteName(UInt16(suite.value)))", fact: "cipher-suite"))
        fields.append(Field(name: "compression method", meaning: "0: none", range: compression.range, value: "\(compression.value)"))
        if let extensions = ExtensionDissector.list(&body, place: retry ? .helloRetryRequest : .serverHello) { fields.append(extensions) }
        // Only a TLS 1.3 ServerHello (or HelloRetryRequest) carries supported_versions (43).
        if !fields.contains(where: { $0.name == "extensions" && $0.children.contains { $0.fact == "extension-43" } }) {
            fields[0].meaning = "the version the server chose (up to TLS 1.2 it is chosen here; TLS 1.3 would put 1.2 here and its choice in supported_versions)"
        }
        return fields
    }

    private static func newSessionTicket(_ body: inout FieldReader, tls13: Bool) -> [Field] {
        var fields: [Field] = []
        guard let lifetime = body.number(4) else { return fields }
        fields.append(Field(name: "ticket lifetime", meaning: "seconds the client may keep the ticket", range: lifetime.range, value: "\(lifetime.value) s"))
        if tls13 {
            guard let ageAdd = body.number(4), let nonce = body.vector(1) else { return fields }
            fields.append(Field(name: "ticket age add", meaning: "hides the ticket's age from observers when it is used", range: ageAdd.range))
            fields.append(Field(name: "ticket nonce", meaning: "makes each ticket's resumption secret unique",
                                range: nonce.length.lowerBound..<nonce.body.range.upperBound, value: hexText(nonce.body.bytes)))
        }
        guard let ticket = body.vector(2) else { return fields }
        fields.append(Field(name: "ticket", meaning: "the session state, encrypted under the server's ticket key: opaque to the client",
                            range: ticket.length.lowerBound..<ticket.body.range.upperBound, value: "\(ticket.body.bytes.count) bytes"))
        if tls13, let extensions = ExtensionDissector.list(&body, place: .other) { fields.append(extensions) }
        return fields
    }

    private static func certificate(_ body: inout FieldReader, tls13: Bool) -> [Field] {
        var fields: [Field] = []
        if tls13, let context = body.vector(1) {
            fields.append(Field(name: "request context", meaning: "empty in the handshake", range: context.length.lowerBound..<context.body.range.upperBound))
        }
        guard let list = body.vector(3) else { return fields }
        fields.append(Field(name: "certificates length", meaning: "bytes of the chain", range: list.length, value: "\(list.body.bytes.count)"))
        var entries = FieldReader(list.body.bytes, base: list.body.range.lowerBound)
        var index = 0
        while let entry = entries.vector(3) {
            index += 1
            var children = [Field(name: "length", meaning: "bytes of this certificate", range: entry.length, value: "\(entry.body.bytes.count)"),
                            CertificateDissector.dissect(entry.body.bytes, base: entry.body.range.lowerBound)]
            var end = entry.body.range.upperBound
            if tls13, let extensions = ExtensionDissector.list(&entries, place: .other) {
                children.append(extensions)
                end = extensions.range.upperBound
            }
            fields.append(Field(name: index == 1 ? "leaf certificate" : "certificate \(index)",
                                meaning: index == 1 ? "the sender's own certificate" : "a CA certificate of the chain",
                                range: entry.length.lowerBound..<end, children: children))
        }
        return fields
    }

    private static func signature(_ body: inout FieldReader, withScheme: Bool, meaning: String) -> [Field] {
        var fields: [Field] = []
        if withScheme, let scheme = body.number(2) {
            fields.append(Field(name: "signature scheme", meaning: "how it is signed", range: scheme.range,
                                value: TLSWire.signatureSchemeName(UInt16(scheme.value))))
        }
        if let signature = body.vector(2) {
            fields.append(Field(name: "signature", meaning: meaning, range: signature.length.lowerBound..<signature.body.range.upperBound,
                                value: "\(signature.body.bytes.count) bytes"))
        }
        return fields
    }

    private static func serverKeyExchange(_ body: inout FieldReader, context: Context) -> [Field] {
        var fields: [Field] = []
        let withScheme = context.version == 0x0303
        let signed = "the server's signature over both randoms and these parameters, with its certificate's key"
        if body.bytes.first == 3 {
            guard let curveType = body.number(1), let group = body.number(2), let key = body.vector(1) else { return fields }
            fields.append(Field(name: "curve type", meaning: "3: a named curve", range: curveType.range, value: "\(curveType.value)"))
            fields.append(Field(name: "named curve", meaning: "the group of the ephemeral key", range: group.range, value: TLSWire.groupName(UInt16(group.value))))
            fields.append(Field(name: "public key", meaning: "the server's ephemeral ECDH public key for this connection only",
                                range: key.length.lowerBound..<key.body.range.upperBound, value: hexText(key.body.bytes), fact: "key-share"))
        } else {
            for (name, meaning) in [("p", "the DH prime"), ("g", "the DH generator"), ("Ys", "the server's ephemeral DH public value")] {
                guard let value = body.vector(2) else { return fields }
                fields.append(Field(name: name, meaning: meaning, range: value.length.lowerBound..<value.body.range.upperBound,
                                    value: "\(value.body.bytes.count) bytes"))
            }
        }
        return fields + signature(&body, withScheme: withScheme, meaning: signed)
    }

    private static func clientKeyExchange(_ body: inout FieldReader) -> [Field] {
        let width = body.bytes.first.map { Int($0) + 1 == body.bytes.count } == true ? 1 : 2
        guard let key = body.vector(width) else { return [] }
        return [Field(name: width == 1 ? "public key" : "exchange value",
                      meaning: width == 1 ? "the client's ephemeral ECDH public key: with the server's it gives the pre-master secret"
                          : "the client's DH public value or RSA-encrypted pre-master secret",
                      range: key.length.lowerBound..<key.body.range.upperBound, value: hexText(key.body.bytes))]
    }

    private static func certificateVerify(_ body: inout FieldReader, context: Context) -> [Field] {
        signature(&body, withScheme: context.version.map { $0 >= 0x0303 } ?? true,
                  meaning: "a signature over the transcript so far: proves the sender holds its certificate's private key")
    }

    private static func certificateRequest(_ body: inout FieldReader, tls13: Bool) -> [Field] {
        var fields: [Field] = []
        if tls13 {
            if let context = body.vector(1) {
                fields.append(Field(name: "request context", meaning: "empty in the handshake", range: context.length.lowerBound..<context.body.range.upperBound))
            }
            if let extensions = ExtensionDissector.list(&body, place: .other) { fields.append(extensions) }
            return fields
        }
        if let types = body.vector(1) {
            fields.append(Field(name: "certificate types", meaning: "1: RSA, 64: ECDSA", range: types.length.lowerBound..<types.body.range.upperBound,
                                value: hexText(types.body.bytes, separator: " ")))
        }
        return fields
    }
}
