import SecureSockets

/// The record scanner (``TLSRecordScanner``) fed a byte stream cut into reads by a
/// ``FeedPlan``. Checks that the split does not matter (the same records as from one read) and
/// that the records re-encode to exactly the bytes they came from.
package enum RecordFramingFuzzer {
    /// Runs one input; returns the records found.
    @discardableResult
    package static func run(_ data: some Collection<UInt8>) -> [TLSRecordScanner.Record] {
        let plan = FeedPlan(data)
        var whole = TLSRecordScanner()
        let expected = whole.append(plan.payload)
        var split = TLSRecordScanner()
        var records: [TLSRecordScanner.Record] = []
        for chunk in plan.chunks { records += split.append(chunk) }
        precondition(records == expected, "the records depend on how the stream was split into reads")
        var encoded: [UInt8] = []
        for record in records {
            precondition(record.body.count <= 0xffff, "a record body longer than its 16-bit length field")
            encoded += [record.type, UInt8(record.version >> 8), UInt8(record.version & 0xff),
                        UInt8(record.body.count >> 8), UInt8(record.body.count & 0xff)] + record.body
        }
        precondition(encoded[...] == plan.payload.prefix(encoded.count), "the records do not re-encode to the input")
        for record in records {
            _ = TLSWire.ContentType(rawValue: record.type)
            _ = TLSWire.versionName(record.version)
            if record.type == TLSWire.ContentType.alert.rawValue, record.body.count >= 2 {
                _ = TLSWire.alertName(record.body[1])
            }
            if record.type == TLSWire.ContentType.handshake.rawValue, let type = record.body.first {
                _ = TLSWire.handshakeName(type)
            }
        }
        return records
    }
}
