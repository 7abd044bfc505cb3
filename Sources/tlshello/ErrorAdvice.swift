import GnuTLSBackend
import SecureSockets

/// What the command line adds to a library error: the option or command that gets past it. The
/// library's sentences name protocol facts only; the flags are the command line's own.
enum ErrorAdvice {
    /// The advice for `error`, printed right after it on the error line; empty when there is none.
    static func suffix(for error: TLSError) -> String {
        switch error {
        case let .verificationFailed(failure)
            where failure.peer == .server && failure.problems.contains(where: { if case .unknownIssuer = $0 { true } else { false } }):
            return "; trust it with --cafile or check the fingerprint"
        case let .ticketKeyFile(_, reason) where reason == TLSTicketKey.missingBlockReason:
            return " (make one with 'tlshello ticket-key')"
        case let .ticketKeyFile(_, reason) where reason == TLSTicketKey.existingFileReason:
            return " (--force replaces it)"
        case let .certificateGeneration(reason, _) where reason.hasSuffix(OutputFile.existingFileReason):
            return " (--force replaces it)"
        default:
            return ""
        }
    }
}
