import FuzzHarness

/// The target this process drives, chosen in `main` before any input arrives.
nonisolated(unsafe) private var selectedTarget = FuzzTarget.serverSession

/// libFuzzer's entry point: one input through the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selectedTarget.fuzzerTestOneInput(data, size)
}

/// Fuzzing build (`-DFUZZING`): libFuzzer runs the target named by `FUZZ_TARGET`, with the whole
/// command line for itself (its own options and corpus directories; `-fork` and `-jobs` restart
/// this program with the same environment). Normal build: replays input files through a target,
/// `swift run Fuzz ServerSession crash-…`.
@main
enum Main {
    static func main() {
        #if FUZZING
        selectedTarget = FuzzTargetSelection.fromEnvironment()
        LibFuzzerDriver.main(fuzzerTestOneInput)
        #else
        CorpusReplay.main()
        #endif
    }
}
