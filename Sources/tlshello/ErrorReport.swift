import SecureSockets

/// The JSON shape of a failure, printed with `--json`.
struct ErrorReport: Encodable {
    let event = "error"
    let kind: String
    let message: String
    let library: BackendError?
    let peer: String?
    let trace: [TLSTraceEvent]?
    /// The ladder diagram drawn of the failed connection (`--diagram`).
    var diagram: String?

    init(_ error: TLSError, peer: String? = nil, trace: [TLSTraceEvent]? = nil) {
        kind = error.kind
        message = error.description
        library = error.libraryError
        self.peer = peer
        self.trace = trace
    }
}

/// Ends the process with a status: 1 for connection and TLS failures, 2 for bad input.
func exitStatus(for error: TLSError) -> Int32 {
    switch error {
    case .unknownVersion, .invalidVersionRange, .conflictingOptions, .invalidPriority, .invalidCipherList, .certificateFile,
         .privateKeyFile, .keyMismatch, .wrongPassphrase, .trustStore, .invalidConfiguration, .invalidServerName, .certificateGeneration,
         .keyLogFile,
         .invalidPin, .ocspResponseFile, .ticketKeyFile:
        return 2
    default:
        return 1
    }
}
