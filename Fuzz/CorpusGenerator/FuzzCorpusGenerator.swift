import Foundation
import FuzzHarness

/// Writes the seed corpora: one real exchange per table version, recorded in memory, becomes
/// `DIRECTORY/<Target>/<seed>` for every fuzz target (default directory: `Fuzz/Corpus`). Each
/// target's folder is emptied first, so the corpus is exactly what this run recorded.
@main
enum FuzzCorpusGenerator {
    static func main() throws {
        let root = CommandLine.arguments.dropFirst().first ?? "Fuzz/Corpus"
        let seeds = try SeedRecorder.seeds()
        for target in FuzzTarget.allCases {
            let directory = root + "/" + target.rawValue
            if FileManager.default.fileExists(atPath: directory) {
                for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
                    try FileManager.default.removeItem(atPath: directory + "/" + file)
                }
            }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let list = seeds[target] ?? []
            for seed in list {
                try Data(seed.bytes).write(to: URL(fileURLWithPath: directory + "/" + seed.name))
            }
            print("\(directory): \(list.count) seeds, \(list.reduce(0) { $0 + $1.bytes.count }) bytes")
        }
    }
}
