import NIOCore
import SecureSockets

/// One TLS connection whose handshake has completed, for Swift concurrency: the bytes go through
/// ``channel`` (an `NIOAsyncChannel` of plaintext), and ``info`` says what was negotiated.
///
/// Servers get one per accepted client from ``TLSServer/run(onFailure:_:)``; clients get one from
/// `ClientBootstrap.connect(host:port:tlsContext:)`. Use the channel inside its
/// `executeThenClose`: when the body returns, the connection closes gracefully (close_notify,
/// then the TCP close). The inbound sequence ends when the peer sends close_notify, and fails with
/// a ``/SecureSockets/TLSError`` when the connection breaks.
///
/// ```swift
/// let connection = try await ClientBootstrap(group: .singletonMultiThreadedEventLoopGroup)
///     .connect(host: "127.0.0.1", port: 8801, tlsContext: context)
/// print(connection.info.protocolName, connection.info.cipherSuite)   // TLS1.3 TLS_AES_256_GCM_SHA384
/// try await connection.channel.executeThenClose { inbound, outbound in
///     try await outbound.write(ByteBuffer(string: "Hola soy tu cliente"))
/// }
/// ```
public struct TLSConnection: Sendable {
    /// The connection's plaintext: what the peer sent arrives on its inbound stream, what is written
    /// to its outbound writer is encrypted and sent.
    public let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// What the handshake negotiated: version, cipher suite, the application protocol chosen through
    /// ALPN (``/SecureSockets/SessionInfo/applicationProtocol``), the peer's certificates and how they were checked.
    public let info: SessionInfo

    /// The peer's address, when the socket knows it.
    public var remoteAddress: SocketAddress? { channel.channel.remoteAddress }

    init(channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, info: SessionInfo) {
        self.channel = channel
        self.info = info
    }
}
