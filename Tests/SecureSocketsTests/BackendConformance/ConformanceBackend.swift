import GnuTLSBackend
#if OpenSSL
import OpenSSLBackend
#endif
import SecureSockets
import Testing

/// The suite every ``TLSBackend`` must pass, run against each backend with itself and, with the
/// trait `OpenSSL`, against the two TLS libraries crossed (a GnuTLS client with an OpenSSL server
/// and the reverse). A test whose feature a backend declares unsupported
/// (``TLSBackend/unsupportedFeatures``) is cancelled with the declared reason (`Test.cancel`), and
/// a `⊘ … skipped: reason` line says so on the console: never a silent pass.
@Suite struct BackendConformance {}

/// Every backend of this build.
enum ConformanceBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case gnutls
    case plaintext
    #if OpenSSL
    case openssl
    #endif

    var backend: any TLSBackend {
        switch self {
        case .gnutls: return GnuTLS()
        case .plaintext: return PlaintextBackend()
        #if OpenSSL
        case .openssl: return OpenSSL()
        #endif
        }
    }

    var testDescription: String { rawValue }
}

/// A client backend and a server backend, joined in memory.
struct BackendPair: CustomTestStringConvertible, Sendable {
    var client: ConformanceBackend
    var server: ConformanceBackend

    /// Each backend with itself.
    static let each: [BackendPair] = ConformanceBackend.allCases.map { BackendPair(client: $0, server: $0) }

    /// The two TLS libraries crossed, both ways (none without the trait `OpenSSL`).
    static var crossed: [BackendPair] {
        #if OpenSSL
        return [BackendPair(client: .gnutls, server: .openssl), BackendPair(client: .openssl, server: .gnutls)]
        #else
        return []
        #endif
    }

    /// Each backend with itself, then the crossed pairs.
    static let all: [BackendPair] = each + crossed

    var testDescription: String {
        client == server ? client.rawValue : "\(client.rawValue) client, \(server.rawValue) server"
    }

    /// Cancels the running test case, with the declared reason, when either backend declares one
    /// of `features` unsupported.
    func require(_ features: TLSBackendFeature...) throws {
        for feature in features {
            for side in client == server ? [client] : [client, server] {
                if let reason = side.backend.unsupportedFeatures[feature] {
                    let skip = "\(side.rawValue) declares \(feature.rawValue) unsupported: \(reason)"
                    // The cancellation carries the reason to the event stream and to IDEs; the
                    // console of `swift test` reports a cancelled case as passed, hence the line.
                    print("⊘ \(Test.current?.name ?? "test") [\(testDescription)] skipped: \(skip)")
                    try Test.cancel(Comment(rawValue: skip))
                }
            }
        }
    }

    /// ``require(_:)`` for a TLS handshake at `versions` (TLS 1.0 and 1.1 need legacyVersions).
    func require(versions: TLSVersion...) throws {
        try require(versions: versions)
    }

    /// ``require(_:)`` for a TLS handshake at `versions` (TLS 1.0 and 1.1 need legacyVersions).
    func require(versions: [TLSVersion]) throws {
        try require(.encryption)
        if versions.contains(where: \.isDeprecated) { try require(.legacyVersions) }
    }

    /// A client context and a server context from these configurations.
    func contexts(client clientConfiguration: TLSConfiguration,
                  server serverConfiguration: TLSConfiguration) throws -> (client: any TLSContext, server: any TLSContext) {
        (try client.backend.makeContext(configuration: clientConfiguration),
         try server.backend.makeContext(configuration: serverConfiguration))
    }

    /// A fresh client session and server session from these configurations.
    func sessions(client clientConfiguration: TLSConfiguration = Fixtures.clientConfiguration(),
                  server serverConfiguration: TLSConfiguration = Fixtures.serverConfiguration(),
                  serverName: String? = "localhost") throws -> TLSSessionPair {
        let contexts = try contexts(client: clientConfiguration, server: serverConfiguration)
        return try TLSSessionPair(client: contexts.client, server: contexts.server, serverName: serverName)
    }
}
