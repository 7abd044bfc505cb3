import Foundation

/// A temporary directory removed when the value is released.
public final class TemporaryDirectory {
    /// The directory's path.
    public let path: String

    /// Creates a new, empty directory under the system's temporary folder.
    public init() throws {
        path = NSTemporaryDirectory() + "tlshello-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` inside the directory and returns its path.
    public func write(_ name: String, _ text: String) throws -> String {
        let file = file(name)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
