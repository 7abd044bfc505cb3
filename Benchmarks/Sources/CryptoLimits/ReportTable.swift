import Foundation

/// The human-readable form of a ``LimitsReport``: one row per item.
extension LimitsReport {
    func table() -> String {
        let ecdsaSource = ecdsaKeyPath ?? "generated"
        var lines = [
            "crypto-limits: GnuTLS \(gnutlsVersion), nettle \(nettleVersion), one thread, "
                + "\(Self.number(secondsPerItem, 2)) s per item",
            "RSA key \(rsaKeyPath) (\(rsaBits) bits); ECDSA P-256 key \(ecdsaSource)",
            "",
            Self.row("item", "ops/s", "µs/op", "throughput"),
        ]
        for item in measurements {
            let throughput = item.bytesPerSecond.map { String(format: "%.1f MiB/s", $0 / 1_048_576) } ?? ""
            lines.append(Self.row(
                item.name,
                Self.number(item.operationsPerSecond, 1),
                Self.number(item.microsecondsPerOperation, 2),
                throughput
            ))
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ name: String, _ rate: String, _ time: String, _ throughput: String) -> String {
        pad(name, 20) + padLeft(rate, 14) + padLeft(time, 12) + (throughput.isEmpty ? "" : padLeft(throughput, 16))
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
