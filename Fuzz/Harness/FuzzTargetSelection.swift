import Foundation

/// How the `Fuzz` executable learns which target to drive.
package enum FuzzTargetSelection {
    /// The names to choose from, for usage lines.
    package static var names: String { FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ") }

    /// The target `FUZZ_TARGET` names; prints a usage line and exits with status 2 when it names none.
    package static func fromEnvironment() -> FuzzTarget {
        let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let problem = name.isEmpty ? "FUZZ_TARGET is not set" : "FUZZ_TARGET names no target: '\(name)'"
            FileHandle.standardError.write(Data("Fuzz: \(problem); one of \(names)\n".utf8))
            exit(2)
        }
        return target
    }
}
