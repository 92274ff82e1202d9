import CairnFuzzChecks

/// libFuzzer entry point for `GenesisChecks`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGenesis(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let problem = GenesisChecks.check(data) { fatalError(problem) }
    return 0
}
