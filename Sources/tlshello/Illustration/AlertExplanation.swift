import SecureSockets

/// What an alert tells the peer, in one sentence a learner can act on.
enum AlertExplanation {
    static func sentence(_ code: UInt8) -> String {
        switch code {
        case 0: return "close_notify: the sender will send nothing more; a clean end that tells truncation apart from the end of the data."
        case 10: return "unexpected_message: a message arrived that the protocol does not allow at this point."
        case 20: return "bad_record_mac: a record failed its integrity check (wrong keys, or bytes changed on the way)."
        case 40: return "handshake_failure: the two sides found nothing to agree on (no common cipher suite, group or signature scheme)."
        case 42, 43, 46: return "\(TLSWire.alertName(code)): the sender could not accept the certificate it was given."
        case 44: return "certificate_revoked: the certificate was revoked by its CA."
        case 45: return "certificate_expired: the certificate is outside its validity dates."
        case 47: return "illegal_parameter: a field held a value the sender does not allow."
        case 48: return "unknown_ca: the certificate chain leads to no CA the sender trusts."
        case 50: return "decode_error: a message could not be parsed."
        case 51: return "decrypt_error: a signature or Finished value did not verify."
        case 70: return "protocol_version: the peer offered no version this side accepts (e.g. a TLS 1.3-only server and a TLS 1.2 client)."
        case 71: return "insufficient_security: the peer offered only what is too weak for this side."
        case 80: return "internal_error: the sender failed for a reason of its own."
        case 86: return "inappropriate_fallback: a client retried with a lower version although both sides support a higher one."
        case 90: return "user_canceled: the sender gave up on the handshake."
        case 100: return "no_renegotiation: the sender refuses to renegotiate."
        case 109: return "missing_extension: a required extension was not sent."
        case 110: return "unsupported_extension: an extension was sent that was not asked for."
        case 112: return "unrecognized_name: the server has no certificate for the name the client asked for (SNI)."
        case 116: return "certificate_required: the server asked for a client certificate and got none."
        case 120: return "no_application_protocol: no application protocol (ALPN) in common."
        default: return "\(TLSWire.alertName(code))."
        }
    }
}
