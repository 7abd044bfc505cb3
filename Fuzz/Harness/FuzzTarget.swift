/// The fuzz targets, by the name `FUZZ_TARGET` (or the replayer's first argument), the seed corpus
/// (`Fuzz/Corpus/<name>`) and the regression inputs (`Fuzz/Regressions/<name>`) use.
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// ``ServerSessionFuzzer``.
    case serverSession = "ServerSession"
    /// ``ClientSessionFuzzer``.
    case clientSession = "ClientSession"
    /// ``RecordFramingFuzzer``.
    case recordFraming = "RecordFraming"
    /// ``ClientHelloFuzzer``.
    case clientHello = "ClientHello"
    /// ``HandshakeTraceFuzzer``.
    case handshakeTrace = "HandshakeTrace"
    /// ``GreetingFuzzer``.
    case greeting = "Greeting"

    /// Runs one input through the target.
    package func run(_ data: some Collection<UInt8>) {
        switch self {
        case .serverSession: ServerSessionFuzzer.run(data)
        case .clientSession: ClientSessionFuzzer.run(data)
        case .recordFraming: RecordFramingFuzzer.run(data)
        case .clientHello: ClientHelloFuzzer.run(data)
        case .handshakeTrace: HandshakeTraceFuzzer.run(data)
        case .greeting: GreetingFuzzer.run(data)
        }
    }

    /// The libFuzzer entry point's body: runs the input and returns 0 (libFuzzer's "keep going").
    package func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
        return 0
    }
}
