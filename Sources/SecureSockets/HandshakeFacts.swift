/// Reads the facts a trace shows from handshake message bodies (the bytes after the 4-byte
/// handshake header), and says in one sentence what each message is for.
package enum HandshakeFacts {
    /// What a ServerHello (or HelloRetryRequest) says.
    package struct ServerHello: Sendable, Equatable {
        /// The chosen version (from supported_versions in TLS 1.3).
        package var version: UInt16
        /// The chosen cipher suite's number.
        package var cipherSuite: UInt16
        /// The key-share group (TLS 1.3).
        package var group: UInt16?
        /// True for a HelloRetryRequest.
        package var isHelloRetryRequest: Bool
        /// True when the renegotiation_info extension is present (secure renegotiation).
        package var secureRenegotiation: Bool
        /// The application protocol the server chose through ALPN (TLS 1.2; TLS 1.3 sends it in
        /// EncryptedExtensions, see ``encryptedExtensionsProtocol(body:)``).
        package var applicationProtocol: String? = nil
    }

    /// The trace details of a ClientHello: versions, suites, groups, SNI, ALPN offer.
    package static func clientHello(body: [UInt8]) -> String {
        guard let hello = ClientHelloSummary.parse(body: body) else { return "" }
        var parts: [String] = []
        let versions = hello.offeredVersions.map { String($0.displayName.dropFirst(3)) } + hello.otherVersions
        if hello.listsVersions || versions.count <= 1 {
            parts.append("versions " + versions.joined(separator: " "))
        } else {
            parts.append("versions up to " + (versions.first ?? "?"))
        }
        parts.append("\(hello.cipherSuiteCount) cipher suites")
        if !hello.groups.isEmpty {
            let names = hello.groups.prefix(4).map(TLSWire.groupName)
            parts.append("groups " + names.joined(separator: " ") + (hello.groups.count > 4 ? " …" : ""))
        }
        if let name = hello.serverName { parts.append("SNI \(name)") }
        if !hello.applicationProtocols.isEmpty {
            parts.append("ALPN " + hello.applicationProtocols.map(ApplicationProtocolList.shown).joined(separator: " "))
        }
        return parts.joined(separator: ", ")
    }

    /// Parses a ServerHello body.
    package static func serverHello(body: [UInt8]) -> ServerHello? {
        var reader = ByteReader(bytes: body)
        guard let legacy = reader.u16(), let random = reader.take(32), let sessionLength = reader.u8(),
              reader.skip(Int(sessionLength)), let suite = reader.u16(), reader.skip(1) else { return nil }
        var hello = ServerHello(version: legacy, cipherSuite: suite, group: nil,
                                isHelloRetryRequest: random == TLSWire.helloRetryRequestRandom, secureRenegotiation: false)
        guard let extensionsLength = reader.u16(), let all = reader.take(Int(extensionsLength)) else { return hello }
        var extensions = ByteReader(bytes: all)
        while let type = extensions.u16(), let length = extensions.u16(), let content = extensions.take(Int(length)) {
            var field = ByteReader(bytes: content)
            switch type {
            case 0x002b: if let version = field.u16() { hello.version = version }
            case 0x0033: hello.group = field.u16()
            case 0xff01: hello.secureRenegotiation = true
            case 0x0010: hello.applicationProtocol = ApplicationProtocolList.decode(content)?.first
            default: break
            }
        }
        return hello
    }

    /// The application protocol a TLS 1.3 server chose, from an EncryptedExtensions body (its
    /// length-prefixed extensions block); nil when it holds no ALPN extension.
    package static func encryptedExtensionsProtocol(body: [UInt8]) -> String? {
        var reader = ByteReader(bytes: body)
        guard let length = reader.u16(), let all = reader.take(Int(length)) else { return nil }
        var extensions = ByteReader(bytes: all)
        while let type = extensions.u16(), let size = extensions.u16(), let content = extensions.take(Int(size)) {
            if type == 0x0010 { return ApplicationProtocolList.decode(content)?.first }
        }
        return nil
    }

    /// The group a HelloRetryRequest asks for, from its extensions block (length-prefixed).
    package static func helloRetryGroup(extensions body: [UInt8]) -> UInt16? {
        var reader = ByteReader(bytes: body)
        guard let length = reader.u16(), let all = reader.take(Int(length)) else { return nil }
        var extensions = ByteReader(bytes: all)
        while let type = extensions.u16(), let size = extensions.u16(), let content = extensions.take(Int(size)) {
            if type == 0x0033 {
                var field = ByteReader(bytes: content)
                return field.u16()
            }
        }
        return nil
    }

    /// The DER certificates in a Certificate body, leaf first.
    package static func certificates(body: [UInt8], tls13: Bool) -> [[UInt8]] {
        var reader = ByteReader(bytes: body)
        if tls13 {
            guard let contextLength = reader.u8(), reader.skip(Int(contextLength)) else { return [] }
        }
        guard let listLength = reader.u24(), let list = reader.take(listLength) else { return [] }
        var entries = ByteReader(bytes: list)
        var certificates: [[UInt8]] = []
        while let length = entries.u24(), let der = entries.take(length) {
            certificates.append(der)
            if tls13 {
                guard let extensionsLength = entries.u16(), entries.skip(Int(extensionsLength)) else { break }
            }
        }
        return certificates
    }

    /// The signature scheme of a TLS 1.2/1.3 CertificateVerify body.
    package static func certificateVerifyScheme(body: [UInt8]) -> UInt16? {
        var reader = ByteReader(bytes: body)
        return reader.u16()
    }

    /// The ECDHE group and (TLS 1.2) signature scheme of a ServerKeyExchange body.
    package static func serverKeyExchange(body: [UInt8], tls12: Bool) -> (group: UInt16?, scheme: UInt16?) {
        var reader = ByteReader(bytes: body)
        guard reader.u8() == 3, let group = reader.u16(), let pointLength = reader.u8(),
              reader.skip(Int(pointLength)) else { return (nil, nil) }
        return (group, tls12 ? reader.u16() : nil)
    }

    /// The ticket lifetime in seconds of a NewSessionTicket body.
    package static func ticketLifetime(body: [UInt8]) -> UInt32? {
        var reader = ByteReader(bytes: body)
        guard let high = reader.u16(), let low = reader.u16() else { return nil }
        return UInt32(high) << 16 | UInt32(low)
    }

    /// One sentence on what `message` is for (`tls13` selects the TLS 1.3 meaning where it differs).
    package static func explanation(_ message: String, tls13: Bool) -> String {
        switch message {
        case "ClientHello":
            return "The client proposes the TLS versions, cipher suites and key-exchange groups it supports, with a fresh random value."
        case "ServerHello":
            return tls13
                ? "The server picks the version and cipher suite and answers the client's key share: from here on, everything is encrypted."
                : "The server picks the version and cipher suite to use from the client's offer, with its own random value."
        case "HelloRetryRequest":
            return "The server asks the client to start again with a key share for a group the server supports."
        case "Certificate":
            return "The certificate chain: the sender's public key and name, signed by an issuer the other side may trust."
        case "ServerKeyExchange":
            return "The server's ephemeral Diffie-Hellman public key, signed with its certificate's key: the session key stays secret even if that key leaks later."
        case "ServerHelloDone":
            return "The server has said all it needs to; the client's turn."
        case "ClientKeyExchange":
            return "The client's ephemeral Diffie-Hellman public key: both sides now compute the same session keys, which never cross the wire."
        case "ChangeCipherSpec":
            return tls13
                ? "A dummy record for middleboxes that expect TLS 1.2; TLS 1.3 ignores it."
                : "From here on, this side's records are encrypted with the negotiated keys."
        case "Finished":
            return "A MAC over the whole handshake, sent encrypted: it proves that both sides saw the same messages, untampered."
        case "EncryptedExtensions":
            return "The rest of the server's parameters, already encrypted under the handshake keys."
        case "CertificateRequest":
            return "The server asks the client for a certificate of its own."
        case "CertificateStatus":
            return "The server staples a recent OCSP response, signed by its certificate's issuer, saying the certificate is not revoked."
        case "CertificateVerify":
            return "A signature over the handshake so far, made with the certificate's private key: proof that the sender owns the certificate."
        case "NewSessionTicket":
            return "A ticket the client may present later to resume the session without a full handshake."
        case "KeyUpdate":
            return "The sender switches to fresh traffic keys."
        case "HelloRequest":
            return "The server asks the client to renegotiate."
        case "Alert":
            return "A notification: close_notify ends the connection cleanly; a fatal alert aborts it and says why."
        case "application data":
            return "Encrypted application data: what the two programs exchange, unreadable without the session keys."
        default:
            return "A TLS message."
        }
    }
}
