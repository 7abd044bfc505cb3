import Foundation
import GnuTLSBackend
import SecureSockets
import Testing
import TestSupport

/// `tlshello client` refuses, in words, a server certificate made for another purpose or with a
/// weak key or signature, against a `tlshello server` presenting it; the server warns about its
/// own weak key when it starts.
@Suite struct CLIVerificationTests {
    /// A server certificate for 127.0.0.1 written to `folder`, with the chain file and its key.
    private struct Served {
        let chain: String
        let key: String
        let trust: String
    }

    private static func make(_ request: CertificateRequest, issuer: GeneratedCertificate? = nil) throws -> GeneratedCertificate {
        if let issuer { return try CertificateGenerator.generate(request, signedBy: issuer) }
        return try CertificateGenerator.generate(request)
    }

    private func write(_ leaf: GeneratedCertificate, issuer: GeneratedCertificate? = nil, in folder: TemporaryDirectory) throws -> Served {
        let chain = try folder.write("chain.pem", leaf.certificatePEM + (issuer?.certificatePEM ?? ""))
        let key = try folder.write("key.pem", leaf.privateKeyPEM)
        let trust = try folder.write("trust.pem", (issuer ?? leaf).certificatePEM)
        return Served(chain: chain, key: key, trust: trust)
    }

    private static func request(_ organisation: String, keyType: CertificateRequest.KeyType = .rsa(bits: 2048)) -> CertificateRequest {
        CertificateRequest(subject: "CN=localhost,O=\(organisation)", subjectAltNames: ["localhost", "127.0.0.1"], keyType: keyType)
    }

    @Test func clientAuthenticationOnlyCertificateIsRefused() throws {
        var request = Self.request("client only")
        request.extendedKeyUsage = [.tlsClient]
        let folder = try TemporaryDirectory()
        let served = try write(Self.make(request), in: folder)
        let server = try ServerUnderTest(["--cert", served.chain, "--key", served.key])
        for pin in [[], ["--tls-version", "tlsv1.2"]] {
            let result = try server.client(["--cafile", served.trust] + pin)
            #expect(result.status == 1)
            #expect(result.stderr == "tlshello client: certificate verification failed: the certificate is for TLS client authentication only, not for TLS server authentication\n")
        }
        var good = Self.request("server only")
        good.extendedKeyUsage = [.tlsServer]
        let goodFolder = try TemporaryDirectory()
        let goodServed = try write(Self.make(good), in: goodFolder)
        let goodServer = try ServerUnderTest(["--cert", goodServed.chain, "--key", goodServed.key])
        let accepted = try goodServer.client(["--cafile", goodServed.trust])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    @Test func weakKeyIsRefusedAtTheDefaultAndAcceptedWithAWarningWhenPinned() throws {
        let folder = try TemporaryDirectory()
        let served = try write(Self.make(Self.request("weak key", keyType: .rsa(bits: 1024))), in: folder)
        let server = try ServerUnderTest(["--cert", served.chain, "--key", served.key])
        let sentence = "the RSA key of CN=localhost,O=weak key has 1024 bits; at least 2048 are required at the secure default"
        let startup = try #require(server.process.waitForLine(containing: "tlshello server: warning: certificate \(served.chain): "))
        #expect(startup.hasSuffix("\(sentence): clients that verify at the secure default, and OpenSSL at its default security level, refuse it"))

        let refused = try server.client(["--cafile", served.trust])
        #expect(refused.status == 1)
        #expect(refused.stderr == "tlshello client: certificate verification failed: \(sentence) (a pinned --tls-version accepts it, with a warning)\n")

        let pinned = try server.client(["--cafile", served.trust, "--tls-version", "tlsv1.2"])
        #expect(pinned.status == 0, "\(pinned.stderr)")
        #expect(pinned.stderr == "tlshello client: warning: accepted a weak server certificate: \(sentence)\n")
        #expect(pinned.stdout.contains("3. reply received: Hola soy tu servidor...."))

        let json = try server.client(["--cafile", served.trust, "--tls-version", "tlsv1.3", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let negotiated = try #require(object["negotiated"] as? [String: Any])
        #expect(negotiated["warnings"] as? [String] == [sentence])
    }

    @Test func sha1SignedCertificateIsRefusedAtTheDefault() throws {
        let authority = try Self.make(CertificateRequest(subject: "CN=tlshello CLI test CA", subjectAltNames: [], isCA: true))
        var request = Self.request("sha1")
        request.signsWithSHA1 = true
        let folder = try TemporaryDirectory()
        let served = try write(Self.make(request, issuer: authority), issuer: authority, in: folder)
        let server = try ServerUnderTest(["--cert", served.chain, "--key", served.key])
        let refused = try server.client(["--cafile", served.trust])
        #expect(refused.status == 1)
        #expect(refused.stderr == "tlshello client: certificate verification failed: CN=localhost,O=sha1 is signed with RSA-SHA1, which is no longer secure\n")
    }
}
