import ArgumentParser
import SecureSockets

/// `--diagram FILE.svg`, shared by `server` and `client`: each connection drawn as a ladder
/// diagram from its trace events.
struct DiagramOptions: ParsableArguments {
    @Option(name: .customLong("diagram"), help: ArgumentHelp(
        "Draw each connection's handshake as a ladder diagram (SVG) in this file, from the same events as --trace. "
            + "A client writes the name as given (with --resume the second connection's gets -2 before the extension); "
            + "a server writes one file per connection: {n} in the name is the connection's number, "
            + "else -N goes before the extension (hs.svg: hs-1.svg, hs-2.svg).",
        valueName: "file.svg"))
    var diagram: String?

    func validate() throws {
        _ = try fileName
    }

    /// The checked file name, or nil without `--diagram`.
    var fileName: ConnectionFileName? {
        get throws(ValidationError) { try diagram.map { name throws(ValidationError) in try ConnectionFileName(name, option: "--diagram") } }
    }

    /// True when diagrams are drawn.
    var drawing: Bool { diagram != nil }

    /// Draws `diagram` into `path`; a failure is one warning line (the exchange goes on). Returns
    /// the path written, or nil.
    static func write(_ diagram: LadderDiagram, to path: String) -> String? {
        if let reason = DiagramFile.write(LadderRenderer(diagram: diagram).svg(), to: path) {
            Console.warn("--diagram: \(reason); no diagram written")
            return nil
        }
        return path
    }
}
