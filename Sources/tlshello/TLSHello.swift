import ArgumentParser

/// The `tlshello` command: the classroom TLS demo's server and client over GnuTLS.
@main
struct TLSHello: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlshello",
        abstract: "TLS greeting server and client over GnuTLS: the classic sockets demo, verified and inspectable.",
        discussion: """
        The server answers each client's greeting ('Hola soy tu cliente') with its own
        ('Hola soy tu servidor....'), as in the demo, on port 8801 by default. The client
        verifies the server's certificate unless told --insecure.

        Exit status: 0 success, 1 connection or TLS failure, 2 bad input (files, versions, options).
        """,
        subcommands: [ServerCommand.self, ClientCommand.self, BenchCommand.self, CertCommand.self, VersionsCommand.self, TicketKeyCommand.self]
    )
}
