import ArgumentParser
import SecureSockets

/// `--pin sha256/BASE64` (repeatable): the public key pins a client accepts.
enum PinOption {
    /// The pins in `texts`, each checked; a bad one is a usage error naming it.
    static func parse(_ texts: [String]) throws -> [PublicKeyPin] {
        try texts.map { text in
            do throws(TLSError) {
                return try PublicKeyPin(text)
            } catch {
                throw ValidationError("--pin: \(error)")
            }
        }
    }
}
