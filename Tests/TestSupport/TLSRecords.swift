/// TLS records as bytes, for tests that split a flight into other records and other reads.
public enum TLSRecords {
    /// One record: content type, the two version bytes, the payload.
    public struct Record: Equatable {
        /// The content type, e.g. ``TLSRecords/handshake``.
        public var contentType: UInt8
        /// The record's two version bytes (`03 01` for a ClientHello, `03 03` after it).
        public var version: [UInt8]
        /// The payload, at most 16 KiB in a valid record (the tests make others too).
        public var payload: [UInt8]

        /// A record of `contentType` carrying `payload`.
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

    /// The handshake content type.
    public static let handshake: UInt8 = 22
    /// The ChangeCipherSpec content type.
    public static let changeCipherSpec: UInt8 = 20
    /// The alert content type.
    public static let alert: UInt8 = 21
    /// The application data content type.
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
