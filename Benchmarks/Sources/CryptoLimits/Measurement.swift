/// How many times one operation ran in how long, and what that makes per second.
struct Measurement: Sendable {
    /// The item's name in the report (`rsa2048SignPSS`).
    let name: String
    let operations: Int
    let seconds: Double
    /// Bytes processed per operation, for throughput items (AEAD); nil otherwise.
    let bytesPerOperation: Int?

    var operationsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
    var microsecondsPerOperation: Double { operations > 0 ? seconds * 1_000_000 / Double(operations) : 0 }
    var bytesPerSecond: Double? { bytesPerOperation.map { Double($0) * operationsPerSecond } }
}
