import ArgumentParser
import NIOSSL

/// A single protocol version to pin (`--tls-version`): minimum and maximum both set to it.
enum TLSVersionPin: String, ExpressibleByArgument, CaseIterable, Sendable {
    case tls12 = "tlsv1.2"
    case tls13 = "tlsv1.3"

    /// The NIOSSL version this pin stands for.
    var version: TLSVersion {
        switch self {
        case .tls12: return .tlsv12
        case .tls13: return .tlsv13
        }
    }
}
