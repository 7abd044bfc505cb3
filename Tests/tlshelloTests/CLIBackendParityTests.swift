#if OpenSSL
import Foundation
import TestSupport
import Testing

extension CLIBackendTests {
    /// What the OpenSSL backend took over from the GnuTLS one reads the same on the command line:
    /// a pin mismatch fails both clients with the same line, and a matching pin passes both
    /// with the same verification text.
    @Test(arguments: ["gnutls", "openssl"])
    func pinsReadTheSameOnBothClients(server backend: String) throws {
        let server = try ServerUnderTest(["--backend", backend])
        let wrong = "sha256/" + Data(repeating: 7, count: 32).base64EncodedString()
        var lines: [String] = []
        for client in ["gnutls", "openssl"] {
            let result = try server.client(["--cafile", Paths.demoCertificate, "--backend", client, "--pin", wrong])
            #expect(result.status != 0)
            #expect(result.stderr.contains("expected \(wrong)"), "\(result.stderr)")
            lines.append(result.stderr)
        }
        #expect(lines.count == 2 && lines[0] == lines[1])
        for client in ["gnutls", "openssl"] {
            let json = try server.client(["--cafile", Paths.demoCertificate, "--backend", client, "--json"])
            let pin = try #require(json.stdout.firstMatch(of: /"publicKeyPin":"([^"]+)"/).map { String($0.1).replacingOccurrences(of: "\\/", with: "/") })
            let result = try server.client(["--cafile", Paths.demoCertificate, "--backend", client, "--pin", pin])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("verified (chain and name 127.0.0.1), public key pin matched"), "\(result.stdout)")
        }
    }
}
#endif
