#if OpenSSL
import OpenSSLBackend
import SecureSockets
import Testing

/// `OpenSSLOptions`: the cipher lists replace the version table's, a list OpenSSL cannot use fails
/// at context creation naming the list and the name at fault, and `describe` shows them.
@Suite struct OpenSSLOptionsTests {
    static func pair(_ options: OpenSSLOptions, _ version: TLSVersion) throws -> TLSSessionPair {
        try TLSSessionPair(
            client: OpenSSL(options: options).makeContext(configuration: Fixtures.clientConfiguration(versions: .exactly(version))),
            server: OpenSSL().makeContext(configuration: Fixtures.serverConfiguration(versions: .exactly(version))))
    }

    @Test func theCipherListChoosesTheTLS12Suite() throws {
        for (list, expected) in [("ECDHE+CHACHA20", "CHACHA20"), ("ECDHE+AES256:ECDHE+AESGCM", "AES_256")] {
            let pair = try Self.pair(OpenSSLOptions(cipherList: list), .tlsv1_2)
            try pair.handshake()
            let suite = try #require(pair.server.info?.cipherSuite)
            #expect(suite.contains(expected), "\(list): \(suite)")
        }
    }

    @Test func theCipherSuitesChooseTheTLS13Suite() throws {
        for suite in ["TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"] {
            let pair = try Self.pair(OpenSSLOptions(cipherSuites: suite), .tlsv1_3)
            try pair.handshake()
            #expect(pair.server.info?.cipherSuite == suite)
        }
    }

    @Test(arguments: [
        (OpenSSLOptions(cipherList: "ECDHE+AESGCM:BOGUS-CIPHER"), "ECDHE+AESGCM:BOGUS-CIPHER", "BOGUS-CIPHER",
         "invalid cipher list 'ECDHE+AESGCM:BOGUS-CIPHER': OpenSSL knows no cipher by this name at 'BOGUS-CIPHER'"),
        (OpenSSLOptions(cipherList: "!ALL"), "!ALL", "", "invalid cipher list '!ALL': OpenSSL selects no cipher from it"),
        (OpenSSLOptions(cipherList: ""), "", "", "invalid cipher list '': the list is empty"),
        (OpenSSLOptions(cipherSuites: "TLS_AES_128_GCM_SHA256:TLS_AES_512_GCM"), "TLS_AES_128_GCM_SHA256:TLS_AES_512_GCM",
         "TLS_AES_512_GCM", "invalid cipher list 'TLS_AES_128_GCM_SHA256:TLS_AES_512_GCM': OpenSSL knows no cipher by this name at 'TLS_AES_512_GCM'"),
    ])
    func aListOpenSSLCannotUseFailsAtContextCreation(options: OpenSSLOptions, list: String, token: String, sentence: String) throws {
        let error = try #require(throws: TLSError.self) {
            try OpenSSL(options: options).makeContext(configuration: Fixtures.clientConfiguration())
        }
        guard case let .invalidCipherList(reportedList, reportedToken, _, _) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(reportedList == list)
        #expect(reportedToken == token)
        #expect(error.kind == "invalid-cipher-list")
        #expect(error.description.hasPrefix(sentence), "\(error)")
    }

    @Test func describeShowsTheLists() {
        let options = OpenSSLOptions(cipherList: "ECDHE+CHACHA20", cipherSuites: "TLS_AES_128_GCM_SHA256")
        #expect(OpenSSL(options: options).describe(.exactly(.tlsv1_2)) == "TLS1.2, ciphers ECDHE+CHACHA20")
        #expect(OpenSSL(options: options).describe(.exactly(.tlsv1_3)) == "TLS1.3, TLS 1.3 suites TLS_AES_128_GCM_SHA256")
        #expect(OpenSSL(options: options).describe(.secureDefault)
                == "TLS1.2–TLS1.3, ciphers ECDHE+CHACHA20, TLS 1.3 suites TLS_AES_128_GCM_SHA256")
        #expect(OpenSSL().describe(.exactly(.tlsv1_3)) == "TLS1.3, TLS 1.3 suites OpenSSL's default")
        #expect(OpenSSL().describe(.exactly(.tlsv1_2)) == "TLS1.2, ciphers DEFAULT")
    }
}
#endif
