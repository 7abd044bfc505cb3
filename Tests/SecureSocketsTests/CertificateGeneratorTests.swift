import Glibc
import SecureSockets
import Testing

@testable import GnuTLSBackend

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("CertificateGenerator and PEMCertificates")
struct CertificateGeneratorTests {
    static let keyTypes: [(CertificateRequest.KeyType, String)] = [
        (.rsa(bits: 2048), "RSA 2048"),
        (.ecdsaP256, "ECDSA SECP256R1"),
        (.ed25519, "EdDSA (Ed25519)"),
    ]

    static func isFingerprint(_ text: String) -> Bool {
        let pairs = text.split(separator: ":", omittingEmptySubsequences: false)
        return pairs.count == 32 && pairs.allSatisfy { pair in
            pair.count == 2 && pair.allSatisfy { "0123456789abcdef".contains($0) }
        }
    }

    /// A fresh empty directory under /tmp.
    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/certgen-test-XXXXXX".utf8CString)
        let made = try #require(mkdtemp(&template))
        return String(cString: made)
    }

    @Test("self-signed certificates parse back", arguments: [0, 1, 2])
    func selfSigned(index: Int) throws {
        let (keyType, keyText) = Self.keyTypes[index]
        let now = Date()
        let generated = try CertificateGenerator.generate(CertificateRequest(keyType: keyType))
        let info = generated.info
        #expect(info.subject == "CN=localhost")
        #expect(info.issuer == info.subject)
        #expect(info.subjectAlternativeNames == ["localhost", "127.0.0.1", "::1"])
        #expect(info.version == 3)
        #expect(info.publicKey == keyText)
        #expect(!info.isExpired(at: now))
        #expect(!info.isNotYetValid(at: now))
        #expect(abs(info.notBefore.timeIntervalSince(now) + 3600) < 60)
        #expect(abs(info.notAfter.timeIntervalSince(now) - 825 * 86400) < 60)
        #expect(Self.isFingerprint(info.sha256Fingerprint))
        #expect(info.serialNumber.count == 32)
        #expect(generated.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(generated.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try generated.privateKeyPEM(encryptedWith: "secret").hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))

        // The PEM reads back to the same description.
        #expect(try PEMCertificates.parse(pem: generated.certificatePEM, label: "generated") == [info])
    }

    @Test func signatureDigestAndPKCS1() throws {
        let generated = try CertificateGenerator.generate(CertificateRequest(digest: .sha512))
        #expect(generated.info.signatureAlgorithm == "RSA-SHA512")
        #expect(try generated.privateKeyPKCS1PEM().hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        let ecdsa = try CertificateGenerator.generate(CertificateRequest(keyType: .ecdsaP256, digest: .sha384))
        #expect(ecdsa.info.signatureAlgorithm == "ECDSA-SHA384")
        #expect(try ecdsa.privateKeyPKCS1PEM() == ecdsa.privateKeyPEM)
    }

    @Test func expiredCertificate() throws {
        let now = Date()
        let request = CertificateRequest(
            subject: "CN=expired.test,O=tlshello", subjectAltNames: ["expired.test"], keyType: .ecdsaP256,
            notBefore: now.addingTimeInterval(-30 * 86400), notAfter: now.addingTimeInterval(-86400))
        let info = try CertificateGenerator.generate(request).info
        #expect(info.isExpired(at: now))
        #expect(info.subject == "CN=expired.test,O=tlshello")
        #expect(info.subjectAlternativeNames == ["expired.test"])
    }

    @Test func caAndLeafChain() throws {
        let ca = try CertificateGenerator.generate(
            CertificateRequest(subject: "CN=tlshello test CA,O=tlshello", subjectAltNames: [], keyType: .ecdsaP256, isCA: true))
        #expect(ca.info.subjectAlternativeNames.isEmpty)
        let leaf = try CertificateGenerator.generate(
            CertificateRequest(subjectAltNames: ["localhost", "[::1]", "10.0.0.1"], keyType: .rsa(bits: 2048)), signedBy: ca)
        #expect(leaf.info.issuer == ca.info.subject)
        #expect(leaf.info.subject == "CN=localhost")
        #expect(leaf.info.subjectAlternativeNames == ["localhost", "::1", "10.0.0.1"])
        #expect(leaf.info.signatureAlgorithm == "ECDSA-SHA256")

        // An Ed25519 CA signs too (its digest is fixed by the algorithm).
        let edCA = try CertificateGenerator.generate(CertificateRequest(subject: "CN=Ed CA", keyType: .ed25519, isCA: true))
        let edLeaf = try CertificateGenerator.generate(CertificateRequest(keyType: .ecdsaP256), signedBy: edCA)
        #expect(edLeaf.info.issuer == "CN=Ed CA")
        #expect(edLeaf.info.signatureAlgorithm == "EdDSA-Ed25519")

        // A chain file, leaf first, reads back in order.
        let chain = try PEMCertificates.parse(pem: leaf.certificatePEM + ca.certificatePEM, label: "chain")
        #expect(chain == [leaf.info, ca.info])
    }

    @Test func invalidRequests() {
        let badDN = #expect(throws: TLSError.self) {
            try CertificateGenerator.generate(CertificateRequest(subject: "CN=x,BOGUS=y", keyType: .ecdsaP256))
        }
        #expect(badDN?.kind == "certificate-generation")
        #expect(badDN?.libraryError != nil)
        #expect(badDN.map { "\($0)" }?.contains("BOGUS") == true)

        let badName = #expect(throws: TLSError.self) {
            try CertificateGenerator.generate(CertificateRequest(subjectAltNames: ["fe80::1%eth0"], keyType: .ecdsaP256))
        }
        #expect(badName?.kind == "certificate-generation")

        let now = Date()
        #expect(throws: TLSError.self) {
            try CertificateGenerator.generate(CertificateRequest(keyType: .ecdsaP256, notBefore: now, notAfter: now))
        }
        #expect(throws: TLSError.self) {
            try CertificateGenerator.generate(CertificateRequest(keyType: .rsa(bits: 100)))
        }
    }

    @Test func pemFileErrors() throws {
        let directory = try Self.temporaryDirectory()
        defer { rmdir(directory) }

        let missing = #expect(throws: TLSError.self) { try PEMCertificates.load(path: "\(directory)/missing.pem") }
        #expect(missing == .certificateFile(path: "\(directory)/missing.pem", reason: "no such file", library: nil))

        let empty = "\(directory)/empty.pem"
        let fd = open(empty, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        #expect(fd >= 0)
        _ = "not a certificate\n".withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
        defer { unlink(empty) }
        let none = #expect(throws: TLSError.self) { try PEMCertificates.load(path: empty) }
        if case let .certificateFile(path, reason, _) = none {
            #expect(path == empty)
            #expect(reason == "no PEM certificate found in the file")
        } else {
            Issue.record("unexpected error \(String(describing: none))")
        }

        let folder = #expect(throws: TLSError.self) { try PEMCertificates.load(path: directory) }
        #expect(folder?.kind == "certificate-file")
    }

    @Test func writeFiles() throws {
        let directory = try Self.temporaryDirectory()
        let certificatePath = "\(directory)/cert.pem"
        let keyPath = "\(directory)/key.pem"
        defer {
            unlink(certificatePath)
            unlink(keyPath)
            rmdir(directory)
        }
        let first = try CertificateGenerator.generate(CertificateRequest(keyType: .ecdsaP256))
        try first.write(certificateTo: certificatePath, keyTo: keyPath)

        var status = stat()
        #expect(stat(keyPath, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(try PEMCertificates.load(path: certificatePath) == [first.info])

        // Refused without overwrite, and nothing changes.
        let second = try CertificateGenerator.generate(CertificateRequest(keyType: .ecdsaP256))
        let refused = #expect(throws: TLSError.self) {
            try second.write(certificateTo: certificatePath, keyTo: keyPath)
        }
        #expect(refused?.kind == "certificate-generation")
        #expect(try PEMCertificates.load(path: certificatePath) == [first.info])

        try second.write(certificateTo: certificatePath, keyTo: keyPath, overwrite: true)
        #expect(try PEMCertificates.load(path: certificatePath) == [second.info])
        #expect(stat(keyPath, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)

        // No temporary files are left behind.
        let dir = try #require(opendir(directory))
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        #expect(names.sorted() == ["cert.pem", "key.pem"])
    }
}
