import GnuTLSBackend
import SecureSockets
import Testing

extension BackendConformance {
    /// The trace: every message of a handshake, an exchange and a close, named alike and in the
    /// same order each way on every backend, for each version (when a server sends its TLS 1.3
    /// tickets, before or after the client's Finished reaches it, is the library's choice).
    @Suite struct Trace {
        /// Both sides' events of one exchange: a handshake, one message each way, the server's close.
        static func traces(_ backends: BackendPair, version: TLSVersion) throws -> (client: [TLSTraceEvent], server: [TLSTraceEvent]) {
            let pair = try backends.sessions(client: Fixtures.clientConfiguration(versions: .exactly(version)),
                                             server: Fixtures.serverConfiguration(versions: .exactly(version)))
            var client: [TLSTraceEvent] = []
            var server: [TLSTraceEvent] = []
            pair.client.traceHandler = { client.append($0) }
            pair.server.traceHandler = { server.append($0) }
            try pair.handshake()
            try pair.client.write("Hola soy tu cliente")
            _ = try pair.deliver(from: pair.client, to: pair.server)
            try pair.server.write("Hola soy tu servidor....")
            try pair.server.close()
            _ = try pair.deliver(from: pair.server, to: pair.client)
            _ = try pair.client.read(maximum: 100)
            return (client, server)
        }

        /// The messages one side `sent` (or received), in order. Consecutive application data
        /// records count once: a TLS 1.0 sender may split a write in two (OpenSSL sends each CBC
        /// write as 1 byte, then the rest, against BEAST).
        static func names(_ events: [TLSTraceEvent], sent: Bool) -> [String] {
            var names: [String] = []
            for event in events where (event.direction == .sent) == sent {
                if event.message == "application data" && names.last == event.message { continue }
                names.append(event.message)
            }
            return names
        }

        /// What the client sends and receives at `version`; the server receives what the client
        /// sends and sends what it receives.
        static func expectedClientMessages(_ version: TLSVersion) -> (sent: [String], received: [String]) {
            version == .tlsv1_3
                ? (["ClientHello", "ChangeCipherSpec", "Finished", "application data"],
                   ["ServerHello", "ChangeCipherSpec", "EncryptedExtensions", "Certificate", "CertificateVerify", "Finished",
                    "NewSessionTicket", "NewSessionTicket", "application data", "Alert"])
                : (["ClientHello", "ClientKeyExchange", "ChangeCipherSpec", "Finished", "application data"],
                   ["ServerHello", "Certificate", "ServerKeyExchange", "ServerHelloDone", "NewSessionTicket", "ChangeCipherSpec",
                    "Finished", "application data", "Alert"])
        }

        @Test(arguments: BackendPair.all, TLSVersion.allCases)
        func everyMessageIsTracedInOrderEachWay(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(versions: version)
            try backends.require(.trace)
            let (client, server) = try Self.traces(backends, version: version)
            let expected = Self.expectedClientMessages(version)
            #expect(Self.names(client, sent: true) == expected.sent)
            #expect(Self.names(server, sent: false) == expected.sent)
            #expect(Self.names(client, sent: false) == expected.received)
            #expect(Self.names(server, sent: true) == expected.received)

            let hello = try #require(client.first { $0.message == "ServerHello" })
            #expect(hello.details.hasPrefix("\(version.displayName), TLS_"))
            let certificate = try #require(client.first { $0.message == "Certificate" })
            #expect(certificate.details.hasPrefix("CN=localhost,O=tlshello tests (RSA 2048, RSA-SHA256), valid until ")
                    || certificate.details.hasPrefix("CN=localhost (RSA 2048, RSA-SHA256), valid until "))
            #expect(client.last?.details.hasPrefix("close_notify (warning") == true)
            #expect(client.allSatisfy { !$0.explanation.isEmpty })
        }

        /// The messages whose details state facts both libraries see alike (the suite chosen, the
        /// certificate, sizes, lifetimes, alerts); the hellos' offers, key shares and signatures
        /// are each library's own choices.
        static let sharedFacts: Set<String> = [
            "ServerHello", "ChangeCipherSpec", "EncryptedExtensions", "Certificate", "ServerHelloDone", "Finished",
            "NewSessionTicket", "application data", "Alert",
        ]

        /// What `events` say of the shared facts one way (`sent` or received): the message and its
        /// details (of a ServerHello, the suite). Each way is compared alone, since when a TLS 1.3
        /// server sends its tickets is its library's choice. Empty records a TLS 1.0 CBC sender
        /// puts before its data (OpenSSL does, against BEAST) are the sender's choice and left out.
        static func facts(_ events: [TLSTraceEvent], sent: Bool) -> [String] {
            events.compactMap { event in
                guard (event.direction == .sent) == sent, sharedFacts.contains(event.message),
                      !event.details.hasPrefix("0 bytes (empty record") else { return nil }
                let details = event.message == "ServerHello" ? String(event.details.split(separator: ", ").dropFirst().first ?? "") : event.details
                return "\(event.direction == .sent ? "→" : "←") \(event.message) \(details)"
            }
        }

        @Test(arguments: BackendPair.all, TLSVersion.allCases)
        func theSameFactsReadAlikeOnEveryBackend(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(versions: version)
            try backends.require(.trace)
            let reference = try Self.traces(BackendPair(client: .gnutls, server: .gnutls), version: version)
            let (client, server) = try Self.traces(backends, version: version)
            for sent in [true, false] {
                #expect(Self.facts(client, sent: sent) == Self.facts(reference.client, sent: sent))
                #expect(Self.facts(server, sent: sent) == Self.facts(reference.server, sent: sent))
            }
            // The pieces that once read differently, named.
            let suite = try #require(client.first { $0.message == "ServerHello" }).details
            #expect(!suite.contains("TLS_ECDHE") || suite.contains("_WITH_"), "\(suite)")
            for event in client + server where event.message == "application data" && !event.details.hasPrefix("0 bytes") {
                #expect(event.details.contains(" (encrypted as ") && event.details.contains(" bytes: AES-256-"), "\(event.line)")
            }
            for event in client + server where event.message == "Alert" {
                #expect(event.details.hasSuffix(", encrypted)"), "\(event.line)")
            }
            for event in client + server where event.message == "NewSessionTicket" {
                #expect(event.details == "lifetime 3600 s", "\(event.line)")
            }
        }

        /// Whether the record that carried `message` is encrypted in a successful exchange at
        /// `version`: in TLS 1.3 everything but the hellos and ChangeCipherSpec; before it, what
        /// each side sends after its ChangeCipherSpec (Finished, the data, the closing alert).
        static func travelsEncrypted(_ message: String, version: TLSVersion) -> Bool {
            if version == .tlsv1_3 { return !["ClientHello", "ServerHello", "HelloRetryRequest", "ChangeCipherSpec"].contains(message) }
            return ["Finished", "application data", "Alert"].contains(message)
        }

        @Test(arguments: BackendPair.all, TLSVersion.allCases)
        func everyMessageSaysWhetherItsRecordWasEncrypted(backends: BackendPair, version: TLSVersion) throws {
            try backends.require(versions: version)
            try backends.require(.trace)
            let (client, server) = try Self.traces(backends, version: version)
            for event in client + server {
                #expect(event.encrypted == Self.travelsEncrypted(event.message, version: version), "\(event.line)")
            }
        }
    }
}
