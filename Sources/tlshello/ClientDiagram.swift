import SecureSockets

extension ClientCommand {
    /// Draws the connection just traced, if `--diagram` asks; returns the file written.
    func draw(trace: TraceCollector, info: SessionInfo?, client: String?, server: String, failure: String?) -> String? {
        guard let name = try? diagramOptions.fileName, !trace.connectionEvents.isEmpty else { return nil }
        // The first connection gets the name as given; --resume's second one is numbered.
        let path = trace.connection <= 1 ? name.clientPath : name.path(forConnection: trace.connection)
        let diagram = LadderDiagram(events: trace.connectionEvents, drawnBy: .client, clientAddress: client,
                                    serverAddress: server, info: info, failure: failure)
        return DiagramOptions.write(diagram, to: path)
    }

    /// Draws a connection that failed, ending with the alert and the reason.
    func drawFailure(_ error: TLSError, trace: TraceCollector) -> String? {
        draw(trace: trace, info: nil, client: trace.localAddress, server: TLSError.hostPort(host, port), failure: error.description)
    }
}
