import GnuTLSBackend
import SecureSockets

extension ClientCommand {
    /// Runs one connection through `body`, recording it when `--illustrate` is given, and writes
    /// its page whether the exchange succeeded or failed (a failed handshake shows the alert).
    /// With `--resume` the second connection's page gets `-2` (or `{n}` = 2).
    func illustratedExchange(attempt: Int, _ body: (((any TLSSession) -> Void)?) throws(TLSError) -> SessionInfo) throws(TLSError) -> SessionInfo {
        guard let name = illustrateOption.fileName else { return try body(nil) }
        let path = attempt == 1 ? name.clientPath : name.path(forConnection: attempt)
        var recorder: ExchangeRecorder?
        let peer = "server \(TLSError.hostPort(host, port))"
        do {
            let info = try body { session in recorder = ExchangeRecorder.attach(to: session) }
            if let recorder { IllustrationWriter.write(recorder, to: path, local: "", peer: peer) }
            return info
        } catch {
            if let recorder { IllustrationWriter.write(recorder, to: path, local: "", peer: peer, failure: error.description) }
            throw error
        }
    }
}
