import CNettleGnuTLS

/// A fixed-size, heap-allocated byte buffer that outlives the calls it is passed to, with
/// a `gnutls_datum_t` view (GnuTLS takes non-const pointers even for input).
final class OwnedBytes {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    /// `count` bytes, all `fill`.
    init(count: Int, fill: UInt8 = 0) {
        self.count = count
        pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: fill, count: max(count, 1))
    }

    /// A copy of `bytes`.
    convenience init(_ bytes: [UInt8]) {
        self.init(count: bytes.count)
        for (index, byte) in bytes.enumerated() { pointer[index] = byte }
    }

    /// `count` bytes from GnuTLS's random generator.
    static func random(count: Int) throws -> OwnedBytes {
        let bytes = OwnedBytes(count: count)
        try LimitsError.check(gnutls_rnd(GNUTLS_RND_RANDOM, bytes.pointer, count), "gnutls_rnd")
        return bytes
    }

    /// A copy of the contents.
    var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// The buffer as GnuTLS sees it.
    var datum: gnutls_datum_t {
        gnutls_datum_t(data: pointer, size: UInt32(count))
    }

    deinit {
        pointer.deallocate()
    }
}
