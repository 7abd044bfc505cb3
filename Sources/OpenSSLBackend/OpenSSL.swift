#if OpenSSL
import COpenSSL
import SecureSockets

/// The OpenSSL 3 backend: compiles a ``TLSConfiguration`` into an ``OpenSSLContext`` whose
/// sessions run over memory BIOs. Built only with the package trait `OpenSSL`
/// (`swift build --traits OpenSSL`).
public struct OpenSSL: TLSBackend {
    /// The OpenSSL-only settings every context of this backend uses.
    public var options: OpenSSLOptions

    /// Creates the backend with `options` (default: none, the version table's cipher lists);
    /// OpenSSL 3 initialises itself on first use.
    public init(options: OpenSSLOptions = OpenSSLOptions()) {
        self.options = options
    }

    /// `OpenSSL` and the library's version, e.g. `OpenSSL 3.0.17`.
    public var name: String {
        guard let text = OpenSSL_version(OPENSSL_VERSION_STRING) else { return "OpenSSL" }
        return "OpenSSL " + String(cString: text)
    }

    /// Loads the configuration's files and sets its versions and ``options`` on a new `SSL_CTX`.
    ///
    /// - Throws: ``TLSError`` naming the file, list or setting at fault.
    public func makeContext(configuration: TLSConfiguration) throws(TLSError) -> any TLSContext {
        try OpenSSLContext(configuration: configuration, options: options)
    }

    /// What this backend does not take: nothing today; an entry here would be refused by
    /// ``makeContext(configuration:)`` with its sentence, and skipped by the conformance suite.
    public var unsupportedFeatures: [TLSBackendFeature: String] { Self.unsupported }

    /// The declaration, in one place: an entry goes when the backend learns the feature.
    static let unsupported: [TLSBackendFeature: String] = [:]

    /// Refuses what ``unsupportedFeatures`` declares, with its sentences, so the two cannot disagree.
    static func refuseUnsupported(_ configuration: TLSConfiguration) throws(TLSError) {
        try OpenSSL().refuseUnsupportedFeatures(of: configuration)
    }

    /// What OpenSSL makes of a version policy: its protocol range and cipher lists (with
    /// ``options``), and the security level.
    public func describe(_ policy: TLSVersionPolicy) -> String {
        options.describe(OpenSSLVersionTable.settings(for: policy))
    }
}
#endif
