/// TLS records as bytes, for tests that split a flight into other records and other reads.
public enum TLSRecords {
    /// One record: content type, the two version bytes, the payload.
    public struct Record: Equatable {
        public var contentType: UInt8
        public var version: [UInt8]
        public var payload: [UInt8]

        public init(contentType: UInt8, version: [UInt8] = [0x03, 0x01], payload: [UInt8]) {
            self.contentType = contentType
            self.version = version
            self.payload = payload
        }

        /// Header and payload.
        public var bytes: [UInt8] {
            [contentType] + version + [UInt8(payload.count >> 8), UInt8(payload.count & 0xff)] + payload
        }
    }

    public static let handshake: UInt8 = 22
    public static let changeCipherSpec: UInt8 = 20
    public static let alert: UInt8 = 21
    public static let applicationData: UInt8 = 23

    /// The whole records at the start of `bytes` (a cut-short last record is left out).
    public static func parse(_ bytes: [UInt8]) -> [Record] {
        var records: [Record] = []
        var offset = 0
        while bytes.count - offset >= 5 {
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            guard bytes.count - offset - 5 >= length else { break }
            records.append(Record(contentType: bytes[offset], version: Array(bytes[offset + 1...offset + 2]),
                                  payload: Array(bytes[offset + 5..<offset + 5 + length])))
            offset += 5 + length
        }
        return records
    }

    /// A handshake message (header included) in records of at most `size` payload bytes.
    public static func frame(_ message: [UInt8], recordSize size: Int, version: [UInt8] = [0x03, 0x01]) -> [UInt8] {
        stride(from: 0, to: message.count, by: size).flatMap { start in
            Record(contentType: handshake, version: version,
                   payload: Array(message[start..<min(start + size, message.count)])).bytes
        }
    }

    /// The same flight with its plaintext handshake records joined and cut again into records of at
    /// most `size` payload bytes; with `emptyRecords`, a zero-length record of that content type
    /// goes between each two of them. Records from the first ChangeCipherSpec on are encrypted (TLS 1.2's
    /// Finished, all of TLS 1.3 after the ServerHello) and are copied unchanged.
    public static func reframe(_ flight: [UInt8], recordSize size: Int, emptyRecords: UInt8? = nil) -> [UInt8] {
        var output: [UInt8] = []
        var pending: [UInt8] = []
        var version: [UInt8] = [0x03, 0x03]
        var encrypted = false
        func emit() {
            var start = 0
            while start < pending.count {
                if let emptyRecords, start > 0 {
                    output += Record(contentType: emptyRecords, version: version, payload: []).bytes
                }
                let end = min(start + size, pending.count)
                output += Record(contentType: handshake, version: version, payload: Array(pending[start..<end])).bytes
                start = end
            }
            pending = []
        }
        for record in parse(flight) {
            if record.contentType == changeCipherSpec { encrypted = true }
            if record.contentType == handshake && !encrypted {
                version = record.version
                pending += record.payload
            } else {
                emit()
                output += record.bytes
            }
        }
        emit()
        return output
    }

    /// `bytes` cut into reads of at most `size` bytes.
    public static func reads(_ bytes: [UInt8], size: Int) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }
}

/// A ClientHello taken apart into its fields, to be enlarged and put back together: more cipher
/// suites, more or larger extensions, padding. Lengths are recomputed when ``message`` is built.
public struct ClientHelloMessage {
    public var legacyVersion: [UInt8]
    public var random: [UInt8]
    public var sessionID: [UInt8]
    public var cipherSuites: [UInt8]
    public var compressionMethods: [UInt8]
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

/// The large ClientHellos that must be answered at once: a real hello enlarged and cut into records.
public enum LargeClientHello: String, CaseIterable, Sendable {
    case extension4KiBIn1024ByteRecords, extension4KiBIn20Records, extension16KiB, extension32KiB,
         tenThousandCipherSuites, padding64KiB, emptyExtensions4096

    /// The records of the enlarged hello made from `flight` (a client's first flight); nil if the
    /// flight holds no ClientHello.
    public func records(from flight: [UInt8]) -> [UInt8]? {
        guard var hello = ClientHelloMessage(flight: flight) else { return nil }
        switch self {
        case .extension4KiBIn1024ByteRecords, .extension4KiBIn20Records:
            hello.prepend(extension: 0x4242, body: [UInt8](repeating: 0x42, count: 4096))
        case .extension16KiB:
            hello.prepend(extension: 0x4242, body: [UInt8](repeating: 0x42, count: 16 * 1024))
        case .extension32KiB:
            hello.prepend(extension: 0x4242, body: [UInt8](repeating: 0x42, count: 32 * 1024))
        case .tenThousandCipherSuites:
            hello.addUnknownCipherSuites(10_000)
        case .padding64KiB:
            hello.pad(extensionsTo: 65535)
        case .emptyExtensions4096:
            let empty = (0..<4096).map { (type: UInt16(0x2000 + $0), body: [UInt8]()) }
            hello.extensions = empty + hello.extensions
        }
        let message = hello.message
        switch self {
        case .extension4KiBIn1024ByteRecords: return TLSRecords.frame(message, recordSize: 1024)
        case .extension4KiBIn20Records: return TLSRecords.frame(message, recordSize: (message.count + 19) / 20)
        default: return TLSRecords.frame(message, recordSize: 16 * 1024)
        }
    }
}
