#if OpenSSL
import COpenSSL
import SecureSockets

/// Reads certificates and private keys from the configuration's PEM sources.
enum PEMReader {
    /// The bytes of a file, or a certificate-file error naming it.
    static func bytes(ofFile path: String, error: (String) -> TLSError) throws(TLSError) -> [UInt8] {
        switch FileContents.read(path) {
        case let .success(bytes): return bytes
        case let .failure(failure): throw error(failure.reason)
        }
    }

    /// Every certificate of a certificate source, in file order (leaf first for a chain).
    static func certificates(_ source: TLSConfiguration.CertificateSource) throws(TLSError) -> [X509Handle] {
        let label = source.label
        let pem: [UInt8]
        switch source {
        case let .file(path):
            pem = try bytes(ofFile: path) { .certificateFile(path: path, reason: $0, library: nil) }
        case let .pem(text, _):
            pem = Array(text.utf8)
        }
        return try certificates(pem: pem) { reason, library in
            .certificateFile(path: label, reason: reason, library: library)
        }
    }

    /// Every certificate in `pem`; `error` makes the failure when there is none.
    static func certificates(pem: [UInt8], error: (String, BackendError?) -> TLSError) throws(TLSError) -> [X509Handle] {
        OpenSSLError.clear()
        let bio = try MemoryBIO(pem)
        var found: [X509Handle] = []
        while let certificate = PEM_read_bio_X509(bio.pointer, nil, nil, nil) {
            found.append(X509Handle(taking: certificate))
        }
        // The loop ends on "no start line" at the end of the text: expected once something was read.
        let library = OpenSSLError.drain()
        if found.isEmpty {
            throw error("no PEM certificate found", library)
        }
        return found
    }

    /// The private key of a key source, decrypted with its passphrase when it is encrypted.
    static func privateKey(_ source: TLSConfiguration.PrivateKeySource) throws(TLSError) -> PrivateKeyHandle {
        let label = source.label
        let pem: [UInt8]
        switch source {
        case let .file(path, _):
            pem = try bytes(ofFile: path) { .privateKeyFile(path: path, reason: $0, library: nil) }
        case let .pem(text, _, _):
            pem = Array(text.utf8)
        }
        OpenSSLError.clear()
        let bio = try MemoryBIO(pem)
        let encrypted = String(decoding: pem, as: UTF8.self).contains("ENCRYPTED")
        let key: OpaquePointer? = source.passphrase.withOptionalCString { passphrase in
            // Never the terminal prompt of OpenSSL's default callback: no passphrase, no key.
            PEM_read_bio_PrivateKey(bio.pointer, nil, { buffer, size, _, user in
                guard let buffer, let user else { return -1 }
                let passphrase = user.assumingMemoryBound(to: CChar.self)
                let length = Int32(strlen(passphrase))
                guard length <= size else { return -1 }
                memcpy(buffer, passphrase, Int(length))
                return length
            }, UnsafeMutableRawPointer(mutating: passphrase))
        }
        let library = OpenSSLError.drain()
        guard let key else {
            if encrypted { throw .wrongPassphrase(keyPath: label, library: library) }
            throw .privateKeyFile(path: label, reason: "no PEM private key found", library: library)
        }
        return PrivateKeyHandle(taking: key)
    }
}

extension Optional where Wrapped == String {
    /// Calls `body` with the string as a C string, or with nil.
    func withOptionalCString<Result>(_ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        switch self {
        case let .some(text): return text.withCString { body($0) }
        case .none: return body(nil)
        }
    }
}
#endif
