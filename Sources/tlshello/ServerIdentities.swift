import ArgumentParser
import SecureSockets

/// The server's certificate/key pairs from repeated `--cert`/`--key` (and `--passphrase`), and
/// how the server shows them (start-up lines, the listening line, `--json`).
enum ServerIdentities {
    /// The demo's certificate, served when no `--cert` is given (./certs, else the installed copy).
    static var demoCertificate: String { DemoCertificateFiles.locate(DemoCertificateFiles.certificate) }
    /// The demo's key, served when no `--key` is given (./certs, else the installed copy).
    static var demoKey: String { DemoCertificateFiles.locate(DemoCertificateFiles.key) }

    /// The pairs the options name, the first the default. One `--cert` or one `--key` alone pairs
    /// with the demo's other file, as before several pairs existed; with more, the n-th `--key`
    /// is the key of the n-th `--cert`. One `--passphrase` (or `environment`) applies to every
    /// encrypted key; several are given once per `--key`, in order.
    ///
    /// - Throws: ``TLSError/conflictingOptions(_:)`` when the counts differ (the command refuses
    ///   that earlier, as a usage error, through ``checkCounts(certificates:keys:passphrases:)``).
    static func pairs(certificates: [String], keys: [String], passphrases: [String],
                      environment: String?) throws(TLSError) -> [TLSConfiguration.Identity] {
        var certificates = certificates
        var keys = keys
        if certificates.count <= 1 && keys.count <= 1 {
            if certificates.isEmpty { certificates = [demoCertificate] }
            if keys.isEmpty { keys = [demoKey] }
        }
        guard certificates.count == keys.count else {
            throw .conflictingOptions("--cert was given \(times(certificates.count)) and --key \(times(keys.count)): "
                                  + "give one --key per --cert, the n-th key belonging to the n-th certificate")
        }
        guard passphrases.count <= 1 || passphrases.count == keys.count else {
            throw .conflictingOptions("--passphrase was given \(times(passphrases.count)) for \(keys.count) keys: "
                                  + "give it once (for every encrypted key) or once per --key, in the same order")
        }
        return zip(certificates, keys).enumerated().map { index, pair in
            let passphrase = passphrases.count > 1 ? passphrases[index] : (passphrases.first ?? environment)
            return TLSConfiguration.Identity(certificateChain: .file(pair.0), privateKey: .file(pair.1, passphrase: passphrase))
        }
    }

    /// Refuses counts of `--cert`, `--key` and `--passphrase` that do not pair up, as a usage
    /// error (exit status 64), before any file is read.
    static func checkCounts(certificates: [String], keys: [String], passphrases: [String]) throws {
        do {
            _ = try pairs(certificates: certificates, keys: keys, passphrases: passphrases, environment: nil)
        } catch let .conflictingOptions(text) {
            throw ValidationError(text)
        } catch {}
    }

    private static func times(_ count: Int) -> String {
        count == 1 ? "once" : "\(count) times"
    }

    /// How one identity reads in the listening line: its first name and key, e.g. `ec.test (ECDSA SECP256R1)`.
    static func shortText(_ leaf: CertificateInfo) -> String {
        "\(leaf.namesForMatching.first ?? leaf.subject) (\(leaf.publicKey))"
    }

    /// One identity as `--json` lists it.
    struct Report: Encodable {
        let certificate: String
        let key: String
        let subject: String
        let names: [String]
        let publicKey: String
        let notAfter: String
        let sha256: String
        let isDefault: Bool

        enum CodingKeys: String, CodingKey {
            case certificate, key, subject, names, publicKey, notAfter, sha256
            case isDefault = "default"
        }

        init(identity: TLSConfiguration.Identity, leaf: CertificateInfo, isDefault: Bool) {
            certificate = identity.certificateChain.label
            key = identity.privateKey.label
            subject = leaf.subject
            names = leaf.namesForMatching
            publicKey = leaf.publicKey
            notAfter = leaf.notAfter.utcText
            sha256 = leaf.sha256Fingerprint
            self.isDefault = isDefault
        }
    }

    /// The reports of `context`'s identities, in order.
    static func reports(_ context: any TLSContext) -> [Report] {
        zip(context.configuration.identities, context.localCertificates).enumerated().map { index, pair in
            Report(identity: pair.0, leaf: pair.1, isDefault: index == 0)
        }
    }
}
