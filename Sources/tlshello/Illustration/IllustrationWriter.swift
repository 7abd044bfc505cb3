#if canImport(Glibc)
import Glibc
#endif
import GnuTLSBackend
import SecureSockets

/// Writes the page of one recorded exchange: atomically, with mode 0600 (it holds the session's
/// secrets). A failure to write costs one warning line; the exchange itself is not affected.
enum IllustrationWriter {
    /// The warning printed once when illustration starts.
    static func announce(_ name: ConnectionFileName, server: Bool) {
        let target = server ? "\(name.pattern) (one page per connection)" : name.clientPath
        Console.warn("--illustrate: writing the TLS session secrets to \(target): anyone with the page can decrypt the captured traffic")
    }

    /// Renders `recorder`'s exchange and writes it to `path`; false (after one warning line) when it cannot.
    @discardableResult
    static func write(_ recorder: ExchangeRecorder, to path: String, local: String, peer: String, failure: String? = nil) -> Bool {
        let illustration = ExchangeIllustration(recorder)
        let outcome: String
        if let failure {
            outcome = "The exchange failed: \(failure)"
        } else if let alert = illustration.records.first(where: { $0.alert?.level == 2 }) {
            outcome = "The handshake failed: record \(alert.index) carries a fatal \(TLSWire.alertName(alert.alert?.code ?? 0)) alert from the \(alert.sender.rawValue)."
        } else if let suite = illustration.suite, let version = illustration.version {
            let data = illustration.records.filter { $0.applicationData != nil }
            outcome = "Handshake complete: TLS \(TLSWire.versionName(version)) with \(suite.name); \(data.count) application data records decrypted below."
        } else {
            outcome = "The exchange ended before a ServerHello."
        }
        let page = IllustrationPage(illustration: illustration,
                                    facts: .init(local: local, peer: peer, outcome: outcome, when: Self.now()))
        do throws(TLSError) {
            let temporary = try OutputFile.writeTemporary(page.render(), near: path, mode: 0o600)
            do throws(TLSError) {
                try OutputFile.commit(temporary, to: path, overwrite: true)
            } catch {
                unlink(temporary)
                throw error
            }
            return true
        } catch {
            if case let .certificateGeneration(reason, _) = error {
                Console.warn("--illustrate: \(reason)")
            } else {
                Console.warn("--illustrate: cannot write \(path): \(error)")
            }
            return false
        }
    }

    private static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }
}
