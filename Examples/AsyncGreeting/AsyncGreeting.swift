#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import NIOPosix
import SecureSockets
import SecureSocketsBackends
import SecureSocketsNIO

/// `async-greeting server` and `async-greeting client`: the demo's exchange written with
/// `ServerBootstrap.bind(host:port:tlsContext:)` and `ClientBootstrap.connect(host:port:tlsContext:)`.
@main
struct AsyncGreeting: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "async-greeting",
        abstract: "The greeting server and client, written with async/await over SecureSocketsNIO.",
        subcommands: [Server.self, Client.self])

    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer each client's greeting until interrupted.")

        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on; 0 picks a free one.") var port = 8801
        @Option(help: "PEM certificate chain, leaf first.") var cert = "certs/diegoUcamCert.pem"
        @Option(help: "PEM private key.") var key = "certs/diegoUcamKey.pem"

        func run() async throws {
            let context = try TLSBackends.default.makeContext(configuration: .makeServerConfiguration(
                certificateChain: .file(cert), privateKey: .file(key)))
            let server = try await ServerBootstrap(group: .singletonMultiThreadedEventLoopGroup)
                .bind(host: host, port: port, tlsContext: context)
            say("listening on \(TLSError.hostPort(host, server.localAddress?.port ?? port))")
            try await serveGreetings(on: server, log: say)
        }
    }

    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send one greeting and print the reply.")

        @Option(help: "The server's address.") var host = "127.0.0.1"
        @Option(help: "The server's port.") var port = 8801
        @Option(help: "PEM file of the CA (or self-signed certificate) to trust.") var cafile = "certs/diegoUcamCert.pem"
        @Option(help: "The greeting to send.") var message = "Hola soy tu cliente"

        func run() async throws {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(cafile)
            let context = try TLSBackends.default.makeContext(configuration: configuration)
            let (info, reply) = try await sendGreeting(message, host: host, port: port, context: context)
            say("\(info.protocolName), \(info.cipherSuite), \(info.verification)")
            say(reply)
        }
    }
}

/// Prints `line` at once, even when standard output is a pipe (the readiness line must not wait in
/// a buffer).
@Sendable func say(_ line: String) {
    print(line)
    fflush(nil)
}
