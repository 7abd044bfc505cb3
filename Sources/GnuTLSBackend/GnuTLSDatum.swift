import CGnuTLS

/// Memory GnuTLS allocated for the caller (an exported certificate or key, a printed DN, a session's
/// resumption data, a description string): filled through ``raw``, released with `gnutls_free`
/// when this value ends, and nowhere else.
struct GnuTLSDatum: ~Copyable {
    /// The datum to hand to the GnuTLS call that fills it; empty until then.
    var raw = gnutls_datum_t()

    /// An empty datum, for a GnuTLS call to fill.
    init() {}

    /// Takes over a NUL-terminated string GnuTLS allocated (e.g. `gnutls_session_get_desc`).
    init(adoptingCString pointer: UnsafeMutablePointer<CChar>) {
        raw = gnutls_datum_t(data: UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                             size: UInt32(strlen(pointer)))
    }

    /// A copy of the bytes.
    var bytes: [UInt8] {
        guard let data = raw.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(raw.size)))
    }

    /// A copy of the bytes as UTF-8 text.
    var string: String {
        guard let data = raw.data else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(raw.size)), as: UTF8.self)
    }

    deinit {
        cgnutls_free(raw.data)
    }
}
