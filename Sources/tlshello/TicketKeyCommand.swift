import ArgumentParser
import SecureSockets

/// `tlshello ticket-key FILE`: a new session ticket key for `server --ticket-key-file`.
struct TicketKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticket-key",
        abstract: "Write a new session ticket key, to share between server processes.",
        discussion: """
        Server processes given the same file (tlshello server --ticket-key-file FILE) and the \
        same --ticket-lifetime accept each other's session tickets, so a client resumes on \
        whichever one it reaches. The file is created with mode 0600: whoever reads it can \
        decrypt the sessions resumed with its tickets. To rotate, write a new key over the old \
        one with --force and send SIGHUP to every server; tickets made with the old key then \
        get a full handshake.

        Example: tlshello ticket-key /etc/tlshello/ticket.key
        """
    )

    @Argument(help: ArgumentHelp("Where to write the key.", valueName: "file"))
    var file: String

    @Flag(help: "Replace an existing file (a key rotation).")
    var force = false

    @Flag(help: "Print one JSON object instead of a line.")
    var json = false

    func run() throws {
        do {
            try TLSTicketKey.generate().write(to: file, overwrite: force)
        } catch {
            if json { Console.json(ErrorReport(error)) }
            Console.err("tlshello ticket-key: \(error)\(ErrorAdvice.suffix(for: error))")
            throw ExitCode(exitStatus(for: error))
        }
        if json {
            Console.json(["event": "ticket-key", "file": file, "bytes": String(TLSTicketKey.size)])
        } else {
            Console.out("session ticket key written: \(file) (\(TLSTicketKey.size) random bytes, mode 0600)")
        }
    }
}
