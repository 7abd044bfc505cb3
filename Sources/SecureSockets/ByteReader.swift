/// A bounds-checked big-endian reader over bytes (package-wide: the GnuTLS backend's trace
/// replay reads its scripts with it).
package struct ByteReader {
    /// The bytes read.
    package let bytes: [UInt8]
    /// Where the next read starts.
    package var offset = 0

    /// A reader at the start of `bytes`.
    package init(bytes: [UInt8]) { self.bytes = bytes }

    /// The next `count` bytes, or nil (and nothing consumed) when fewer are left.
    package mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Skips `count` bytes; false when fewer are left.
    package mutating func skip(_ count: Int) -> Bool { take(count) != nil }
    /// The next byte.
    package mutating func u8() -> UInt8? { take(1)?[0] }
    /// The next two bytes as a big-endian number.
    package mutating func u16() -> UInt16? { take(2).map { UInt16($0[0]) << 8 | UInt16($0[1]) } }
    /// The next three bytes as a big-endian number.
    package mutating func u24() -> Int? { take(3).map { Int($0[0]) << 16 | Int($0[1]) << 8 | Int($0[2]) } }
}
