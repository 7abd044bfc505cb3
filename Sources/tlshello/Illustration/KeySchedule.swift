import GnuTLSBackend
import SecureSockets

/// The keys of one connection, worked out from the secrets the key log receives: for TLS 1.3 each
/// traffic secret's key and IV (HKDF-Expand-Label); for TLS 1.0–1.2 the key block the PRF expands
/// from the master secret, split into MAC keys, write keys and IVs. Every step keeps its label,
/// inputs and output for the page.
struct KeySchedule {
    /// One computation: what it is, its inputs and its output (hex on the page).
    struct Step {
        var title: String
        var formula: String
        var inputs: [(name: String, bytes: [UInt8])]
        var output: [UInt8]
        var fact: String?
    }

    /// The keys one side encrypts with in one epoch.
    struct TrafficKeys {
        /// e.g. `server handshake` or `client write`.
        var name: String
        var macKey: [UInt8] = []
        var key: [UInt8]
        var iv: [UInt8]
    }

    /// Which side sent a record.
    enum Sender: String { case client, server }

    /// The steps, in the order the page shows them.
    private(set) var steps: [Step] = []
    /// The secrets from the key log (label and bytes), as received.
    private(set) var secrets: [(label: String, bytes: [UInt8])] = []
    /// TLS 1.3: keys per sender, handshake epoch then application epoch. TLS 1.2: one epoch.
    private(set) var keys: [Sender: [TrafficKeys]] = [:]
    /// Why no keys could be worked out, when none were.
    private(set) var missing: String?

    /// Works out the keys for `suite` at `version` from `secrets` and the two randoms.
    init(version: UInt16, suite: CipherSuiteParameters, secrets: [ExchangeRecorder.Secret], clientRandom: [UInt8], serverRandom: [UInt8],
         encryptThenMAC: Bool) {
        self.secrets = secrets.map { ($0.label, $0.bytes) }
        func secret(_ label: String) -> [UInt8]? { secrets.last { $0.label == label }?.bytes }
        if version == 0x0304 {
            let hash = suite.prfHash
            let pairs: [(String, Sender, String, String)] = [
                ("SERVER_HANDSHAKE_TRAFFIC_SECRET", .server, "server handshake", "server-handshake"),
                ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", .client, "client handshake", "client-handshake"),
                ("SERVER_TRAFFIC_SECRET_0", .server, "server application", "server-application"),
                ("CLIENT_TRAFFIC_SECRET_0", .client, "client application", "client-application"),
            ]
            for (label, sender, name, fact) in pairs {
                guard let traffic = secret(label) else { missing = "the key log received no \(label)"; continue }
                let key = KeyScheduleCrypto.hkdfExpandLabel(hash, secret: traffic, label: "key", length: suite.keyLength)
                let iv = KeyScheduleCrypto.hkdfExpandLabel(hash, secret: traffic, label: "iv", length: 12)
                steps.append(Step(title: "\(name) key", formula: "HKDF-Expand-Label(\(label), \"key\", \"\", \(suite.keyLength)) with \(hash.rawValue)",
                                  inputs: [(label, traffic), ("HkdfLabel (info)", KeyScheduleCrypto.hkdfLabel("key", context: [], length: suite.keyLength))],
                                  output: key, fact: "key-\(fact)"))
                steps.append(Step(title: "\(name) IV", formula: "HKDF-Expand-Label(\(label), \"iv\", \"\", 12) with \(hash.rawValue)",
                                  inputs: [(label, traffic), ("HkdfLabel (info)", KeyScheduleCrypto.hkdfLabel("iv", context: [], length: 12))],
                                  output: iv, fact: "iv-\(fact)"))
                keys[sender, default: []].append(TrafficKeys(name: name, key: key, iv: iv))
            }
            return
        }
        guard let master = secret("CLIENT_RANDOM") else { missing = "the key log received no CLIENT_RANDOM (master secret)"; return }
        let prfHash: KeyScheduleCrypto.Hash? = version == 0x0303 ? suite.prfHash : nil
        let prfName = prfHash.map { "P_\($0.rawValue)" } ?? "MD5 ⊕ SHA-1"
        let macLength = suite.isAEAD ? 0 : (suite.macHash?.length ?? 0)
        let ivLength: Int
        if suite.isAEAD { ivLength = suite.isChaCha ? 12 : 4 } else { ivLength = version == 0x0301 ? suite.blockLength : 0 }
        let total = 2 * (macLength + suite.keyLength + ivLength)
        let seed = serverRandom + clientRandom
        let block = KeyScheduleCrypto.prf(prfHash, secret: master, label: "key expansion", seed: seed, length: total)
        steps.append(Step(title: "key block", formula: "PRF(master secret, \"key expansion\", server random + client random, \(total)), PRF = \(prfName)",
                          inputs: [("master secret (CLIENT_RANDOM line)", master), ("label", Array("key expansion".utf8)),
                                   ("server random + client random", seed)],
                          output: block, fact: "key-block"))
        guard block.count == total else { missing = "the PRF failed"; return }
        var offset = 0
        func take(_ count: Int) -> [UInt8] { defer { offset += count }; return Array(block[offset..<offset + count]) }
        let clientMAC = take(macLength), serverMAC = take(macLength)
        let clientKey = take(suite.keyLength), serverKey = take(suite.keyLength)
        let clientIV = take(ivLength), serverIV = take(ivLength)
        for (name, bytes, fact) in [("client write MAC key", clientMAC, "mac-client-write"), ("server write MAC key", serverMAC, "mac-server-write"),
                                    ("client write key", clientKey, "key-client-write"), ("server write key", serverKey, "key-server-write"),
                                    ("client write IV", clientIV, "iv-client-write"), ("server write IV", serverIV, "iv-server-write")]
            where !bytes.isEmpty {
            steps.append(Step(title: name, formula: "the next \(bytes.count) bytes of the key block", inputs: [], output: bytes, fact: fact))
        }
        if !suite.isAEAD && version != 0x0301 {
            steps.append(Step(title: "record IVs", formula: "TLS 1.1 and later send a fresh IV at the start of each CBC record: none in the key block",
                              inputs: [], output: [], fact: nil))
        }
        if encryptThenMAC && !suite.isAEAD {
            steps.append(Step(title: "encrypt-then-MAC", formula: "agreed (RFC 7366): each record's MAC covers its ciphertext and follows it",
                              inputs: [], output: [], fact: nil))
        }
        keys[.client] = [TrafficKeys(name: "client write", macKey: clientMAC, key: clientKey, iv: clientIV)]
        keys[.server] = [TrafficKeys(name: "server write", macKey: serverMAC, key: serverKey, iv: serverIV)]
    }
}
