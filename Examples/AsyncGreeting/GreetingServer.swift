import NIOCore
import SecureSocketsNIO

/// The demo's server: for each client, prints its greeting, replies, and closes (close_notify).
func serveGreetings(on server: TLSServer, log: @escaping @Sendable (String) -> Void) async throws {
    try await server.run(onFailure: { error, peer in log("\(peer?.description ?? "?") failed: \(error)") }) { connection in
        try await connection.channel.executeThenClose { inbound, outbound in
            for try await greeting in inbound {
                log("\(connection.info.protocolName) client says: \(String(buffer: greeting).debugDescription)")
                try await outbound.write(ByteBuffer(string: "Hola soy tu servidor...."))
                return
            }
        }
    }
}
