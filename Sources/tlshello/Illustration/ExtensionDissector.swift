import SecureSockets

/// Splits a hello's (or EncryptedExtensions', Certificate entry's, CertificateRequest's) extension
/// list into one field per extension, each with its type, length and body read by name.
enum ExtensionDissector {
    /// Where the extensions are read: it changes what some bodies hold.
    enum Place { case clientHello, serverHello, helloRetryRequest, encryptedExtensions, other }

    /// The name and one-line meaning of extension `type`.
    static func describe(_ type: Int) -> (name: String, meaning: String) {
        switch type {
        case 0: return ("server_name", "SNI: the host name the client wants, so one address can serve several sites")
        case 1: return ("max_fragment_length", "asks for smaller records")
        case 5: return ("status_request", "asks the server to staple an OCSP response about its certificate")
        case 10: return ("supported_groups", "the key exchange groups (curves, finite fields) the client can use")
        case 11: return ("ec_point_formats", "how elliptic-curve points may be encoded (uncompressed)")
        case 13: return ("signature_algorithms", "the signature schemes the sender accepts in the handshake")
        case 15: return ("heartbeat", "heartbeat support (RFC 6520)")
        case 16: return ("application_layer_protocol_negotiation", "ALPN: the application protocols offered or chosen")
        case 18: return ("signed_certificate_timestamp", "asks for Certificate Transparency proofs")
        case 21: return ("padding", "zeros that make the ClientHello a size some middleboxes handle")
        case 22: return ("encrypt_then_mac", "CBC records are MACed after encryption (RFC 7366), closing padding-oracle attacks")
        case 23: return ("extended_master_secret", "the master secret covers the whole handshake (RFC 7627), tying it to this connection")
        case 27: return ("compress_certificate", "certificates may be sent compressed")
        case 28: return ("record_size_limit", "the largest record the sender will accept (RFC 8449)")
        case 35: return ("session_ticket", "a TLS 1.2 session ticket: empty to ask for one, or one to resume with")
        case 41: return ("pre_shared_key", "TLS 1.3 resumption: a ticket's identity and the binder that proves its key")
        case 42: return ("early_data", "0-RTT data follows (or is accepted)")
        case 43: return ("supported_versions", "the TLS versions offered (ClientHello) or chosen (ServerHello); the real version field of TLS 1.3")
        case 44: return ("cookie", "a value a HelloRetryRequest asks the client to echo")
        case 45: return ("psk_key_exchange_modes", "how a resumed TLS 1.3 session may agree keys (psk_dhe_ke: with a new key exchange)")
        case 47: return ("certificate_authorities", "the CAs the sender trusts")
        case 49: return ("post_handshake_auth", "the client may be asked for a certificate after the handshake")
        case 50: return ("signature_algorithms_cert", "signature schemes accepted in certificates")
        case 51: return ("key_share", "the public keys for the (EC)DHE key exchange, one per group offered (ClientHello) or the one chosen")
        case 0xff01: return ("renegotiation_info", "secure renegotiation (RFC 5746): empty in a first handshake")
        default:
            if type & 0x0f0f == 0x0a0a { return ("GREASE", "a reserved value that checks peers ignore what they do not know") }
            return ("extension \(type)", "an extension this page does not read")
        }
    }

    /// The fields of an extension list with its 2-byte length, read from `reader`.
    static func list(_ reader: inout FieldReader, place: Place) -> Field? {
        guard let all = reader.vector(2) else { return nil }
        var inner = FieldReader(all.body.bytes, base: all.body.range.lowerBound)
        var fields: [Field] = [Field(name: "extensions length", meaning: "the bytes of all extensions that follow",
                                     range: all.length, value: "\(all.body.bytes.count)")]
        while inner.remaining >= 4 {
            guard let type = inner.number(2), let body = inner.vector(2) else { break }
            let (name, meaning) = describe(type.value)
            var children = [Field(name: "type", meaning: "the extension's number", range: type.range, value: "\(type.value) (\(name))"),
                            Field(name: "length", meaning: "the extension body's size", range: body.length, value: "\(body.body.bytes.count)")]
            children += Self.body(type: type.value, body.body.bytes, base: body.body.range.lowerBound, place: place)
            fields.append(Field(name: name, meaning: meaning, range: type.range.lowerBound..<body.body.range.upperBound,
                                fact: "extension-\(type.value)", children: children))
        }
        return Field(name: "extensions", meaning: "optional features, each as type, length, body",
                     range: all.length.lowerBound..<all.body.range.upperBound, children: fields)
    }

    /// The body of one extension, split into fields where this page knows how.
    private static func body(type: Int, _ bytes: [UInt8], base: Int, place: Place) -> [Field] {
        guard !bytes.isEmpty else { return [] }
        var reader = FieldReader(bytes, base: base)
        let whole = base..<base + bytes.count
        func raw(_ meaning: String) -> [Field] { [Field(name: "data", meaning: meaning, range: whole)] }
        switch type {
        case 0 where place == .clientHello:
            guard let list = reader.vector(2) else { return raw("the server name list") }
            var inner = FieldReader(list.body.bytes, base: list.body.range.lowerBound)
            var fields = [Field(name: "list length", meaning: "bytes of names", range: list.length, value: "\(list.body.bytes.count)")]
            while let kind = inner.number(1), let name = inner.vector(2) {
                fields.append(Field(name: "name type", meaning: "0: a DNS host name", range: kind.range, value: "\(kind.value)"))
                fields.append(Field(name: "host name", meaning: "the name the client asked for, in the clear",
                                    range: name.length.lowerBound..<name.body.range.upperBound,
                                    value: String(decoding: name.body.bytes, as: UTF8.self), fact: "sni"))
            }
            return fields
        case 10:
            guard let list = reader.vector(2) else { return raw("groups") }
            return [Field(name: "groups length", meaning: "bytes of group numbers", range: list.length, value: "\(list.body.bytes.count)")]
                + pairs(list.body, name: "group", meaning: "a key exchange group the client supports", describe: { TLSWire.groupName($0) })
        case 13, 50:
            guard let list = reader.vector(2) else { return raw("schemes") }
            return [Field(name: "schemes length", meaning: "bytes of scheme numbers", range: list.length, value: "\(list.body.bytes.count)")]
                + pairs(list.body, name: "scheme", meaning: "a signature scheme accepted", describe: { TLSWire.signatureSchemeName($0) })
        case 16:
            guard let list = reader.vector(2) else { return raw("protocols") }
            var inner = FieldReader(list.body.bytes, base: list.body.range.lowerBound)
            var fields = [Field(name: "list length", meaning: "bytes of protocol names", range: list.length, value: "\(list.body.bytes.count)")]
            while let name = inner.vector(1) {
                fields.append(Field(name: "protocol", meaning: place == .clientHello ? "a protocol offered" : "the protocol chosen",
                                    range: name.length.lowerBound..<name.body.range.upperBound,
                                    value: String(decoding: name.body.bytes, as: UTF8.self)))
            }
            return fields
        case 43 where place == .clientHello:
            guard let list = reader.vector(1) else { return raw("versions") }
            return [Field(name: "versions length", meaning: "bytes of versions", range: list.length, value: "\(list.body.bytes.count)")]
                + pairs(list.body, name: "version", meaning: "a version offered, most preferred first", describe: { "TLS " + TLSWire.versionName($0) })
        case 43:
            guard let version = reader.number(2) else { return raw("version") }
            return [Field(name: "selected version", meaning: "the version this connection uses",
                          range: version.range, value: "TLS " + TLSWire.versionName(UInt16(version.value)))]
        case 51 where place == .clientHello:
            guard let list = reader.vector(2) else { return raw("key shares") }
            var inner = FieldReader(list.body.bytes, base: list.body.range.lowerBound)
            var fields = [Field(name: "shares length", meaning: "bytes of key shares", range: list.length, value: "\(list.body.bytes.count)")]
            while let group = inner.number(2), let key = inner.vector(2) {
                fields.append(keyShare(group: group, key: key, meaning: "the client's public key for this group (its private key never leaves it)"))
            }
            return fields
        case 51 where place == .helloRetryRequest:
            guard let group = reader.number(2) else { return raw("group") }
            return [Field(name: "selected group", meaning: "the group the server wants a key share in: the client must send a new ClientHello",
                          range: group.range, value: TLSWire.groupName(UInt16(group.value)))]
        case 51:
            guard let group = reader.number(2), let key = reader.vector(2) else { return raw("key share") }
            return [keyShare(group: group, key: key, meaning: "the server's public key; with the client's it gives the shared secret")]
        case 11:
            guard let list = reader.vector(1) else { return raw("formats") }
            return [Field(name: "formats length", meaning: "bytes of formats", range: list.length, value: "\(list.body.bytes.count)"),
                    Field(name: "formats", meaning: "0: uncompressed points", range: list.body.range, value: hexText(list.body.bytes))]
        case 45:
            guard let list = reader.vector(1) else { return raw("modes") }
            return [Field(name: "modes length", meaning: "bytes of modes", range: list.length, value: "\(list.body.bytes.count)"),
                    Field(name: "modes", meaning: "1: psk_dhe_ke (resume with a new key exchange), 0: psk_ke", range: list.body.range,
                          value: hexText(list.body.bytes, separator: " "))]
        case 0xff01:
            guard let data = reader.vector(1) else { return raw("renegotiation data") }
            return [Field(name: "renegotiated_connection", meaning: "empty in a first handshake; the previous Finished values when renegotiating",
                          range: data.length.lowerBound..<data.body.range.upperBound, value: "\(data.body.bytes.count) bytes")]
        case 41 where place == .clientHello:
            guard let identities = reader.vector(2) else { return raw("PSK") }
            var fields = [Field(name: "identities", meaning: "the tickets offered (opaque to the client), each with its obfuscated age",
                                range: identities.length.lowerBound..<identities.body.range.upperBound, value: "\(identities.body.bytes.count) bytes")]
            if let binders = reader.vector(2) {
                fields.append(Field(name: "binders", meaning: "HMACs over the ClientHello so far, proving the client holds the ticket's key",
                                    range: binders.length.lowerBound..<binders.body.range.upperBound, value: "\(binders.body.bytes.count) bytes"))
            }
            return fields
        case 41:
            guard let index = reader.number(2) else { return raw("PSK") }
            return [Field(name: "selected identity", meaning: "the ticket the server accepted: this handshake resumes a session",
                          range: index.range, value: "\(index.value)")]
        case 35:
            return raw(place == .clientHello ? "a ticket from an earlier session, to resume it" : "data")
        case 28:
            guard let limit = reader.number(2) else { return raw("limit") }
            return [Field(name: "record size limit", meaning: "the largest plaintext record accepted", range: limit.range, value: "\(limit.value)")]
        case 5 where place == .clientHello:
            return raw("1 (OCSP), then responder ids and extensions (usually empty)")
        default:
            return raw("the extension's body")
        }
    }

    private static func keyShare(group: (range: Range<Int>, value: Int), key: (length: Range<Int>, body: (range: Range<Int>, bytes: [UInt8])),
                                 meaning: String) -> Field {
        let name = TLSWire.groupName(UInt16(group.value))
        return Field(name: "key share (\(name))", meaning: "one group's public key", range: group.range.lowerBound..<key.body.range.upperBound,
                     children: [Field(name: "group", meaning: "the group of this key", range: group.range, value: name),
                                Field(name: "key length", meaning: "bytes of the public key", range: key.length, value: "\(key.body.bytes.count)"),
                                Field(name: "public key", meaning: meaning, range: key.body.range, value: hexText(key.body.bytes),
                                      fact: "key-share")])
    }

    /// One field per 2-byte value of a list.
    static func pairs(_ list: (range: Range<Int>, bytes: [UInt8]), name: String, meaning: String,
                      describe: (UInt16) -> String) -> [Field] {
        stride(from: 0, to: list.bytes.count - 1, by: 2).map { index in
            let value = UInt16(list.bytes[index]) << 8 | UInt16(list.bytes[index + 1])
            let start = list.range.lowerBound + index
            return Field(name: name, meaning: meaning, range: start..<start + 2, value: describe(value))
        }
    }
}
