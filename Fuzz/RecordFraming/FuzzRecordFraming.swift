import FuzzHarness

/// libFuzzer's entry point: one input through the RecordFraming target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.recordFraming.fuzzerTestOneInput(data, size)
}

/// Fuzzing build: libFuzzer runs. Normal build: replays the input files and directories given
/// as arguments (`swift run FuzzRecordFraming crash-…`).
@main
enum Main {
    static func main() {
        #if FUZZING
        LibFuzzerDriver.main(fuzzerTestOneInput)
        #else
        CorpusReplay.main(.recordFraming)
        #endif
    }
}
