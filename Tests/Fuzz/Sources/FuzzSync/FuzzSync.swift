import WireFuzzChecks

/// libFuzzer entry point: `SyncFuzzCheck.run` on each input; a broken invariant traps, so libFuzzer
/// saves the input as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSync(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        _ = try SyncFuzzCheck.run(Array(UnsafeBufferPointer(start: data, count: size)))
    } catch {
        fatalError("SyncFuzzCheck: \(error)")
    }
    return 0
}

/// libFuzzer calls this once before fuzzing: with IDEAMESH_FUZZ_WRITE_SEEDS set, the target
/// writes its seed corpus there and exits instead (run.sh --seeds).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutableRawPointer, _ argv: UnsafeMutableRawPointer) -> CInt {
    FuzzSeed.writeIfAsked(SyncFuzzCheck.seeds())
    return 0
}
