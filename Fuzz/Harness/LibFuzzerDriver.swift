#if FUZZING
import CLibFuzzer
import Foundation

/// The `Fuzz` executable's `main` in a fuzzing build (`-DFUZZING`, `-sanitize=fuzzer`): hands the
/// command line to libFuzzer. SwiftPM gives every executable its own `main`, so libFuzzer's is
/// not used; its driver is called instead.
package enum LibFuzzerDriver {
    /// Runs libFuzzer over `entry` (the target's `LLVMFuzzerTestOneInput`) and exits with its status.
    package static func main(_ entry: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, entry))
    }
}
#endif
