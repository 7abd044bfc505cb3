import Foundation
import TestSupport
import Testing

/// `--backend`: tlshello on GnuTLS and tlshello on OpenSSL talk to each other over loopback, every
/// version, both roles; a build without the OpenSSL trait refuses `openssl` in one line.
@Suite struct CLIBackendTests {
    #if OpenSSL
    static let roles = [("openssl", "gnutls"), ("gnutls", "openssl"), ("openssl", "openssl")]

    @Test(arguments: roles, ["tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"])
    func exchangeAcrossBackends(backends: (String, String), version: String) throws {
        let (serverBackend, clientBackend) = backends
        let server = try ServerUnderTest(["--tls-version", version, "--backend", serverBackend])
        #expect(server.process.waitForLine(containing: serverBackend == "openssl" ? "OpenSSL 3" : "GnuTLS 3") != nil)
        let result = try server.client(["--tls-version", version, "--cafile", Paths.demoCertificate, "--backend", clientBackend])
        #expect(result.status == 0, "\(result.stderr)")
        let display = "TLS" + version.dropFirst(4)
        #expect(result.stdout.contains("1. connected to 127.0.0.1:\(server.port): \(display),"))
        #expect(result.stdout.contains("verified (chain and name 127.0.0.1)"))
        #expect(result.stdout.contains("3. reply received: Hola soy tu servidor....\n"))
        #expect(server.process.waitForLine(containing: "3. message received: Hola soy tu cliente") != nil)
    }

    @Test func versionsTableOfOpenSSL() throws {
        let result = try tlshello(["versions", "--backend", "openssl"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("OpenSSL 3"))
        #expect(result.stdout.contains("tlsv1.0   TLS1.0, ciphers DEFAULT:@SECLEVEL=0"))
        #expect(result.stdout.contains("accepted, enables TLS1.3 TLS1.2"))
    }

    @Test func versionsShowsEachOpenSSLListOnTheRowsItAppliesTo() throws {
        let result = try tlshello(["versions", "--backend", "openssl", "--openssl-ciphers", "ECDHE+AESGCM",
                                   "--openssl-ciphersuites", "TLS_AES_128_GCM_SHA256"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n")
        let tls13 = try #require(rows.first { $0.hasPrefix("tlsv1.3 ") })
        let tls12 = try #require(rows.first { $0.hasPrefix("tlsv1.2 ") })
        #expect(tls13.contains("TLS1.3, TLS 1.3 suites TLS_AES_128_GCM_SHA256") && !tls13.contains("ECDHE+AESGCM"), "\(tls13)")
        #expect(tls12.contains("TLS1.2, ciphers ECDHE+AESGCM") && !tls12.contains("TLS 1.3 suites"), "\(tls12)")
    }

    @Test func versionsNamesNoOptionItLacksWhenRefusingAnOpenSSLList() throws {
        let result = try tlshello(["versions", "--openssl-ciphers", "ECDHE+AESGCM"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--openssl-ciphers is an OpenSSL setting; it applies with --backend openssl"), "\(result.stderr)")
        #expect(!result.stderr.contains("--priority"), "\(result.stderr)")
    }

    @Test func priorityStringIsRefusedOnOpenSSL() throws {
        for command in [["client", "127.0.0.1"], ["server", "--port", "0"]] {
            let result = try tlshello(command + ["--backend", "openssl", "--priority", "NORMAL"])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: --priority: a priority string is a GnuTLS setting"))
            #expect(result.stderr.contains("use --openssl-ciphers"))
            #expect(result.stderr.contains("Usage: tlshello \(command[0])"))
        }
    }

    @Test func openSSLCipherListsChooseTheSuite() throws {
        let server = try ServerUnderTest(["--tls-version", "tlsv1.2", "--backend", "openssl", "--openssl-ciphers", "ECDHE+CHACHA20"])
        let result = try server.client(["--tls-version", "tlsv1.2", "--cafile", Paths.demoCertificate])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("CHACHA20"), "\(result.stdout)")
        let tls13 = try ServerUnderTest(["--backend", "openssl", "--openssl-ciphersuites", "TLS_AES_256_GCM_SHA384"])
        let reply = try tls13.client(["--cafile", Paths.demoCertificate])
        #expect(reply.status == 0, "\(reply.stderr)")
        #expect(reply.stdout.contains("TLS_AES_256_GCM_SHA384"), "\(reply.stdout)")
    }

    @Test func aBadOpenSSLCipherListIsRefusedInOneLine() throws {
        let result = try tlshello(["client", "127.0.0.1", "--port", "1", "--backend", "openssl", "--openssl-ciphers", "ECDHE:NOPE"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tlshello client: invalid cipher list 'ECDHE:NOPE': OpenSSL knows no cipher by this name at 'NOPE'"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
    #else
    @Test(arguments: [["client", "127.0.0.1"], ["server", "--port", "0"], ["versions"]])
    func openSSLIsRefusedInOneLine(command: [String]) throws {
        let result = try tlshello(command + ["--backend", "openssl"])
        #expect(result.status == 2)
        #expect(result.stderr == "tlshello \(command[0]): invalid configuration: --backend openssl: this tlshello was built without the OpenSSL backend (build it with swift build --traits OpenSSL)\n")
        #expect(!result.stdout.contains("listening"))
    }
    #endif
}
