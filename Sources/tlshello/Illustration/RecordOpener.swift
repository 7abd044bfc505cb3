import GnuTLSBackend
import SecureSockets

/// Decrypts the encrypted records of one sender with the keys the ``KeySchedule`` worked out,
/// keeping the sequence number (and for TLS 1.0 the CBC IV carried from record to record), and
/// says how: the nonce built from the IV and the sequence number, the additional data, the tag or MAC.
struct RecordOpener {
    /// How one record was opened.
    struct Opening {
        /// The keys used (their name on the page).
        var keysName: String
        var sequence: UInt64
        /// The AEAD nonce or the CBC IV.
        var nonce: [UInt8]
        /// How the nonce was made.
        var nonceFormula: String
        /// The AEAD additional data or the MAC's header input.
        var additionalData: [UInt8]
        /// The plaintext with any TLS 1.3 inner type and padding removed.
        var plaintext: [UInt8]
        /// The content type the plaintext has (the inner type in TLS 1.3).
        var contentType: UInt8
        /// What proved the key right (tag verified, MAC verified).
        var check: String
    }

    let version: UInt16
    let suite: CipherSuiteParameters
    let encryptThenMAC: Bool
    private var epochs: [KeySchedule.TrafficKeys]
    private var epoch = 0
    private var sequence: UInt64 = 0
    private var chainedIV: [UInt8]

    init(version: UInt16, suite: CipherSuiteParameters, keys: [KeySchedule.TrafficKeys], encryptThenMAC: Bool) {
        self.version = version
        self.suite = suite
        self.encryptThenMAC = encryptThenMAC
        epochs = keys
        chainedIV = keys.first?.iv ?? []
    }

    private func sequenceBytes(_ number: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: number >> (UInt64($0) * 8)) } }

    /// Opens `record` (header and body); nil when no key opens it.
    mutating func open(_ record: [UInt8]) -> Opening? {
        guard record.count >= 5, !epochs.isEmpty else { return nil }
        if version == 0x0304 {
            // Try the current epoch, then the next (the sender finished its handshake).
            for candidate in epoch..<min(epoch + 2, epochs.count) {
                let start: UInt64 = candidate == epoch ? sequence : 0
                if let opened = open13(record, keys: epochs[candidate], sequence: start) {
                    if candidate != epoch { epoch = candidate }
                    sequence = start + 1
                    return opened
                }
            }
            return nil
        }
        guard let opened = open12(record, keys: epochs[0], sequence: sequence) else { return nil }
        sequence += 1
        return opened
    }

    /// A TLS 1.3 sender moves to its application keys after its Finished.
    mutating func finishedSent() {
        if version == 0x0304, epoch + 1 < epochs.count { epoch += 1; sequence = 0 }
    }

    private func xorNonce(_ iv: [UInt8], _ number: UInt64) -> [UInt8] {
        let padded = [UInt8](repeating: 0, count: max(0, iv.count - 8)) + sequenceBytes(number)
        return zip(iv, padded).map { $0 ^ $1 }
    }

    private func open13(_ record: [UInt8], keys: KeySchedule.TrafficKeys, sequence: UInt64) -> Opening? {
        let nonce = xorNonce(keys.iv, sequence)
        let header = Array(record.prefix(5))
        guard var plain = KeyScheduleCrypto.aeadOpen(suite, key: keys.key, nonce: nonce, additionalData: header,
                                                     ciphertext: Array(record.dropFirst(5))) else { return nil }
        while plain.last == 0 { plain.removeLast() }
        guard let type = plain.popLast() else { return nil }
        return Opening(keysName: keys.name, sequence: sequence, nonce: nonce, nonceFormula: "\(keys.name) IV XOR sequence number \(sequence)",
                       additionalData: header, plaintext: plain, contentType: type,
                       check: "the \(suite.tagLength)-byte tag verified: the key, the nonce and the header are right")
    }

    private mutating func open12(_ record: [UInt8], keys: KeySchedule.TrafficKeys, sequence: UInt64) -> Opening? {
        let body = Array(record.dropFirst(5))
        let seq = sequenceBytes(sequence)
        func aad(_ length: Int) -> [UInt8] { seq + [record[0], record[1], record[2], UInt8(length >> 8), UInt8(length & 0xff)] }
        if suite.isAEAD {
            let nonce: [UInt8]
            let ciphertext: [UInt8]
            let formula: String
            if suite.isChaCha {
                nonce = xorNonce(keys.iv, sequence)
                ciphertext = body
                formula = "\(keys.name) IV XOR sequence number \(sequence)"
            } else {
                guard body.count >= 8 + suite.tagLength else { return nil }
                nonce = keys.iv + body.prefix(8)
                ciphertext = Array(body.dropFirst(8))
                formula = "\(keys.name) IV (4 bytes, from the key block) + explicit nonce (the record's first 8 bytes)"
            }
            let additional = aad(ciphertext.count - suite.tagLength)
            guard let plain = KeyScheduleCrypto.aeadOpen(suite, key: keys.key, nonce: nonce, additionalData: additional, ciphertext: ciphertext) else { return nil }
            return Opening(keysName: keys.name, sequence: sequence, nonce: nonce, nonceFormula: formula, additionalData: additional,
                           plaintext: plain, contentType: record[0],
                           check: "the \(suite.tagLength)-byte tag verified over sequence number, header and ciphertext")
        }
        guard let macHash = suite.macHash else { return nil }
        let macLength = macHash.length
        let block = suite.blockLength
        var encrypted = body
        var mac: [UInt8] = []
        if encryptThenMAC {
            guard encrypted.count > macLength else { return nil }
            mac = Array(encrypted.suffix(macLength))
            encrypted.removeLast(macLength)
        }
        var iv: [UInt8]
        let formula: String
        if version == 0x0301 {
            iv = chainedIV
            formula = sequence == 0 ? "\(keys.name) IV from the key block (TLS 1.0)" : "the last ciphertext block of the previous record (TLS 1.0 chains its IVs)"
        } else {
            guard encrypted.count > block else { return nil }
            iv = Array(encrypted.prefix(block))
            formula = "the record's first \(block) bytes: a fresh IV per record (TLS 1.1 and later)"
        }
        let cipherBlocks = version == 0x0301 ? encrypted : Array(encrypted.dropFirst(block))
        guard var plain = KeyScheduleCrypto.cbcDecrypt(suite, key: keys.key, iv: iv, ciphertext: cipherBlocks) else { return nil }
        let padding = Int(plain.last ?? 0) + 1
        guard padding <= plain.count else { return nil }
        plain.removeLast(padding)
        let check: String
        let additional: [UInt8]
        if encryptThenMAC {
            additional = aad(encrypted.count)
            guard KeyScheduleCrypto.hmac(macHash, key: keys.macKey, data: additional + encrypted) == mac else { return nil }
            check = "the \(macLength)-byte HMAC-\(macHash.rawValue) after the ciphertext verified (encrypt-then-MAC)"
        } else {
            guard plain.count >= macLength else { return nil }
            mac = Array(plain.suffix(macLength))
            plain.removeLast(macLength)
            additional = aad(plain.count)
            guard KeyScheduleCrypto.hmac(macHash, key: keys.macKey, data: additional + plain) == mac else { return nil }
            check = "the \(macLength)-byte HMAC-\(macHash.rawValue) inside the plaintext verified, and the padding"
        }
        if version == 0x0301 { chainedIV = Array(cipherBlocks.suffix(block)) }
        return Opening(keysName: keys.name, sequence: sequence, nonce: iv, nonceFormula: formula, additionalData: additional,
                       plaintext: plain, contentType: record[0], check: check)
    }
}
