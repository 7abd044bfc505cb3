import NIOCore
import NIOPosix
import SecureSockets
import SecureSocketsNIO

/// The demo's client: connects, sends `greeting`, and returns what was negotiated and the reply
/// (read until the server's close_notify).
func sendGreeting(_ greeting: String, host: String, port: Int, context: any TLSContext) async throws
    -> (info: SessionInfo, reply: String) {
    let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
        .connect(host: host, port: port, tlsContext: context)
    return try await connection.channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: greeting))
        var reply = ByteBuffer()
        for try await bytes in inbound { reply.writeImmutableBuffer(bytes) }
        return (connection.info, String(buffer: reply))
    }
}
