import ArgumentParser

/// What each loop of `tlshello bench` does per exchange.
enum BenchMode: String, CaseIterable, ExpressibleByArgument, Sendable, Encodable {
    /// Connect, full handshake, the demo's greeting and reply, close.
    case hello
    /// Connect, full handshake, close_notify (for servers that do not speak the exchange).
    case handshake
    /// `hello`, resuming the loop's previous session with its ticket after the first exchange.
    case resume
    /// Connect, handshake, stream `--bytes` through an echo server and back, close.
    case bulk
    /// Open `--connections` connections, hold them idle, close them at the end.
    case idle
}

/// The stages an exchange can fail at, for the failure counts.
enum BenchStage: String, CaseIterable, Sendable, Encodable, CodingKey {
    case connect, handshake, exchange
}

/// Everything a bench run needs, fixed before it starts.
struct BenchPlan: Sendable {
    var host: String
    var port: Int
    var mode: BenchMode
    var connections: Int
    var duration: Double
    var message: [UInt8]
    var bytes: Int
    var resume: Bool
    var sources: [String]
    var timeout: Double
    /// The protocols offered through ALPN (`--alpn`), most preferred first; empty for none.
    var applicationProtocols: [String] = []
    /// The TLS library that runs the connections (`--backend`), as the report names it.
    var backend = "GnuTLS"

    /// Whether loops resume sessions (`--mode resume` or `--resume`).
    var resumes: Bool { resume || mode == .resume }
}
