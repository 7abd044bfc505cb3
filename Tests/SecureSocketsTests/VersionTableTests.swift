import GnuTLSBackend
import SecureSockets
import Testing

/// The version table, its policies, and their priority strings (GnuTLS's options).
@Suite struct VersionTableTests {
    @Test func tableRowsMapToTheirPriorityStrings() {
        #expect(GnuTLSPriority.pin(.tlsv1_0) == "NORMAL:-VERS-ALL:+VERS-TLS1.0")
        #expect(GnuTLSPriority.pin(.tlsv1_1) == "NORMAL:-VERS-ALL:+VERS-TLS1.1")
        #expect(GnuTLSPriority.pin(.tlsv1_2) == "NORMAL:-VERS-ALL:+VERS-TLS1.2")
        #expect(GnuTLSPriority.pin(.tlsv1_3) == "NORMAL:-VERS-ALL:+VERS-TLS1.3")
        #expect(TLSVersion.allCases.map(\.name) == ["tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"])
    }

    @Test(arguments: TLSVersion.allCases)
    func everyRowCompilesAndEnablesExactlyItsVersion(version: TLSVersion) {
        #expect(GnuTLSPriority.enabledVersions(GnuTLSPriority.pin(version)) == [version.displayName])
    }

    @Test func rangesListEveryVersionNewestFirst() throws {
        let policy = TLSVersionPolicy.range(minimum: .tlsv1_1, maximum: .tlsv1_3)
        #expect(policy.versions == [.tlsv1_3, .tlsv1_2, .tlsv1_1])
        #expect(GnuTLSPriority.string(for: policy) == "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:+VERS-TLS1.1")
        #expect(GnuTLSPriority.enabledVersions(GnuTLSPriority.string(for: policy)) == ["TLS1.3", "TLS1.2", "TLS1.1"])
        #expect(policy.deprecatedVersions == [.tlsv1_1])
    }

    @Test func defaultIsTLS12To13WithAEADAndForwardSecrecyOnly() throws {
        let policy = TLSConfiguration.makeClientConfiguration().versions
        #expect(policy == .secureDefault)
        #expect(policy.deprecatedVersions.isEmpty)
        let text = GnuTLSPriority.string(for: policy)
        #expect(GnuTLSPriority.enabledVersions(text) == ["TLS1.3", "TLS1.2"])
        #expect(text.contains("-CIPHER-ALL") && text.contains("-MAC-ALL:+AEAD") && text.contains("-KX-ALL:+ECDHE"))
    }

    @Test(arguments: ["1.2", "tls1.2", "TLSv1.2", "TLS1.2", "tlsv1.2"])
    func versionNamesAcceptCommonSpellings(text: String) throws {
        #expect(try TLSVersion.parse(text) == .tlsv1_2)
    }

    @Test(arguments: ["tlsv1.4", "sslv3", "", "1.2.3", "tlsv2"])
    func unknownVersionNamesAreRefusedWithTheName(text: String) {
        #expect(throws: TLSError.unknownVersion(text)) { try TLSVersion.parse(text) }
        let message = TLSError.unknownVersion(text).description
        #expect(message.contains("unknown TLS version '\(text)'"))
        #expect(message.contains("tlsv1.0, tlsv1.1, tlsv1.2, tlsv1.3"))
    }

    @Test func badPriorityStringNamesTheTokenWhereGnuTLSStopped() {
        let text = "NORMAL:-VERS-ALL:+VERS-TLS1.2:+BOGUS"
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        do {
            _ = try GnuTLS(options: GnuTLSOptions(priority: text)).makeContext(configuration: configuration)
            Issue.record("a bad priority string was accepted")
        } catch {
            guard case let .invalidPriority(priority, token, _, library) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(priority == text)
            #expect(token == "+BOGUS")
            #expect(library?.name == "GNUTLS_E_INVALID_REQUEST")
            #expect(error.description.contains("at '+BOGUS'"))
        }
    }

    @Test func aPriorityOptionReplacesThePolicysStringAndIsShownAsGiven() throws {
        let text = "NORMAL:-VERS-ALL:+VERS-TLS1.2"
        let gnutls = GnuTLS(options: GnuTLSOptions(priority: text))
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try #require(try gnutls.makeContext(configuration: configuration) as? GnuTLSContext)
        #expect(context.priorityString == text)
        #expect(context.enabledVersions == [.tlsv1_2])
        #expect(gnutls.describe(.secureDefault) == text)
        #expect(GnuTLS().describe(.exactly(.tlsv1_1)) == GnuTLSPriority.pin(.tlsv1_1))
    }

    @Test(arguments: ["", "  \t"])
    func anEmptyPriorityOptionIsRefused(text: String) {
        let configuration = TLSConfiguration.makeClientConfiguration()
        #expect(throws: TLSError.invalidPriority(priority: text, token: "", reason: "the priority string is empty", library: nil)) {
            try GnuTLS(options: GnuTLSOptions(priority: text)).makeContext(configuration: configuration)
        }
    }

    @Test func priorityStringThatEnablesNothingIsExplained() {
        let result = GnuTLSPriority.isAccepted("NORMAL:-VERS-ALL")
        guard case let .failure(error) = result else {
            Issue.record("NORMAL:-VERS-ALL was accepted")
            return
        }
        #expect(error.libraryError?.name == "GNUTLS_E_NO_PRIORITIES_WERE_SET")
        #expect(error.description.contains("leaves nothing enabled"))
    }
}

/// What the secure default negotiates between two tlshello peers.
@Suite struct SecureDefaultPreferenceTests {
    @Test func theDefaultPrefersAES128GCMAndX25519() throws {
        let pair = try TLSSessionPair(client: Fixtures.clientContext(), server: Fixtures.serverContext())
        try pair.handshake()
        let info = try #require(pair.client.info)
        #expect(info.protocolName == "TLS1.3")
        #expect(info.cipherSuite == "TLS_AES_128_GCM_SHA256")
        #expect(info.group == "X25519")
    }
}
