import ArgumentParser
import GnuTLSBackend
import SecureSockets

/// `--alpn h2,http/1.1`: the application protocols a command offers (client, bench) or accepts
/// (server), most preferred first. The option may be repeated; each occurrence may itself be a
/// comma list, and the names add up in order (`--alpn h2 --alpn http/1.1` is `h2,http/1.1`).
enum ApplicationProtocolOption {
    /// The help's sentence on the limits of a list.
    static let limits = "at most \(ApplicationProtocols.maximumCount) names of 1 to \(ApplicationProtocols.maximumNameLength) bytes, none twice"

    /// The names in every occurrence of `--alpn` (`values`, in order), checked against ALPN's
    /// rules and GnuTLS's limits (1 to 31 bytes each, at most 8, none twice), so that every
    /// list the library would refuse is refused here, in one format; empty for none.
    static func parse(_ values: [String]) throws -> [String] {
        let names = names(values)
        do throws(TLSError) {
            try ApplicationProtocols.validate(names)
        } catch {
            guard case let .invalidConfiguration(reason) = error else { throw error }
            throw ValidationError("--alpn: \(reason)")
        }
        return names
    }

    /// The names in every occurrence (`values`, in order), each split at commas, spaces around
    /// each name dropped (`h2, http/1.1` is two names, not ` http/1.1`); unchecked (``parse(_:)``
    /// checks them, in `validate()`).
    static func names(_ values: [String]) -> [String] {
        values.flatMap { text in
            text.split(separator: ",", omittingEmptySubsequences: false).map { name in
                String(name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
            }
        }
    }

    /// What ALPN came to, for the numbered steps: e.g. `ALPN: offered h2, http/1.1; agreed on h2`.
    static func step(role: TLSConfiguration.Role, listed: [String], agreed: String?) -> String {
        let verb = role == .client ? "offered" : "accepts"
        let outcome = agreed.map { "agreed on \(ApplicationProtocolList.shown($0))" }
            ?? (role == .client ? "no protocol agreed (the server does not use ALPN, or shares none of these)"
                                : "no protocol agreed")
        return "ALPN: \(verb) \(ApplicationProtocolList.text(listed)); \(outcome)"
    }
}

/// The JSON shape of ALPN in an exchange: this side's list, whether one was required, and the
/// protocol agreed on (null when none was).
struct ApplicationProtocolReport: Encodable {
    /// The protocols this side offered (client) or accepts (server), most preferred first.
    let protocols: [String]
    /// Whether this side refuses a handshake with no protocol agreed (`--alpn-strict`).
    let strict: Bool
    /// The protocol agreed on, or nil.
    let agreed: String?

    private enum CodingKeys: String, CodingKey { case protocols, strict, agreed }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(protocols, forKey: .protocols)
        try container.encode(strict, forKey: .strict)
        // Always present: null says that ALPN agreed on nothing.
        try container.encode(agreed, forKey: .agreed)
    }
}
