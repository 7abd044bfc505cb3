#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator returns freed memory at the top of the heap to the kernel once 128 KiB are
/// free, and a busy TLS connection frees and reallocates its record buffers constantly: each
/// return costs page faults on the next allocation. Keeping up to 32 MiB of freed memory for
/// reuse made the echo stream about a third faster here; the memory stays available to the
/// process, it is only not handed back at once.
enum MallocTuning {
    /// `M_TRIM_THRESHOLD` of `<malloc.h>`, which the Glibc module does not import.
    private static let trimThreshold: Int32 = -1

    /// Applies the setting for this process (call once, early). Without glibc's `mallopt` (another
    /// C library), nothing changes.
    static func keepFreedMemory() {
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: MallOpt.self)(trimThreshold, 32 << 20)
    }
}
