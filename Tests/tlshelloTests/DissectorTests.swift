import Foundation
import SecureSockets
import TestSupport
import Testing

/// True when two message lists agree: each direction in the same order, and the whole sequence up to
/// the end of the handshake (the first application data or TLS 1.3 session ticket) in the same order.
/// After that, both sides may send at the same moment (a server's session tickets cross the client's
/// first data, the two close_notify alerts cross), so only the order within each direction is defined.
func sameOrder(_ traced: [String], _ dissected: [String]) -> Bool {
    // A TLS 1.3 server's session tickets leave right after its Finished and cross the client's
    // Finished; the client reads them later. They are compared per direction only.
    func handshake(_ list: [String]) -> [String] {
        Array(list.filter { !$0.hasSuffix("NewSessionTicket") }.prefix { !$0.hasSuffix("application data") })
    }
    func direction(_ list: [String], _ arrow: String) -> [String] { list.filter { $0.hasPrefix(arrow) } }
    return handshake(traced) == handshake(dissected)
        && direction(traced, "→") == direction(dissected, "→")
        && direction(traced, "←") == direction(dissected, "←")
}

/// The trace and the key log checked against a real dissector: tshark captures the exchange on the
/// loopback interface, decrypts it with the key log, and must see the greetings and the very
/// messages `--trace` printed, in the same order. Needs tshark and the right to capture (root).
@Suite(.enabled(if: LoopbackCapture.available, "tshark is missing or capturing is not allowed"))
struct DissectorTests {
    /// The trace of a `tlshello client --trace --json` run, as `→ Name` / `← Name` lines.
    private func clientTrace(_ result: ProcessResult) throws -> [String] {
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("\"event\":\"exchange\"") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let trace = try #require(object["trace"] as? [[String: Any]])
        return trace.compactMap { event in
            guard let message = event["message"] as? String, let direction = event["direction"] as? String else { return nil }
            return (direction == "sent" ? "→ " : "← ") + message
        }
    }

    /// Runs `exchange` under a capture and dissects it. A capture that holds no decrypted greeting
    /// (packets lost by the capture itself on a loaded machine) is taken once more; a second such
    /// capture, or any capture whose messages differ from the trace, fails the test.
    private func captured<Result>(port: () throws -> Int, _ exchange: () throws -> (Result, keyLog: String))
        throws -> (Result, LoopbackCapture.Dissection) {
        var attempt = 0
        while true {
            attempt += 1
            let folder = try TemporaryDirectory()
            let serverPort = try port()
            let capture = try LoopbackCapture(port: serverPort, folder: folder)
            let (result, keyLog) = try exchange()
            let dissected = try capture.finish(keyLog: keyLog, serverPort: serverPort)
            if dissected.plaintext.contains("Hola soy tu cliente") || attempt == 2 { return (result, dissected) }
        }
    }

    @Test(arguments: ["tlsv1.0", "tlsv1.2", "tlsv1.3"])
    func tsharkSeesWhatTheTracePrintedAgainstTlshelloServer(version: String) throws {
        let folder = try TemporaryDirectory()
        let server = try ServerUnderTest(["--tls-version", version, "--trace", "--keylog", folder.file("server-keys.log")])
        var exchanges = 0
        let (result, dissected) = try captured(port: { server.port }) {
            exchanges += 1
            let keyLog = folder.file("keys-\(exchanges).log")
            return (try server.client(["--tls-version", version, "--cafile", Paths.demoCertificate,
                                       "--trace", "--json", "--keylog", keyLog]), keyLog)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("anyone with this file can decrypt"))
        #expect(dissected.plaintext.contains("Hola soy tu cliente"))
        #expect(dissected.plaintext.contains("Hola soy tu servidor...."))
        let traced = try clientTrace(result)
        #expect(sameOrder(traced, dissected.messages), "trace \(traced)\ntshark \(dissected.messages)")
        #expect(traced.contains("← Certificate"))

        // The server's own trace of the last exchange is the mirror image.
        #expect(server.process.waitUntil(timeout: 20) { data in
            String(decoding: data, as: UTF8.self).components(separatedBy: "4. client disconnected").count - 1 >= exchanges
        })
        let last = "[#\(exchanges) "
        let serverLines = server.process.stdout.split(separator: "\n")
            .filter { $0.hasPrefix(last) && ($0.contains("] → ") || $0.contains("] ← ")) }
            .compactMap { line -> String? in
                guard let start = line.range(of: "] ") else { return nil }
                let rest = line[start.upperBound...]
                let arrow = rest.hasPrefix("→") ? "← " : "→ "
                return arrow + rest.dropFirst(2).prefix(19).trimmingCharacters(in: .whitespaces)
            }
        #expect(sameOrder(serverLines, dissected.messages), "server \(serverLines)\ntshark \(dissected.messages)")
    }

    @Test(.enabled(if: Peers.openssl != nil), arguments: [VersionCase.tls10, .tls12, .tls13])
    func tsharkSeesWhatTheTracePrintedAgainstOpenSSL(version: VersionCase) throws {
        let folder = try TemporaryDirectory()
        var server: OpenSSLServer?
        var exchanges = 0
        let (result, dissected) = try captured(port: {
            if server == nil { server = try OpenSSLServer(version.opensslArguments) }
            return server?.port ?? 0
        }) {
            exchanges += 1
            let keyLog = folder.file("keys-\(exchanges).log")
            guard let peer = server else { throw HarnessError.peerDidNotStart("s_server") }
            let client = try RunningProcess(Paths.tlshello, [
                "client", "127.0.0.1", "--port", String(peer.port), "--tls-version", version.name,
                "--cafile", Paths.demoCertificate, "--trace", "--json", "--keylog", keyLog, "--timeout", "10",
            ])
            #expect(peer.process.waitForLine(containing: "Hola soy tu cliente", timeout: 20) != nil)
            #expect(peer.process.sendIfRunning("Hola soy tu servidor....\n"))
            let result = client.wait(timeout: 20)
            peer.process.wait(timeout: 10)
            server = nil // s_server serves one connection: a retry starts a new one
            return (result, keyLog)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(dissected.plaintext.contains("Hola soy tu cliente"))
        #expect(dissected.plaintext.contains("Hola soy tu servidor...."))
        let traced = try clientTrace(result)
        #expect(sameOrder(traced, dissected.messages), "trace \(traced)\ntshark \(dissected.messages)")
    }
}

/// dumpcap (Wireshark's capture engine) capturing one port on the loopback interface, the packets
/// streamed to this process (`-w -`) and written to a file at the end; tshark dissects the file. Readiness is proven, not assumed: connections to an
/// unused probe port (SYN, then RST) are made until their packets arrive.
final class LoopbackCapture {
    static let tshark = Paths.which("tshark")
    static let dumpcap = Paths.which("dumpcap")
    static let available = tshark != nil && dumpcap != nil && getuid() == 0

    let process: RunningProcess
    let file: String
    private let probePort: Int

    init(port: Int, folder: TemporaryDirectory) throws {
        guard let dumpcap = Self.dumpcap else { throw HarnessError.peerDidNotStart("dumpcap not on PATH") }
        file = folder.file("capture.pcapng")
        probePort = try RawSocket.unusedPort()
        process = try RunningProcess(dumpcap, ["-i", "lo", "-f", "tcp port \(port) or tcp port \(probePort)", "-w", "-"])
        try sync()
    }

    /// Probes until dumpcap has streamed a packet of a new probe: since dumpcap writes packets in
    /// the order it captured them, everything sent before the probe is in hand too.
    private func sync() throws {
        let before = Self.packets(in: process.stdoutData, port: probePort)
        for _ in 0..<100 {
            _ = try? RawSocket(port: probePort)
            if process.waitUntil(timeout: 0.2, { Self.packets(in: $0, port: self.probePort) > before }) { return }
        }
        throw HarnessError.peerDidNotStart("dumpcap captured nothing: \(process.stderr)")
    }

    /// The number of TCP packets to or from `port` in a pcapng stream of Ethernet frames
    /// (Linux's loopback), complete blocks only.
    static func packets(in data: Data, port: Int) -> Int {
        let bytes = [UInt8](data)
        var offset = 0
        var count = 0
        func word(_ at: Int) -> Int {
            Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        func portAt(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        while offset + 8 <= bytes.count {
            let length = word(offset + 4)
            guard length >= 12, offset + length <= bytes.count else { break }
            let frame = offset + 28 // Enhanced Packet Block: 7 words, then the frame
            if word(offset) == 6, frame + 14 + 24 <= offset + length, bytes[frame + 12] == 0x08, bytes[frame + 13] == 0x00 {
                let ip = frame + 14
                let tcp = ip + Int(bytes[ip] & 0x0f) * 4
                if bytes[ip + 9] == 6, tcp + 4 <= offset + length, portAt(tcp) == port || portAt(tcp + 2) == port { count += 1 }
            }
            offset += length
        }
        return count
    }

    /// What tshark made of the capture.
    struct Dissection {
        /// Every TLS message in capture order, as `→ Name` (from the client) or `← Name`.
        var messages: [String]
        /// The decrypted application data.
        var plaintext: String
    }

    /// Stops capturing (after a last probe) and dissects the file with the key log.
    func finish(keyLog: String, serverPort: Int) throws -> Dissection {
        try sync()
        // Every packet up to the last probe is in hand, so the capture can end abruptly (signals
        // other than SIGKILL may be blocked in a child started from a test thread).
        process.stop(signal: SIGKILL, timeout: 5)
        try process.stdoutData.write(to: URL(fileURLWithPath: file))
        guard let tshark = Self.tshark else { throw HarnessError.peerDidNotStart("tshark") }
        let json = try run(tshark, ["-r", file, "-o", "tls.keylog_file:\(keyLog)", "-Y", "tls",
                                    "-T", "json", "--no-duplicate-keys"], timeout: 60)
        let packets = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        var messages: [String] = []
        for packet in packets {
            let layers = (packet["_source"] as? [String: Any])?["layers"] as? [String: Any] ?? [:]
            let source = ((layers["tcp"] as? [String: Any])?["tcp.srcport"] as? String).flatMap { Int($0) }
            let arrow = source == serverPort ? "← " : "→ "
            Self.walk(layers["tls"] as Any) { messages.append(arrow + $0) }
        }
        let fields = try run(tshark, ["-r", file, "-o", "tls.keylog_file:\(keyLog)", "-o", "data.show_as_text:TRUE",
                                      "-T", "fields", "-e", "data.text"], timeout: 60)
        return Dissection(messages: messages, plaintext: fields.stdout)
    }

    /// Visits the records of a TLS layer in order, naming each message.
    private static func walk(_ node: Any, _ visit: (String) -> Void) {
        if let list = node as? [Any] {
            for item in list { walk(item, visit) }
            return
        }
        guard let object = node as? [String: Any] else { return }
        if let typeText = Self.first(object["tls.record.content_type"]), let type = UInt8(typeText) {
            switch type {
            case 20: visit("ChangeCipherSpec")
            case 21: visit("Alert")
            case 23: visit("application data")
            case 22:
                var names: [String] = []
                collectHandshakes(object["tls.handshake"] as Any) { names.append($0) }
                names.forEach(visit)
            default: break
            }
            return
        }
        for key in object.keys.sorted() where key == "tls.record" { walk(object[key] as Any, visit) }
        if object["tls.record"] == nil {
            for value in object.values { walk(value, visit) }
        }
    }

    private static func collectHandshakes(_ node: Any, _ visit: (String) -> Void) {
        if let list = node as? [Any] {
            for item in list { collectHandshakes(item, visit) }
        } else if let object = node as? [String: Any], let typeText = first(object["tls.handshake.type"]),
                  let type = UInt8(typeText) {
            visit(type == 2 && (object["tls.handshake.random"] as? String)?.hasPrefix("cf:21:ad:74") == true
                ? "HelloRetryRequest" : TLSWire.handshakeName(type))
        }
    }

    private static func first(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        return (value as? [Any])?.first as? String
    }

    deinit { process.stop(signal: SIGKILL, timeout: 5) }
}
