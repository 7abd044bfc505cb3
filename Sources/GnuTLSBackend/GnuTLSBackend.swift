import CGnuTLS
import SecureSockets

/// The GnuTLS implementation of ``TLSBackend``: the system's GnuTLS (3.7.4 or newer).
public struct GnuTLS: TLSBackend {
    /// Creates the backend.
    public init() {}

    /// The library version this process runs with, e.g. `3.7.9`.
    public static var libraryVersion: String {
        gnutls_check_version(nil).map { String(cString: $0) } ?? "unknown"
    }

    /// `GnuTLS 3.7.9`.
    public var name: String { "GnuTLS \(Self.libraryVersion)" }

    /// Compiles `configuration` into a ``GnuTLSContext``.
    public func makeContext(configuration: TLSConfiguration) throws(TLSError) -> any TLSContext {
        try GnuTLSContext(configuration: configuration)
    }

    /// None: GnuTLS does every ``TLSBackendFeature``.
    public var unsupportedFeatures: [TLSBackendFeature: String] { [:] }

    /// The GnuTLS priority string of `policy`.
    public func describe(_ policy: TLSVersionPolicy) -> String {
        GnuTLSPriority.string(for: policy)
    }
}
