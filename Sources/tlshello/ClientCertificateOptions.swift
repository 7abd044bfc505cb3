import ArgumentParser
import SecureSockets

/// `--cert`, `--key` and `--passphrase` of the client and the bench: the certificate a client
/// presents when the server asks for one (mutual TLS).
struct ClientCertificateOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "PEM certificate chain (leaf first) to present when the server asks for a client certificate; needs --key.",
        valueName: "pem"))
    var cert: String?

    @Option(help: ArgumentHelp("PEM private key of --cert (PKCS#1, PKCS#8 or encrypted PKCS#8; RSA, ECDSA or Ed25519).", valueName: "pem"))
    var key: String?

    @Option(help: ArgumentHelp("Passphrase of an encrypted --key (or set TLSHELLO_KEY_PASSPHRASE).", valueName: "passphrase"))
    var passphrase: String?

    func validate() throws {
        if cert != nil && key == nil { throw ValidationError("--cert needs --key (the certificate's private key)") }
        if key != nil && cert == nil { throw ValidationError("--key needs --cert (the certificate it belongs to)") }
        if passphrase != nil && key == nil { throw ValidationError("--passphrase needs --key (the encrypted key)") }
    }

    /// Puts the certificate and key, if given, into a client `configuration`.
    func apply(to configuration: inout TLSConfiguration) {
        guard let cert, let key else { return }
        configuration.certificateChain = .file(cert)
        configuration.privateKey = .file(key, passphrase: passphrase ?? Console.environmentPassphrase())
    }
}
