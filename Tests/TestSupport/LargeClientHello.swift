/// The large ClientHellos that must be answered at once: a real hello enlarged and cut into records.
public enum LargeClientHello: String, CaseIterable, Sendable {
    /// A 4 KiB unknown extension, the hello in 1,024-byte records.
    case extension4KiBIn1024ByteRecords
    /// A 4 KiB unknown extension, the hello in 20 records.
    case extension4KiBIn20Records
    /// A 16 KiB unknown extension: the hello spans two records.
    case extension16KiB
    /// A 32 KiB unknown extension: the hello spans three records.
    case extension32KiB
    /// 10,000 unknown cipher suites before the real ones.
    case tenThousandCipherSuites
    /// A padding extension that makes the extensions 64 KiB long.
    case padding64KiB
    /// 4,096 empty unknown extensions before the real ones.
    case emptyExtensions4096

    /// The records of the enlarged hello made from `flight` (a client's first flight); nil if the
    /// flight holds no ClientHello.
    public func records(from flight: [UInt8]) -> [UInt8]? {
        guard var hello = ClientHelloMessage(flight: flight) else { return nil }
        switch self {
        case .extension4KiBIn1024ByteRecords, .extension4KiBIn20Records:
            hello.prepend(extension: 0x4242, body: [UInt8](repeating: 0x42, count: 4096))
        case .extension16KiB:
            hello.prepend(extension: 0x4242, body: [UInt8](repeating: 0x42, count: 16 * 1024))
        case .extension32KiB:
            hello.prepend(extension: 0x4242, body: [UInt8](repeating: 0x42, count: 32 * 1024))
        case .tenThousandCipherSuites:
            hello.addUnknownCipherSuites(10_000)
        case .padding64KiB:
            hello.pad(extensionsTo: 65535)
        case .emptyExtensions4096:
            let empty = (0..<4096).map { (type: UInt16(0x2000 + $0), body: [UInt8]()) }
            hello.extensions = empty + hello.extensions
        }
        let message = hello.message
        switch self {
        case .extension4KiBIn1024ByteRecords: return TLSRecords.frame(message, recordSize: 1024)
        case .extension4KiBIn20Records: return TLSRecords.frame(message, recordSize: (message.count + 19) / 20)
        default: return TLSRecords.frame(message, recordSize: 16 * 1024)
        }
    }
}
