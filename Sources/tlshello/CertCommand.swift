import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GnuTLSBackend
import SecureSockets

/// `tlshello cert`: a self-signed certificate and key from GnuTLS's X.509 API (the demo's
/// pyOpenSSL `gencert.py`, without OpenSSL).
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Generate a self-signed certificate and private key (PEM).",
        discussion: """
        Existing files are never overwritten without --force. The key file is created with mode 0600.

        Example (what 'make certs' runs):
          tlshello cert --cert certs/diegoUcamCert.pem \\
            --key certs/diegoUcamKey.pem --digest sha512 --days 10950 --force \\
            --subject 'CN=diegoUcamCert,OU=Alumnos,O=Ucam,L=Murcia,ST=Murcia,C=ES'
        """
    )

    enum KeyKind: String, ExpressibleByArgument, CaseIterable {
        case rsa, ecdsa, ed25519
    }

    @Option(help: ArgumentHelp("Where to write the certificate.", valueName: "pem"))
    var cert = "cert.pem"

    @Option(help: ArgumentHelp("Where to write the private key (PKCS#8 PEM, mode 0600).", valueName: "pem"))
    var key = "key.pem"

    @Option(help: ArgumentHelp("Subject distinguished name, RFC 4514 style.", valueName: "dn"))
    var subject = "CN=localhost"

    @Option(name: .customLong("san"), help: ArgumentHelp(
        "A subject alternative name: DNS name or IP address. Repeat for more (default: localhost, 127.0.0.1, ::1).",
        valueName: "name"))
    var subjectAltNames: [String] = []

    @Option(help: "Days of validity from now.")
    var days = 825

    @Option(name: .customLong("key-type"), help: "Key type: rsa, ecdsa (P-256) or ed25519.")
    var keyType: KeyKind = .rsa

    @Option(help: "RSA key size in bits.")
    var bits = 2048

    @Option(help: "Signature digest: sha256, sha384 or sha512 (Ed25519 always signs with its own hash).")
    var digest = "sha256"

    @Option(help: ArgumentHelp("Encrypt the private key (PKCS#8, AES-256) with this passphrase.", valueName: "passphrase"))
    var passphrase: String?

    @Flag(help: "Overwrite existing files.")
    var force = false

    @Flag(help: "Print the new certificate's details as JSON.")
    var json = false

    func validate() throws {
        guard days > 0 && days <= 36500 else { throw ValidationError("--days must be between 1 and 36500") }
        guard CertificateRequest.Digest(rawValue: digest) != nil else {
            throw ValidationError("--digest must be sha256, sha384 or sha512, not '\(digest)'")
        }
        if cert == key { throw ValidationError("--cert and --key must be different files") }
    }

    func run() throws {
        let kind: CertificateRequest.KeyType
        switch keyType {
        case .rsa: kind = .rsa(bits: bits)
        case .ecdsa: kind = .ecdsaP256
        case .ed25519: kind = .ed25519
        }
        let now = Date()
        let request = CertificateRequest(
            subject: subject,
            subjectAltNames: subjectAltNames.isEmpty ? ["localhost", "127.0.0.1", "::1"] : subjectAltNames,
            keyType: kind, digest: CertificateRequest.Digest(rawValue: digest) ?? .sha256,
            notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(Double(days) * 86400))
        do {
            var generated = try CertificateGenerator.generate(request)
            if let passphrase {
                generated = GeneratedCertificate(certificatePEM: generated.certificatePEM,
                                                 privateKeyPEM: try generated.privateKeyPEM(encryptedWith: passphrase),
                                                 info: generated.info)
            }
            try generated.write(certificateTo: cert, keyTo: key, overwrite: force)
            if json {
                struct Report: Encodable { let certificate: String; let key: String; let info: CertificateInfo }
                Console.json(Report(certificate: cert, key: key, info: generated.info))
            } else {
                let info = generated.info
                Console.out("certificate: \(cert)")
                Console.out("private key: \(key) (mode 0600\(passphrase == nil ? "" : ", encrypted"))")
                Console.out("subject:     \(info.subject)")
                Console.out("names:       \(info.subjectAlternativeNames.joined(separator: ", "))")
                Console.out("key:         \(info.publicKey), signed \(info.signatureAlgorithm)")
                Console.out("valid:       \(info.notBefore.utcText) to \(info.notAfter.utcText)")
                Console.out("SHA-256:     \(info.sha256Fingerprint)")
            }
        } catch {
            Console.err("tlshello cert: \(error)\(ErrorAdvice.suffix(for: error))")
            throw ExitCode(exitStatus(for: error))
        }
    }
}
