import ArgumentParser

/// The `tlshello` command: the classroom TLS demo's server and client over GnuTLS.
@main
struct TLSHello: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlshello",
        abstract: "TLS greeting server and client over GnuTLS: the classic sockets demo, verified and inspectable.",
        discussion: """
        The server answers each client's greeting ('Hola soy tu cliente') with its own \
        ('Hola soy tu servidor....'), as in the demo, on port 8801 by default. The client \
        verifies the server's certificate unless told --insecure.

        Exit status: 0 success; 1 connection or TLS failure; 2 bad input found once the options \
        are read (files, keys, versions, priority strings), on one line starting with the \
        command's name; 64 usage error (an option missing, unknown, out of range or contradicting \
        another), as 'Error: …' followed by the usage.
        """,
        subcommands: [ServerCommand.self, ClientCommand.self, BenchCommand.self, CertCommand.self, VersionsCommand.self, TicketKeyCommand.self]
    )
}
