/// The facts a server can read from a client's first bytes before any TLS library does:
/// which versions the client offers, its SNI name, or that it is not speaking TLS at all.
/// Used to explain failed handshakes ("client offered TLS1.0 only").
package struct ClientHelloSummary: Sendable, Equatable {
    /// What the first bytes turned out to be.
    package enum Kind: Sendable, Equatable {
        /// A TLS ClientHello (possibly truncated after the fields read).
        case tls
        /// An SSL 2.0-format ClientHello.
        case sslv2
        /// Printable text, e.g. an HTTP request; `firstLine` is its start.
        case plaintext(firstLine: String)
        /// Anything else.
        case unknown
    }

    /// What the bytes are.
    package var kind: Kind
    /// The versions the client offers, newest first (from supported_versions, else legacy_version
    /// and every table row below it).
    package var offeredVersions: [TLSVersion] = []
    /// Wire versions the client offers that are not table rows (e.g. SSL 3.0, future ones), as hex.
    package var otherVersions: [String] = []
    /// The number of cipher suites offered.
    package var cipherSuiteCount = 0
    /// The server name (SNI) the client asked for.
    package var serverName: String?
    /// True when the client sent supported_versions (TLS 1.3 style): ``offeredVersions`` is exact.
    /// Otherwise the client offered its legacy_version "or lower".
    package var listsVersions = false
    /// The key-exchange groups offered (supported_groups), in the client's order.
    package var groups: [UInt16] = []
    /// True when the client signals secure renegotiation (renegotiation_info extension).
    package var secureRenegotiation = false
    /// The application protocols the client offers through ALPN, in its order of preference
    /// (empty when it sent no ALPN extension). The client's own bytes: escape them for display.
    package var applicationProtocols: [String] = []
    /// True when the whole ClientHello was read; otherwise the fields hold what its first bytes said
    /// (e.g. no supported_versions yet, so the versions are only the legacy_version's guess).
    package var isWhole = true

    /// How many bytes of a ClientHello body ``parse(_:)`` reads at most; the rest is not looked at.
    package static let bodyLimit = 16 * 1024

    /// Reads the start of a connection. The ClientHello may span several handshake records (each
    /// header is skipped); at most 16 KiB of it are read. Returns nil while too few
    /// bytes arrived to tell.
    package static func parse(_ bytes: some Collection<UInt8>) -> ClientHelloSummary? {
        // Enough for the body limit even in 1-byte records (6 bytes each).
        let data = Array(bytes.prefix(6 * bodyLimit + 5))
        guard data.count >= 3 else { return nil }
        if data[0] & 0x80 != 0 && data[2] == 0x01 { return ClientHelloSummary(kind: .sslv2) }
        if data[0] != 0x16 {
            let printable = data.prefix(64).prefix(while: { $0 != 0x0d && $0 != 0x0a })
            if printable.count >= 3 && printable.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) {
                return ClientHelloSummary(kind: .plaintext(firstLine: String(decoding: printable, as: UTF8.self)))
            }
            return ClientHelloSummary(kind: .unknown)
        }
        switch FirstHandshakeMessage.read(data, limit: bodyLimit) {
        case .incomplete:
            return nil
        case .notHandshake:
            return ClientHelloSummary(kind: .unknown)
        case let .message(message):
            guard message.type == 0x01 else { return ClientHelloSummary(kind: .unknown) }
            let whole = message.isComplete || message.body.count >= bodyLimit
            var reader = ByteReader(bytes: message.body)
            guard var summary = parseBody(&reader) else { return whole ? ClientHelloSummary(kind: .unknown) : nil }
            summary.isWhole = message.isComplete
            return summary
        }
    }

    /// Reads a ClientHello message body (after the 4-byte handshake header).
    package static func parse(body: [UInt8]) -> ClientHelloSummary? {
        var reader = ByteReader(bytes: body)
        return parseBody(&reader)
    }

    private static func parseBody(_ reader: inout ByteReader) -> ClientHelloSummary? {
        guard let legacy = reader.u16() else { return nil }
        var summary = ClientHelloSummary(kind: .tls)
        summary.record(legacyVersion: legacy)
        guard reader.skip(32), let sessionLength = reader.u8(), reader.skip(Int(sessionLength)),
              let suitesLength = reader.u16() else { return summary }
        summary.cipherSuiteCount = Int(suitesLength) / 2
        guard reader.skip(Int(suitesLength)), let compressionLength = reader.u8(),
              reader.skip(Int(compressionLength)), let extensionsLength = reader.u16() else { return summary }
        var extensions = ByteReader(bytes: reader.take(Int(extensionsLength)) ?? [])
        while let type = extensions.u16(), let length = extensions.u16(), let body = extensions.take(Int(length)) {
            var field = ByteReader(bytes: body)
            switch type {
            case 0x0000:
                _ = field.u16()
                if field.u8() == 0, let nameLength = field.u16(), let name = field.take(Int(nameLength)) {
                    summary.serverName = String(decoding: name, as: UTF8.self)
                }
            case 0x000a:
                guard let listLength = field.u16(), let list = field.take(Int(listLength)) else { break }
                var groups = ByteReader(bytes: list)
                while let group = groups.u16() {
                    if group & 0x0f0f != 0x0a0a { summary.groups.append(group) }
                }
            case 0x002b:
                guard let listLength = field.u8(), let list = field.take(Int(listLength)) else { break }
                var versions = ByteReader(bytes: list)
                summary.offeredVersions = []
                summary.otherVersions = []
                summary.listsVersions = true
                while let wire = versions.u16() { summary.record(wireVersion: wire) }
            case 0xff01:
                summary.secureRenegotiation = true
            case 0x0010:
                summary.applicationProtocols = ApplicationProtocolList.decode(body) ?? []
            default:
                break
            }
        }
        return summary
    }

    /// The offered versions in words, e.g. `TLS1.3, TLS1.2` or `SSL/TLS 0x0300`.
    package var offeredText: String {
        if !listsVersions {
            if let highest = offeredVersions.first {
                return highest == .tlsv1_0 ? "TLS1.0" : "\(highest.displayName) or lower"
            }
            return otherVersions.first ?? "no version"
        }
        let names = offeredVersions.map(\.displayName) + otherVersions
        return names.isEmpty ? "no version" : names.joined(separator: ", ")
    }

    private mutating func record(legacyVersion: UInt16) {
        // Before supported_versions, a client offers its legacy_version and everything below it.
        offeredVersions = Self.tableRows.filter { $0.wire <= legacyVersion && $0.wire >= 0x0301 }
            .map(\.version).reversed()
        if legacyVersion < 0x0301 || legacyVersion > 0x0304 { otherVersions = [Self.hex(legacyVersion)] }
    }

    private mutating func record(wireVersion: UInt16) {
        if wireVersion & 0x0f0f == 0x0a0a { return } // GREASE
        if let row = Self.tableRows.first(where: { $0.wire == wireVersion }) {
            offeredVersions.append(row.version)
        } else {
            otherVersions.append(Self.hex(wireVersion))
        }
    }

    private static let tableRows: [(version: TLSVersion, wire: UInt16)] = [
        (.tlsv1_0, 0x0301), (.tlsv1_1, 0x0302), (.tlsv1_2, 0x0303), (.tlsv1_3, 0x0304),
    ]

    private static func hex(_ value: UInt16) -> String {
        let digits = Array("0123456789abcdef")
        let text = (0..<4).reversed().map { digits[Int(value >> (UInt16($0) * 4) & 0xf)] }
        return value == 0x0300 ? "SSL3.0" : "0x" + String(text)
    }

    private init(kind: Kind) { self.kind = kind }
}
