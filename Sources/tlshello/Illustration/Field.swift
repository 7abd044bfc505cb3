import SecureSockets

/// One named span of bytes in an illustrated message: where it is, what it holds, what it means.
/// Fields nest (an extension holds its type, length and body); the leaves colour the hex dump.
struct Field {
    /// The field's name, e.g. `random` or `key_share`.
    var name: String
    /// One line on what the field is for.
    var meaning: String
    /// Where the field's bytes are, in the bytes shown (a message with its header, or a record).
    var range: Range<Int>
    /// The value decoded, e.g. `x25519` or `TLS 1.2` (empty when the bytes say it best).
    var value = ""
    /// A name for tests and tools to find the field by (`data-fact` in the page), or nil.
    var fact: String?
    /// The fields inside this one.
    var children: [Field] = []

    /// The leaves under this field (itself when it has no children).
    var leaves: [Field] { children.isEmpty ? [self] : children.flatMap(\.leaves) }
}

/// Reads fields from a message, recording where each one lies (offsets are into `bytes`).
struct FieldReader {
    private(set) var reader: ByteReader
    /// Added to every range, when `bytes` is a part of the bytes shown.
    let base: Int

    init(_ bytes: [UInt8], base: Int = 0) {
        reader = ByteReader(bytes: bytes)
        self.base = base
    }

    var offset: Int { reader.offset }
    var remaining: Int { reader.bytes.count - reader.offset }
    var bytes: [UInt8] { reader.bytes }

    /// The range (in shown bytes) of the next `count` bytes, consumed; nil when fewer are left.
    mutating func take(_ count: Int) -> (range: Range<Int>, bytes: [UInt8])? {
        let start = reader.offset
        guard let taken = reader.take(count) else { return nil }
        return (base + start..<base + start + count, taken)
    }

    /// A big-endian number of `width` bytes with its range.
    mutating func number(_ width: Int) -> (range: Range<Int>, value: Int)? {
        guard let taken = take(width) else { return nil }
        return (taken.range, taken.bytes.reduce(0) { $0 << 8 | Int($1) })
    }

    /// A length-prefixed vector (`width`-byte length): the length field and the body.
    mutating func vector(_ width: Int) -> (length: Range<Int>, body: (range: Range<Int>, bytes: [UInt8]))? {
        let saved = reader
        guard let length = number(width), let body = take(length.value) else { reader = saved; return nil }
        return (length.range, body)
    }
}

/// Hex text of bytes.
func hexText(_ bytes: some Collection<UInt8>, separator: String = "") -> String {
    let digits = Array("0123456789abcdef")
    return bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]]) }.joined(separator: separator)
}
