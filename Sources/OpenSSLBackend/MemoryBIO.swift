#if OpenSSL
import COpenSSL
import SecureSockets

/// Owns one memory `BIO` holding a copy of some bytes (PEM text to parse, or text OpenSSL
/// prints), freed in `deinit` only.
final class MemoryBIO {
    /// The BIO.
    let pointer: OpaquePointer

    /// An empty BIO to print into.
    init() throws(TLSError) {
        guard let pointer = BIO_new(BIO_s_mem()) else {
            throw .setupFailed(operation: "create a memory BIO", library: OpenSSLError.take("BIO_new"))
        }
        self.pointer = pointer
    }

    /// A BIO holding a copy of `bytes`.
    convenience init(_ bytes: [UInt8]) throws(TLSError) {
        try self.init()
        let written = bytes.withUnsafeBytes { BIO_write(pointer, $0.baseAddress, Int32($0.count)) }
        if !bytes.isEmpty && written != Int32(bytes.count) {
            throw .setupFailed(operation: "copy bytes into a memory BIO", library: OpenSSLError.take("BIO_write"))
        }
    }

    /// Everything written into the BIO, as text.
    var text: String {
        var data: UnsafeMutablePointer<CChar>?
        let count = BIO_ctrl(pointer, BIO_CTRL_INFO, 0, &data)
        guard let data, count > 0 else { return "" }
        return data.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    deinit { BIO_free(pointer) }
}
#endif
