import GnuTLSBackend
import SecureSockets

/// Walks one X.509 certificate's DER and marks the parts a learner looks for: the signed part
/// (version, serial, signature algorithm, issuer, validity, subject, public key, extensions), the
/// CA's signature algorithm and the signature. Names and dates come from GnuTLS's reading.
enum CertificateDissector {
    /// One DER element: tag, where its header and contents are.
    private struct Element {
        var tag: UInt8
        var start: Int
        var contents: Range<Int>
    }

    private static func element(_ bytes: [UInt8], at offset: Int, limit: Int) -> Element? {
        guard offset + 2 <= limit else { return nil }
        let tag = bytes[offset]
        var length = Int(bytes[offset + 1])
        var header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7f
            guard count >= 1, count <= 3, offset + 2 + count <= limit else { return nil }
            length = bytes[offset + 2..<offset + 2 + count].reduce(0) { $0 << 8 | Int($1) }
            header += count
        }
        guard offset + header + length <= limit else { return nil }
        return Element(tag: tag, start: offset, contents: offset + header..<offset + header + length)
    }

    private static func children(_ bytes: [UInt8], of parent: Element) -> [Element] {
        var result: [Element] = []
        var offset = parent.contents.lowerBound
        while offset < parent.contents.upperBound, let next = element(bytes, at: offset, limit: parent.contents.upperBound) {
            result.append(next)
            offset = next.contents.upperBound
        }
        return result
    }

    /// The fields of the certificate `der`, placed at `base` in the bytes shown.
    static func dissect(_ der: [UInt8], base: Int) -> Field {
        let whole = base..<base + der.count
        let info = der.withUnsafeBytes { try? certificateInfo(der: $0) }
        var certificate = Field(name: "certificate (DER)", meaning: "an X.509 certificate: a CA's signature over a name and a public key",
                                range: whole, value: info.map { "subject \($0.subject)" } ?? "", fact: "certificate-der")
        guard let top = element(der, at: 0, limit: der.count), top.tag == 0x30 else { return certificate }
        let parts = children(der, of: top)
        guard parts.count == 3, parts[0].tag == 0x30 else { return certificate }
        func range(_ element: Element) -> Range<Int> { base + element.start..<base + element.contents.upperBound }
        var tbsFields: [Field] = []
        var items = children(der, of: parts[0])
        if let first = items.first, first.tag == 0xa0 {
            tbsFields.append(Field(name: "version", meaning: "the certificate format (2 means X.509 v3)", range: range(first),
                                   value: info.map { "v\($0.version)" } ?? ""))
            items.removeFirst()
        }
        let names: [(String, String, (CertificateInfo) -> String)] = [
            ("serial number", "the CA's number for this certificate", { $0.serialNumber }),
            ("signature algorithm", "how the CA signed (repeated outside the signed part)", { $0.signatureAlgorithm }),
            ("issuer", "who signed it: the CA's name", { $0.issuer }),
            ("validity", "not before / not after: the certificate is good only between these dates",
             { "\($0.notBefore.utcText) to \($0.notAfter.utcText)" }),
            ("subject", "whose key this is: the name the certificate vouches for", { $0.subject }),
            ("subject public key info", "the subject's public key: what the handshake signature is checked with", { $0.publicKey }),
        ]
        for (index, item) in items.enumerated() {
            if index < names.count {
                let (name, meaning, value) = names[index]
                tbsFields.append(Field(name: name, meaning: meaning, range: range(item), value: info.map(value) ?? "",
                                       fact: name == "subject public key info" ? "certificate-public-key" : nil))
            } else {
                let alternative = info.map { $0.subjectAlternativeNames.isEmpty ? "" : "names: " + $0.subjectAlternativeNames.joined(separator: ", ") } ?? ""
                tbsFields.append(Field(name: "extensions", meaning: "key usage, alternative names (the host names it is valid for), CA flag…",
                                       range: range(item), value: alternative))
            }
        }
        certificate.children = [
            Field(name: "header", meaning: "DER SEQUENCE tag and length of the whole certificate", range: base..<base + top.contents.lowerBound),
            Field(name: "to be signed", meaning: "the part the CA's signature covers", range: range(parts[0]),
                  children: [Field(name: "header", meaning: "DER SEQUENCE tag and length", range: base + parts[0].start..<base + parts[0].contents.lowerBound)]
                      + tbsFields),
            Field(name: "signature algorithm", meaning: "how the CA signed", range: range(parts[1]), value: info?.signatureAlgorithm ?? ""),
            Field(name: "signature", meaning: "the CA's signature over the part to be signed", range: range(parts[2]),
                  value: "\(parts[2].contents.count - 1) bytes"),
        ]
        return certificate
    }
}
