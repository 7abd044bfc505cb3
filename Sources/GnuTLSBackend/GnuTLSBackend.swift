import CGnuTLS
import SecureSockets

/// The GnuTLS implementation of ``/SecureSockets/TLSBackend``: the system's GnuTLS (3.7.4 or newer).
public struct GnuTLS: TLSBackend {
    /// The GnuTLS-only settings every context of this backend uses.
    public var options: GnuTLSOptions

    /// Creates the backend with `options` (default: none, the version table's priority strings).
    public init(options: GnuTLSOptions = GnuTLSOptions()) {
        self.options = options
    }

    /// The library version this process runs with, e.g. `3.7.9`.
    public static var libraryVersion: String {
        gnutls_check_version(nil).map { String(cString: $0) } ?? "unknown"
    }

    /// `GnuTLS 3.7.9`.
    public var name: String { "GnuTLS \(Self.libraryVersion)" }

    /// Compiles `configuration` with ``options`` into a ``GnuTLSContext``.
    public func makeContext(configuration: TLSConfiguration) throws(TLSError) -> any TLSContext {
        try GnuTLSContext(configuration: configuration, options: options)
    }

    /// None: GnuTLS does every ``/SecureSockets/TLSBackendFeature``.
    public var unsupportedFeatures: [TLSBackendFeature: String] { [:] }

    /// The GnuTLS priority string a context for `policy` compiles: ``GnuTLSOptions/priority``
    /// when set, the version table's string otherwise.
    public func describe(_ policy: TLSVersionPolicy) -> String {
        options.priorityString(for: policy)
    }
}
