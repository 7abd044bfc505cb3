import Foundation

/// Replays inputs through a fuzz target without libFuzzer: what a fuzz executable does in a
/// normal build (`swift run Fuzz ServerSession crash-…`), and what the regression test does.
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

    /// The `Fuzz` executable's `main` in a normal build: replays the files and directories named
    /// after the target's name, prints one line and exits (status 2 for bad usage or an
    /// unreadable file).
    package static func main() -> Never {
        exit(status(arguments: CommandLine.arguments))
    }

    /// Replays, through the target named by the first argument after the program name, the files
    /// and directories that follow, and prints one line; returns the exit status.
    package static func status(arguments: [String]) -> Int32 {
        let words = Array(arguments.dropFirst()).filter { !$0.hasPrefix("-") }
        guard let name = words.first, let target = FuzzTarget(rawValue: name), words.count > 1 else {
            print("usage: Fuzz TARGET FILE_OR_DIRECTORY...   (replays inputs; TARGET is one of \(FuzzTargetSelection.names); build with -sanitize=fuzzer -DFUZZING and set FUZZ_TARGET to fuzz)")
            return 2
        }
        do {
            let count = try replay(target, paths: Array(words.dropFirst()))
            print("Fuzz \(target.rawValue): replayed \(count) inputs, no crash")
            return 0
        } catch {
            print("Fuzz \(target.rawValue): \(error.localizedDescription)")
            return 2
        }
    }
}
