import GnuTLSBackend
import SecureSockets

/// The illustrated exchange as one self-contained HTML page: inline style, no network, no fonts;
/// a table of contents, one section per record and per message (`<details>`, readable and
/// navigable without JavaScript), hex dumps whose fields are coloured, and a few lines of script
/// that only highlight a field's bytes on hover and open every section for printing.
struct IllustrationPage {
    /// The lines at the top: who spoke to whom, and how it ended.
    struct Facts {
        var local: String
        var peer: String
        var outcome: String
        var when: String
    }

    let illustration: ExchangeIllustration
    let facts: Facts

    private var versionName: String { illustration.version.map { "TLS " + TLSWire.versionName($0) } ?? "TLS" }

    /// `12.34` for 0.01234 seconds.
    static func milliseconds(_ seconds: Double) -> String {
        let hundredths = Int((seconds * 100_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    private func arrow(_ sender: KeySchedule.Sender) -> String { sender == .client ? "client → server" : "server → client" }

    func render() -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Illustrated \(versionName) exchange (\(illustration.role == .client ? "client" : "server") side)</title>
        <style>\(Self.style)</style></head><body>
        <header><h1>Illustrated \(versionName) exchange</h1>
        <p class="meta">Seen from the <b>\(illustration.role == .client ? "client" : "server")</b>\(facts.local.isEmpty ? "" : " (\(Self.escape(facts.local)))"), talking to \(Self.escape(facts.peer)); \(Self.escape(facts.when)).</p>
        <p class="warning"><b>This page holds the secrets of this session.</b> With them anyone can decrypt a capture of it. It was written with mode 0600, as the key log is; do not publish pages of connections that carried anything private.</p>
        <p class="outcome \(illustration.failed ? "failed" : "ok")">\(Self.escape(facts.outcome))</p>
        </header>
        """
        html += overview()
        html += toc()
        html += "<main><h2 id=\"records\">Records on the wire</h2>\n"
        html += "<p class=\"hint\">Every record this side wrote or read, in order. Each opens to its bytes: the 5-byte record header, then the body. Point at a field to see its bytes; coloured runs in the hex are the fields listed beside them.</p>\n"
        for record in illustration.records { html += recordSection(record) }
        if !illustration.unmatchedHookMessages.isEmpty {
            html += "<h3>Handshake messages reported by GnuTLS but not found in a record here</h3><ul>"
            for message in illustration.unmatchedHookMessages {
                html += "<li>\(message.direction == .sent ? "sent" : "received") \(Self.escape(TLSWire.handshakeName(message.type))) (\(message.body.count) bytes): <code class=\"wrap\">\(hexText(message.body))</code></li>"
            }
            html += "</ul>"
        }
        html += keySection()
        html += "</main><footer>Made by tlshello from the bytes of this very connection: the records as they crossed the wire, the handshake messages as GnuTLS's handshake hook reported them, and the secrets its key log callback received.</footer>\n"
        html += "<script>\(Self.script)</script></body></html>\n"
        return html
    }

    private func overview() -> String {
        let version = illustration.version.map { "TLS " + TLSWire.versionName($0) } ?? "none agreed (no ServerHello chose one)"
        var rows: [(String, String)] = [("version", version)]
        if let suite = illustration.suite {
            rows.append(("cipher suite", "\(TLSWire.hex(suite.id)) \(suite.name)"))
            rows.append(("record protection", suite.isAEAD ? "\(suite.cipherName), an AEAD cipher: one key encrypts and authenticates"
                                                      : "\(suite.cipherName) with HMAC-\(suite.macHash?.rawValue ?? "?")"))
        }
        rows.append(("client random", hexText(illustration.clientRandom)))
        if !illustration.serverRandom.isEmpty { rows.append(("server random", hexText(illustration.serverRandom))) }
        rows.append(("records", "\(illustration.records.count)"))
        var html = "<section id=\"overview\"><h2>At a glance</h2><table class=\"facts\">"
        for (name, value) in rows { html += "<tr><th>\(name)</th><td><code class=\"wrap\">\(Self.escape(value))</code></td></tr>" }
        return html + "</table></section>\n"
    }

    private func toc() -> String {
        var html = "<nav class=\"toc\"><h2>Contents</h2><ol>"
        for record in illustration.records {
            let cls = record.alert.map { $0.level == 2 || $0.code != 0 ? "alert" : "" } ?? ""
            html += "<li class=\"\(record.sender.rawValue) \(cls)\"><a href=\"#r\(record.index)\">\(arrow(record.sender)): \(Self.escape(record.summary))</a>"
                + (record.encrypted ? " <span class=\"tag enc\">encrypted</span>" : "") + "</li>"
        }
        html += "<li><a href=\"#keys\">Key schedule</a></li></ol></nav>\n"
        return html
    }

    private func recordSection(_ record: ExchangeIllustration.Record) -> String {
        let lock = record.encrypted ? " <span class=\"tag enc\">encrypted</span>" : " <span class=\"tag clear\">in the clear</span>"
        var html = "<details open id=\"r\(record.index)\" class=\"record \(record.sender.rawValue)\"><summary><span class=\"dir\">\(arrow(record.sender))</span> "
            + "<b>\(Self.escape(record.summary))</b>\(lock) <span class=\"time\">record \(record.index), \(record.bytes.count) bytes, "
            + Self.milliseconds(record.time) + " ms</span></summary>\n"
        // The record: header fields and body (ciphertext when encrypted).
        var fields = record.headerFields
        fields.append(Field(name: record.encrypted ? "encrypted body" : "body",
                            meaning: record.encrypted ? "what the keys below open" : "the record's content, described below",
                            range: 5..<record.bytes.count, fact: record.encrypted ? "record-ciphertext" : nil,
                            children: record.encrypted ? encryptedParts(record.bytes.count) : []))
        html += block(title: "Record", bytes: record.bytes, fields: fields, id: "r\(record.index)",
                      attributes: "data-record=\"\(record.index)\" data-sender=\"\(record.sender.rawValue)\" data-type=\"\(record.contentType)\"")
        if let opening = record.opening { html += openingBox(opening, record: record) }
        if record.encrypted && record.opening == nil {
            html += "<p class=\"problem\">No key from the key schedule opens this record.</p>"
        }
        for (index, message) in record.messages.enumerated() {
            let open = message.name == "ClientHello" || message.name == "ServerHello" ? " open" : ""
            let id = "r\(record.index)m\(index + 1)"
            html += "<details\(open) id=\"\(id)\" class=\"message\"><summary>\(Self.escape(message.name)) <span class=\"time\">\(message.bytes.count) bytes</span>"
                + (message.matchesHook ? " <span class=\"tag hook\" title=\"GnuTLS's handshake hook reported the very same bytes\">= handshake hook</span>" : "")
                + "</summary><p class=\"purpose\">\(Self.escape(HandshakeDissector.purpose(message.name, tls13: illustration.version == 0x0304)))</p>"
            html += block(title: nil, bytes: message.bytes, fields: message.fields, id: id, attributes: "data-message=\"\(Self.escape(message.name))\"")
            html += "</details>\n"
        }
        if let data = record.applicationData {
            html += "<div class=\"appdata\"><h4>Application data</h4><p>The plaintext this record carried (\(data.count) bytes):</p>"
                + "<pre class=\"plain\" data-fact=\"plaintext\">\(Self.escape(Console.printable(String(decoding: data, as: UTF8.self))))</pre>"
                + "<code class=\"wrap\">\(hexText(data, separator: " "))</code></div>"
        }
        if let alert = record.alert {
            html += "<div class=\"alertbox\"><h4>Alert: \(TLSWire.alertName(alert.code)) (\(alert.level == 2 ? "fatal" : "warning"))</h4>"
                + "<p>level \(alert.level) (\(alert.level == 2 ? "fatal: the connection ends now" : "warning")), description \(alert.code): "
                + "\(Self.escape(AlertExplanation.sentence(alert.code)))</p></div>"
        }
        return html + "</details>\n"
    }

    /// The parts of an encrypted record's body, as the suite and version lay them out.
    private func encryptedParts(_ count: Int) -> [Field] {
        guard let suite = illustration.suite, let version = illustration.version, count > 5 else { return [] }
        var parts: [Field] = []
        var start = 5
        var end = count
        if suite.isAEAD {
            guard count - 5 >= suite.tagLength else { return [] }
            if version != 0x0304 && !suite.isChaCha && count - 5 >= 8 + suite.tagLength {
                parts.append(Field(name: "explicit nonce", meaning: "the per-record half of the nonce, sent in the clear", range: 5..<13))
                start = 13
            }
            end = count - suite.tagLength
            parts.append(Field(name: "ciphertext", meaning: version == 0x0304 ? "the encrypted content, then its real content type (and any padding)"
                                                                              : "the encrypted content", range: start..<end))
            parts.append(Field(name: "authentication tag", meaning: "proves the content, the header and the sequence number are unchanged",
                               range: end..<count))
            return parts
        }
        let macLength = suite.macHash?.length ?? 0
        if version != 0x0301 && count - 5 > suite.blockLength {
            parts.append(Field(name: "IV", meaning: "a fresh random IV for this record's CBC encryption", range: 5..<5 + suite.blockLength))
            start = 5 + suite.blockLength
        }
        if illustration.encryptThenMAC && count - start > macLength {
            end = count - macLength
            parts.append(Field(name: "ciphertext", meaning: "the content and padding, encrypted", range: start..<end))
            parts.append(Field(name: "MAC", meaning: "HMAC over the sequence number, header and ciphertext (encrypt-then-MAC)", range: end..<count))
        } else {
            parts.append(Field(name: "ciphertext", meaning: "the content, its MAC and padding, encrypted together", range: start..<count))
        }
        return parts
    }

    private func openingBox(_ opening: RecordOpener.Opening, record: ExchangeIllustration.Record) -> String {
        let aead = illustration.suite?.isAEAD ?? true
        var rows: [(String, String, String?)] = [
            ("keys", "<a href=\"#keys\">\(Self.escape(opening.keysName))</a>", nil),
            ("sequence number", "\(opening.sequence) (records this sender encrypted with these keys before this one)", "sequence"),
            (aead ? "nonce" : "IV", "<code class=\"wrap\">\(hexText(opening.nonce))</code> = \(Self.escape(opening.nonceFormula))", "nonce"),
            (aead ? "additional data" : "MAC input header", "<code class=\"wrap\">\(hexText(opening.additionalData))</code>"
                + (illustration.version == 0x0304 ? " = the record header" : " = sequence number, type, version, length"), nil),
            ("check", Self.escape(opening.check), nil),
            ("plaintext", "<code class=\"wrap\">" + (record.messages.isEmpty || opening.plaintext.count <= 48 ? hexText(opening.plaintext)
                : hexText(opening.plaintext.prefix(48)) + "…</code> (\(opening.plaintext.count) bytes: the message\(record.messages.count > 1 ? "s" : "") below)<code>") + "</code>", nil),
        ]
        if illustration.version == 0x0304 {
            rows.insert(("inner content type", "\(opening.contentType): the real type, hidden inside the encryption", nil), at: 5)
        }
        var html = "<div class=\"opening\"><h4>Decrypted with the key schedule below</h4><table class=\"facts\">"
        for (name, value, fact) in rows {
            html += "<tr><th>\(name)</th><td\(fact.map { " data-fact=\"\($0)\"" } ?? "")>\(value)</td></tr>"
        }
        return html + "</table></div>\n"
    }

    /// The field tree beside a coloured hex dump of `bytes`. Fields with parts are `<details>`
    /// (lists and extensions closed, so a message reads as its top-level fields first).
    private func block(title: String?, bytes: [UInt8], fields: [Field], id: String, attributes: String) -> String {
        var html = "<div class=\"block\" \(attributes)>"
        if let title { html += "<h4>\(title)</h4>" }
        html += "<div class=\"tree\">"
        func line(_ field: Field, tag: String) -> String {
            let slice = Array(bytes[max(0, min(bytes.count, field.range.lowerBound))..<max(0, min(bytes.count, field.range.upperBound))])
            let fact = field.fact.map { " data-fact=\"\($0)\" data-hex=\"\(hexText(slice))\"" } ?? ""
            let value = field.value.isEmpty ? (slice.count <= 8 ? hexText(slice, separator: " ") : "\(slice.count) bytes") : field.value
            return "<\(tag) class=\"f\" data-s=\"\(field.range.lowerBound)\" data-e=\"\(field.range.upperBound)\"\(fact)>"
                + "<span class=\"name\">\(Self.escape(field.name))</span> <span class=\"value\">\(Self.escape(value))</span>"
                + " <span class=\"meaning\">\(Self.escape(field.meaning))</span></\(tag)>"
        }
        func render(_ list: [Field], depth: Int) {
            for field in list {
                if field.children.isEmpty {
                    html += line(field, tag: "div")
                } else {
                    let open = depth == 0 && field.children.count <= 8 ? " open" : ""
                    html += "<details class=\"group\"\(open)>" + line(field, tag: "summary")
                    render(field.children, depth: depth + 1)
                    html += "</details>"
                }
            }
        }
        render(fields, depth: 0)
        html += "</div>"
        html += hexDump(bytes, leaves: fields.flatMap(\.leaves))
        return html + "</div>\n"
    }

    private func hexDump(_ bytes: [UInt8], leaves: [Field]) -> String {
        var owner = [Int](repeating: -1, count: bytes.count)
        for (index, leaf) in leaves.enumerated() {
            for offset in leaf.range where offset >= 0 && offset < bytes.count { owner[offset] = index }
        }
        var html = "<div class=\"hex\">"
        var start = 0
        while start < bytes.count {
            var end = start + 1
            while end < bytes.count && owner[end] == owner[start] { end += 1 }
            let colour = owner[start] < 0 ? "n" : "c\(owner[start] % 6)"
            let title = owner[start] < 0 ? "" : " title=\"\(Self.escape(leaves[owner[start]].name))\""
            html += "<span class=\"\(colour)\" data-s=\"\(start)\" data-e=\"\(end)\"\(title)>\(hexText(bytes[start..<end], separator: " "))</span> "
            start = end
        }
        return html + "</div>"
    }

    private func keySection() -> String {
        var html = "<section id=\"keys\"><h2>Key schedule</h2>"
        guard let schedule = illustration.keySchedule else {
            return html + "<p>No ServerHello was exchanged: no keys were agreed, nothing was encrypted.</p></section>\n"
        }
        if illustration.version == 0x0304 {
            html += "<p>TLS 1.3 derives a secret per direction and stage from the (EC)DHE shared secret and the transcript hash (RFC 8446 7.1). "
                + "GnuTLS hands each traffic secret to its key log callback; from each, HKDF-Expand-Label gives the record key and IV. "
                + "A record's nonce is the IV XOR its sequence number.</p>"
        } else {
            html += "<p>TLS 1.0–1.2 derive one master secret (the key log's CLIENT_RANDOM line) and expand it with the PRF into a key block, "
                + "split into MAC keys, write keys and IVs for each side (RFC 5246 6.3).</p>"
        }
        html += "<h3>Secrets the key log received</h3><table class=\"facts\">"
        for secret in schedule.secrets {
            html += "<tr><th>\(Self.escape(secret.label))</th><td data-fact=\"secret-\(Self.escape(secret.label))\"><code class=\"wrap\">\(hexText(secret.bytes))</code></td></tr>"
        }
        html += "</table><h3>Derived</h3>"
        for step in schedule.steps {
            html += "<div class=\"step\"><h4>\(Self.escape(step.title))</h4><p class=\"formula\">\(Self.escape(step.formula))</p><table class=\"facts\">"
            for input in step.inputs {
                let text = input.bytes.allSatisfy { (0x20..<0x7f).contains($0) } ? "\"\(Self.escape(String(decoding: input.bytes, as: UTF8.self)))\" = " : ""
                html += "<tr><th>\(Self.escape(input.name))</th><td>\(text)<code class=\"wrap\">\(hexText(input.bytes))</code></td></tr>"
            }
            if !step.output.isEmpty {
                html += "<tr class=\"out\"><th>= \(Self.escape(step.title))</th><td\(step.fact.map { " data-fact=\"\($0)\"" } ?? "")><code class=\"wrap\">\(hexText(step.output))</code></td></tr>"
            }
            html += "</table></div>"
        }
        if let missing = schedule.missing { html += "<p class=\"problem\">Incomplete: \(Self.escape(missing)).</p>" }
        return html + "</section>\n"
    }

    static let style = """
    body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1180px;padding:1em 1.5em;color:#1d1d1f;background:#fff}
    h1{margin:.2em 0}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}h4{margin:.6em 0 .3em}
    code,.hex,pre{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px}
    .wrap{word-break:break-all}
    .meta{color:#444}.warning{background:#fff4d6;border-left:5px solid #e0a800;padding:.6em .9em}
    .outcome{padding:.5em .9em;border-left:5px solid #3a7d44;background:#eef7ef}.outcome.failed{border-color:#c62828;background:#fdecea}
    table{border-collapse:collapse}.facts th{text-align:left;padding:.2em .8em .2em 0;vertical-align:top;white-space:nowrap;color:#333}
    .facts td{padding:.2em 0}.toc ol{columns:2;font-size:14px}.toc li.client a{color:#1a4fa0}.toc li.server a{color:#7a3e00}.toc li.alert a{color:#c62828;font-weight:bold}
    details.record{border:1px solid #ccc;border-radius:6px;margin:.8em 0;padding:.3em .8em;border-left:6px solid #1a4fa0}
    details.record.server{border-left-color:#b35c00;background:#fffaf4}
    details.record>summary{cursor:pointer;font-size:16px;padding:.3em 0}.dir{color:#555;font-weight:600}
    .time{color:#777;font-size:13px;font-weight:normal}.tag{font-size:12px;border-radius:3px;padding:0 .4em}
    .tag.enc{background:#5b2a86;color:#fff}.tag.clear{background:#e6e6e6}.tag.hook{background:#e3f1e5;color:#225a2b}
    details.message{margin:.6em 0 .6em 1em;border-left:3px solid #aaa;padding-left:.8em}details.message>summary{cursor:pointer;font-weight:600}
    .purpose{color:#444;font-style:italic;margin:.3em 0}
    .block{display:grid;grid-template-columns:minmax(0,1fr) 25em;gap:1.2em;align-items:start;margin:.4em 0}.block h4{grid-column:1/3}
    .tree{font-size:13.5px}.tree .f{padding:.12em .3em;border-bottom:1px solid #f0f0f0;display:block}
    .tree .name{font-weight:600}.tree .value{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px;color:#0b5394;word-break:break-all}
    .tree .meaning{color:#555}.tree .meaning::before{content:"— "}
    .tree details.group{margin-left:0}.tree details.group>details.group,.tree details.group>div.f{margin-left:1.4em}
    .tree summary.f{cursor:pointer;list-style-position:outside;margin-left:1em}
    .hex{line-height:1.6;word-spacing:-.1em}.hex span{border-radius:2px;padding:0 .05em}
    .c0{background:#dbe9ff}.c1{background:#ffe3c2}.c2{background:#d8f3d8}.c3{background:#f6d9f0}.c4{background:#fff3b0}.c5{background:#d9f1f5}.n{color:#666}
    .hl{outline:2px solid #d32f2f;background:#ffcdd2!important}.f.hl{outline:none}
    .opening,.appdata,.alertbox{margin:.6em 0;padding:.4em .9em;border-radius:5px}.opening{background:#f3eefa}.appdata{background:#eef7ef}
    .alertbox{background:#fdecea;border-left:5px solid #c62828}.plain{background:#fff;padding:.4em;border:1px solid #ccc;white-space:pre-wrap}
    .step{border-left:3px solid #5b2a86;padding-left:.8em;margin:.8em 0}.formula{font-family:ui-monospace,monospace;font-size:13px;color:#5b2a86}
    .out th{color:#5b2a86}.problem{color:#c62828;font-weight:bold}.hint{color:#555}footer{margin-top:2em;color:#666;font-size:13px}
    @media (max-width:900px){.block{grid-template-columns:1fr}}
    @media print{body{max-width:none;font-size:11px}.toc ol{columns:3}.block{grid-template-columns:1fr 22em}details{break-inside:avoid-page}.hl{outline:none}}
    """

    static let script = """
    (function(){
    function mark(el,on){var b=el.closest('.block');if(!b)return;var s=+el.dataset.s,e=+el.dataset.e;
    b.querySelectorAll('.hex span').forEach(function(x){if(+x.dataset.s>=s&&+x.dataset.e<=e)x.classList.toggle('hl',on);});
    b.querySelectorAll('.f[data-s]').forEach(function(x){if(x===el||(+x.dataset.s===s&&+x.dataset.e===e))x.classList.toggle('hl',on);});}
    document.querySelectorAll('.block .f[data-s],.hex span').forEach(function(el){
    el.addEventListener('mouseenter',function(){mark(el,true);});el.addEventListener('mouseleave',function(){mark(el,false);});});
    window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
    })();
    """
}
