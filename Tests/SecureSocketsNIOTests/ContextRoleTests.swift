import NIOCore
import NIOPosix
import SecureSockets
import SecureSocketsNIO
import Testing

/// A context of the wrong role is refused with a sentence when a handler or bootstrap is given
/// it, before any socket is bound or connected.
@Suite struct ContextRoleTests {
    private func reason(_ error: (any Error)?) -> String? {
        guard case let .invalidConfiguration(reason)? = error as? TLSError else { return nil }
        return reason
    }

    @Test func aServerHandlerRefusesAClientContext() throws {
        let client = try Certificates.clientContext()
        #expect(throws: TLSError.invalidConfiguration("TLSServerHandler needs a server context; this one is for a client")) {
            _ = try TLSServerHandler(context: client)
        }
        _ = try TLSServerHandler(context: try Certificates.serverContext())
    }

    @Test func aClientHandlerRefusesAServerContext() throws {
        let server = try Certificates.serverContext()
        #expect(throws: TLSError.invalidConfiguration("TLSClientHandler needs a client context; this one is for a server")) {
            _ = try TLSClientHandler(context: server, serverHostname: "localhost")
        }
        _ = try TLSClientHandler(context: try Certificates.clientContext(), serverHostname: "localhost")
    }

    @Test func bindRefusesAClientContextBeforeBinding() async throws {
        let client = try Certificates.clientContext()
        var caught: (any Error)?
        do {
            let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0, tlsContext: client)
            // Bound after all: stop it again (cancelling run closes the listening socket).
            let serving = Task { try await server.run(onFailure: { _, _ in }) { _ in } }
            serving.cancel()
            _ = await serving.result
        } catch {
            caught = error
        }
        #expect(reason(caught) == "ServerBootstrap.bind(host:port:tlsContext:) needs a server context; this one is for a client",
                "\(String(describing: caught))")
    }

    @Test func connectRefusesAServerContextBeforeConnecting() async throws {
        let server = try Certificates.serverContext()
        var caught: (any Error)?
        do {
            // Port 1 on loopback: had it connected, the error would be a refused connection.
            let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: 1, tlsContext: server)
            try await connection.channel.channel.close()
        } catch {
            caught = error
        }
        #expect(reason(caught) == "ClientBootstrap.connect(host:port:tlsContext:) needs a client context; this one is for a server",
                "\(String(describing: caught))")
    }
}
