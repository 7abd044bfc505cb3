import ArgumentParser
import GnuTLSBackend
import SecureSockets

/// `tlshello versions`: the version table and what this GnuTLS makes of it.
struct VersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "Print the TLS version table, its GnuTLS priority strings and what this GnuTLS accepts."
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var backendOption: BackendOption

    struct Row: Encodable {
        let name: String
        let priority: String
        let accepted: Bool
        let enables: [String]
        let deprecated: Bool
        let note: String?
    }

    func run() throws {
        if backendOption.backend != .gnutls {
            try runOtherBackend()
            return
        }
        do {
            _ = try backendOption.resolve()
        } catch {
            Console.err("tlshello versions: \(error)")
            throw ExitCode(2)
        }
        var rows = TLSVersion.allCases.map { version in
            row(name: version.name, priority: GnuTLSPriority.pin(version), deprecated: version.isDeprecated)
        }
        rows.append(row(name: "default", priority: GnuTLSPriority.secureDefault, deprecated: false))
        if json {
            struct Table: Encodable { let gnutls: String; let versions: [Row] }
            Console.json(Table(gnutls: GnuTLS.libraryVersion, versions: rows))
            return
        }
        Console.out("GnuTLS \(GnuTLS.libraryVersion)")
        let width = rows.map(\.priority.count).max() ?? 0
        Console.out("name      " + "priority string".padding(width) + "  this GnuTLS")
        for row in rows {
            var status = row.accepted ? "accepted, enables \(row.enables.joined(separator: " "))" : "refused: \(row.note ?? "")"
            if row.deprecated && row.accepted { status += " (deprecated, RFC 8996)" }
            Console.out(row.name.padding(10) + row.priority.padding(width) + "  " + status)
        }
        Console.out("A range (--min-version/--max-version) enables every row between; --priority takes any string.")
    }

    /// The table as another backend compiles it: each row's settings in the backend's words and
    /// the versions a context made from it enables.
    private func runOtherBackend() throws {
        let backend: any TLSBackend
        do {
            backend = try backendOption.resolve()
        } catch {
            Console.err("tlshello versions: \(error)")
            throw ExitCode(2)
        }
        let policies: [(String, TLSVersionPolicy)] = TLSVersion.allCases.map { ($0.name, .exactly($0)) } + [("default", .secureDefault)]
        let rows = policies.map { name, policy in
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.versions = policy
            configuration.certificateVerification = .none
            do {
                let context = try backend.makeContext(configuration: configuration)
                return Row(name: name, priority: backend.describe(policy), accepted: true,
                           enables: context.enabledVersions.map(\.displayName), deprecated: policy.deprecatedVersions.count > 0, note: nil)
            } catch {
                return Row(name: name, priority: backend.describe(policy), accepted: false, enables: [],
                           deprecated: policy.deprecatedVersions.count > 0, note: "\(error)")
            }
        }
        if json {
            struct Table: Encodable { let backend: String; let versions: [Row] }
            Console.json(Table(backend: backend.name, versions: rows))
            return
        }
        Console.out(backend.name)
        let width = rows.map(\.priority.count).max() ?? 0
        Console.out("name      " + "settings".padding(width) + "  this library")
        for row in rows {
            var status = row.accepted ? "accepted, enables \(row.enables.joined(separator: " "))" : "refused: \(row.note ?? "")"
            if row.deprecated && row.accepted { status += " (deprecated, RFC 8996)" }
            Console.out(row.name.padding(10) + row.priority.padding(width) + "  " + status)
        }
        Console.out("A range (--min-version/--max-version) enables every row between; --priority is a GnuTLS setting.")
    }

    private func row(name: String, priority: String, deprecated: Bool) -> Row {
        switch GnuTLSPriority.isAccepted(priority) {
        case .success:
            return Row(name: name, priority: priority, accepted: true,
                       enables: GnuTLSPriority.enabledVersions(priority) ?? [], deprecated: deprecated, note: nil)
        case let .failure(error):
            return Row(name: name, priority: priority, accepted: false, enables: [], deprecated: deprecated,
                       note: error.description)
        }
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
