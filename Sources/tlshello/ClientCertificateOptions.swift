import ArgumentParser
import SecureSockets

/// `--cert`, `--key` and `--passphrase` of the client and the bench: the certificate a client
/// presents when the server asks for one (mutual TLS).
struct ClientCertificateOptions: ParsableArguments {
    // Arrays, so that a repeated option is refused in validate() instead of the last one winning.
    @Option(name: .customLong("cert"), help: ArgumentHelp(
        "PEM certificate chain (leaf first) to present when the server asks for a client certificate; needs --key.",
        valueName: "pem"))
    var certs: [String] = []

    @Option(name: .customLong("key"), help: ArgumentHelp(
        "PEM private key of --cert (PKCS#1, PKCS#8 or encrypted PKCS#8; RSA, ECDSA or Ed25519).", valueName: "pem"))
    var keys: [String] = []

    /// The certificate chain file (`--cert`), if given.
    var cert: String? { certs.first }

    /// Its private key file (`--key`), if given.
    var key: String? { keys.first }

    @Option(help: ArgumentHelp("Passphrase of an encrypted --key (or set TLSHELLO_KEY_PASSPHRASE).", valueName: "passphrase"))
    var passphrase: String?

    func validate() throws {
        if certs.count > 1 { throw ValidationError("--cert was given \(certs.count) times: a client presents one certificate chain") }
        if keys.count > 1 { throw ValidationError("--key was given \(keys.count) times: a client presents one certificate chain, with one key") }
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
