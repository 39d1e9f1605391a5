#if canImport(Glibc)
import Glibc
#endif

/// Gives malloc's free pages back to the system (glibc's `malloc_trim`). A large catch-up leaves
/// them in the arenas of the threads that did the work, where they would count as the idle
/// daemon's resident memory for as long as it runs. The benchmarks use it between phases too.
package enum MemoryTrim {
    /// `malloc_trim(0)` where the C library has it (glibc); nothing elsewhere. It is looked up at
    /// run time: Swift's Glibc module does not import <malloc.h>.
    package static func trim() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
