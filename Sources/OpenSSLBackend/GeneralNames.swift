#if OpenSSL
#if canImport(Glibc)
import Glibc
#endif
import COpenSSL

/// Owns the `GENERAL_NAMES` stack of a certificate's subject alternative name extension,
/// released in `deinit` only.
final class GeneralNames {
    private let pointer: OpaquePointer

    /// The extension of `certificate`; nil when it has none.
    init?(_ certificate: OpaquePointer) {
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return nil }
        pointer = OpaquePointer(raw)
    }

    /// DNS names as given and IP addresses in text form, in the certificate's order.
    var entries: [String] {
        var names: [String] = []
        let count = OPENSSL_sk_num(pointer)
        for index in 0..<max(count, 0) {
            guard let raw = OPENSSL_sk_value(pointer, index) else { continue }
            let entry = raw.assumingMemoryBound(to: GENERAL_NAME.self).pointee
            switch entry.type {
            case GEN_DNS:
                if let text = Self.string(entry.d.dNSName) { names.append(String(decoding: text, as: UTF8.self)) }
            case GEN_IPADD:
                if let bytes = Self.string(entry.d.iPAddress), let text = Self.address(bytes) { names.append(text) }
            default:
                continue
            }
        }
        return names
    }

    private static func string(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8]? {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    private static func address(_ bytes: [UInt8]) -> String? {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, bytes, &text, socklen_t(text.count)) != nil else { return nil }
        return String(nulTerminated: text)
    }

    deinit { GENERAL_NAMES_free(pointer) }
}
#endif
