import ArgumentParser
import CNettleGnuTLS
import Foundation

/// `crypto-limits`: how many public-key operations per second (and how many bytes of
/// AEAD) this machine does through GnuTLS and nettle, the code a GnuTLS handshake runs,
/// each item single-threaded for a fixed wall-clock time.
@main
struct CryptoLimitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto-limits",
        abstract: "Measure public-key and AEAD speed through GnuTLS and nettle, single-threaded."
    )

    @Option(help: "Wall-clock seconds per item.")
    var seconds: Double = 1.0

    @Option(name: .customLong("rsa-key"), help: "An RSA-2048 private key, PEM.")
    var rsaKey: String

    @Option(name: .customLong("ecdsa-key"), help: "An ECDSA P-256 private key, PEM (default: a generated one).")
    var ecdsaKey: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard seconds.isFinite, seconds > 0, seconds <= 3600 else {
            throw ValidationError("--seconds must be more than 0 and at most 3600")
        }
    }

    /// Parses the command line; any failure other than a help request prints one line
    /// on stderr and exits with status 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error where exitCode(for: error) == .success {
            exit(withError: error)
        } catch {
            let line = "crypto-limits: error: \(message(for: error))\n"
            FileHandle.standardError.write(Data(line.utf8))
            Foundation.exit(2)
        }
    }

    func run() throws {
        let rsa = try PrivateKey.load(path: rsaKey, label: "RSA key")
        guard rsa.algorithm == GNUTLS_PK_RSA else {
            throw LimitsError("\(rsaKey) is not an RSA key")
        }
        let ecdsa: PrivateKey
        if let ecdsaKey {
            ecdsa = try PrivateKey.load(path: ecdsaKey, label: "ECDSA key")
            guard ecdsa.algorithm == GNUTLS_PK_ECDSA, ecdsa.bits == 256 else {
                throw LimitsError("\(ecdsaKey) is not an ECDSA P-256 key")
            }
        } else {
            ecdsa = try PrivateKey.generateECDSAP256()
        }

        let stopwatch = Stopwatch(seconds: seconds)
        var measurements = try SignatureLimits(rsaKey: rsa, ecdsaKey: ecdsa).run(stopwatch)
        measurements += try KeyExchangeLimits().run(stopwatch)
        measurements += try AEADLimits().run(stopwatch)

        let report = LimitsReport(
            gnutlsVersion: gnutls_check_version(nil).map { String(cString: $0) } ?? "unknown",
            nettleVersion: "\(nettle_version_major()).\(nettle_version_minor())",
            secondsPerItem: seconds,
            rsaKeyPath: rsaKey,
            rsaBits: rsa.bits,
            ecdsaKeyPath: ecdsaKey,
            measurements: measurements
        )
        print(json ? report.json() : report.table())
    }
}
