/// A ClientHello taken apart into its fields, to be enlarged and put back together: more cipher
/// suites, more or larger extensions, padding. Lengths are recomputed when ``message`` is built.
public struct ClientHelloMessage {
    /// legacy_version, two bytes (`03 03` from TLS 1.2 on).
    public var legacyVersion: [UInt8]
    /// The client's 32 random bytes.
    public var random: [UInt8]
    /// legacy_session_id, 0 to 32 bytes.
    public var sessionID: [UInt8]
    /// The cipher suites, two bytes each.
    public var cipherSuites: [UInt8]
    /// The compression methods, one byte each (`00`: none).
    public var compressionMethods: [UInt8]
    /// The extensions in order: type and body.
    public var extensions: [(type: UInt16, body: [UInt8])]

    /// A ClientHello made of these fields.
    public init(legacyVersion: [UInt8] = [0x03, 0x03], random: [UInt8] = [UInt8](repeating: 0x42, count: 32),
                sessionID: [UInt8] = [], cipherSuites: [UInt8], compressionMethods: [UInt8] = [0],
                extensions: [(type: UInt16, body: [UInt8])]) {
        self.legacyVersion = legacyVersion
        self.random = random
        self.sessionID = sessionID
        self.cipherSuites = cipherSuites
        self.compressionMethods = compressionMethods
        self.extensions = extensions
    }

    /// Reads a ClientHello handshake message (4-byte header included); nil if it is not one.
    public init?(message: [UInt8]) {
        var offset = 4
        func take(_ count: Int) -> [UInt8]? {
            guard count >= 0, offset + count <= message.count else { return nil }
            defer { offset += count }
            return Array(message[offset..<offset + count])
        }
        func length(_ bytes: Int) -> Int? { take(bytes)?.reduce(0) { $0 << 8 | Int($1) } }
        guard message.first == 1, let legacy = take(2), let random = take(32),
              let sessionLength = length(1), let sessionID = take(sessionLength),
              let suitesLength = length(2), let suites = take(suitesLength),
              let compressionLength = length(1), let compression = take(compressionLength),
              let extensionsLength = length(2), offset + extensionsLength == message.count else { return nil }
        var extensions: [(type: UInt16, body: [UInt8])] = []
        while offset < message.count {
            guard let type = length(2), let bodyLength = length(2), let body = take(bodyLength) else { return nil }
            extensions.append((UInt16(type), body))
        }
        legacyVersion = legacy
        self.random = random
        self.sessionID = sessionID
        cipherSuites = suites
        compressionMethods = compression
        self.extensions = extensions
    }

    /// The first handshake message of a flight of plaintext records, as a ClientHello.
    public init?(flight: [UInt8]) {
        let joined = TLSRecords.parse(flight).filter { $0.contentType == TLSRecords.handshake }.flatMap(\.payload)
        guard joined.count >= 4 else { return nil }
        let length = Int(joined[1]) << 16 | Int(joined[2]) << 8 | Int(joined[3])
        guard joined.count >= 4 + length else { return nil }
        self.init(message: Array(joined[0..<4 + length]))
    }

    /// The handshake message (header included).
    public var message: [UInt8] {
        let extensionBytes = extensions.flatMap { Self.u16(Int($0.type)) + Self.u16($0.body.count) + $0.body }
        var body = legacyVersion + random + [UInt8(sessionID.count)] + sessionID
        body += Self.u16(cipherSuites.count) + cipherSuites
        body += [UInt8(compressionMethods.count)] + compressionMethods
        body += Self.u16(extensionBytes.count) + extensionBytes
        return [1, UInt8(body.count >> 16), UInt8(body.count >> 8 & 0xff), UInt8(body.count & 0xff)] + body
    }

    /// Bytes the extensions take, headers included.
    public var extensionsSize: Int { extensions.reduce(0) { $0 + 4 + $1.body.count } }

    /// Puts an extension first (never after pre_shared_key, which must stay last).
    public mutating func prepend(extension type: UInt16, body: [UInt8]) {
        extensions.insert((type, body), at: 0)
    }

    /// Adds `count` cipher suites before the real ones, from 0x6000 up: unassigned values (and
    /// GREASE) for counts up to 24,000; above that they reach real ECDHE suites (0xc0xx).
    public mutating func addUnknownCipherSuites(_ count: Int) {
        cipherSuites = (0..<count).flatMap { Self.u16(0x6000 + $0) } + cipherSuites
    }

    /// Adds a padding extension (type 21) so that the extensions take `total` bytes in all,
    /// replacing any padding already there.
    public mutating func pad(extensionsTo total: Int) {
        extensions.removeAll { $0.type == 21 }
        let padding = total - extensionsSize - 4
        precondition(padding >= 0, "the extensions already take more than \(total) bytes")
        prepend(extension: 21, body: [UInt8](repeating: 0, count: padding))
    }

    private static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }
}
