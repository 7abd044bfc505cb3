import Foundation

/// Replays inputs through a fuzz target without libFuzzer: what a fuzz executable does in a
/// normal build (`swift run FuzzServerSession crash-…`), and what the regression test does.
package enum CorpusReplay {
    /// The regular files at `path` (a file, or the files directly inside a directory), sorted.
    package static func inputFiles(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        guard isDirectory.boolValue else { return [path] }
        return try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { !$0.hasPrefix(".") }
            .sorted()
            .map { path + "/" + $0 }
    }

    /// Runs every input file at `paths` through `target`; returns how many ran.
    package static func replay(_ target: FuzzTarget, paths: [String]) throws -> Int {
        var count = 0
        for path in paths {
            for file in try inputFiles(at: path) {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                target.run([UInt8](data))
                count += 1
            }
        }
        return count
    }

    /// A fuzz executable's `main` in a normal build: replays the files and directories named by
    /// the arguments, prints one line and exits (status 2 for bad usage or an unreadable file).
    package static func main(_ target: FuzzTarget) -> Never {
        exit(status(target, arguments: CommandLine.arguments))
    }

    /// Replays the files and directories in `arguments` (after the program name) and prints one
    /// line; returns the exit status.
    package static func status(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        let paths = Array(arguments.dropFirst()).filter { !$0.hasPrefix("-") }
        guard !paths.isEmpty else {
            print("usage: Fuzz\(target.rawValue) FILE_OR_DIRECTORY...   (replays inputs; build with -sanitize=fuzzer -DFUZZING to fuzz)")
            return 2
        }
        do {
            let count = try replay(target, paths: paths)
            print("Fuzz\(target.rawValue): replayed \(count) inputs, no crash")
            return 0
        } catch {
            print("Fuzz\(target.rawValue): \(error.localizedDescription)")
            return 2
        }
    }
}
