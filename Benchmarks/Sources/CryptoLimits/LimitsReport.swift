import Foundation

/// The measurements of one run with what they were measured with, rendered as JSON (for
/// the benchmark driver) or as a table (for people).
struct LimitsReport {
    let gnutlsVersion: String
    let nettleVersion: String
    let secondsPerItem: Double
    let rsaKeyPath: String
    let rsaBits: Int
    /// The ECDSA key's file, or nil when it was generated.
    let ecdsaKeyPath: String?
    let measurements: [Measurement]

    /// Pretty-printed JSON with the items in measuring order, each with `opsPerSecond` and
    /// `microsecondsPerOp` (and `bytesPerSecond` for the AEAD items).
    func json() -> String {
        var lines = ["{"]
        lines.append("  \"tool\": \"crypto-limits\",")
        lines.append("  \"gnutls\": \(Self.quoted(gnutlsVersion)),")
        lines.append("  \"nettle\": \(Self.quoted(nettleVersion)),")
        lines.append("  \"threads\": 1,")
        lines.append("  \"secondsPerItem\": \(Self.number(secondsPerItem, 3)),")
        lines.append("  \"rsaKey\": {\"path\": \(Self.quoted(rsaKeyPath)), \"bits\": \(rsaBits)},")
        lines.append("  \"ecdsaKey\": {\"source\": \(Self.quoted(ecdsaKeyPath ?? "generated")), \"curve\": \"secp256r1\"},")
        lines.append("  \"items\": {")
        for (index, item) in measurements.enumerated() {
            var fields = [
                "\"opsPerSecond\": \(Self.number(item.operationsPerSecond, 1))",
                "\"microsecondsPerOp\": \(Self.number(item.microsecondsPerOperation, 3))",
            ]
            if let bytesPerSecond = item.bytesPerSecond, let bytesPerOperation = item.bytesPerOperation {
                fields.append("\"bytesPerSecond\": \(Self.number(bytesPerSecond, 0))")
                fields.append("\"bytesPerOp\": \(bytesPerOperation)")
            }
            fields.append("\"operations\": \(item.operations)")
            fields.append("\"seconds\": \(Self.number(item.seconds, 4))")
            let comma = index == measurements.count - 1 ? "" : ","
            lines.append("    \(Self.quoted(item.name)): {\(fields.joined(separator: ", "))}\(comma)")
        }
        lines.append("  }")
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// `value` with `decimals` digits after the point (a valid JSON number).
    static func number(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        return String(format: "%.\(decimals)f", value)
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
