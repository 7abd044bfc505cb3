#if OpenSSL
extension String {
    /// The text of a NUL-terminated C string held in a buffer OpenSSL filled.
    init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
#endif
