import CairnFuzzChecks

/// libFuzzer entry point: `CanonicalChecks` (canonical decoding of transactions, blocks, headers, commits, accounts).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCanonical(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let problem = CanonicalChecks.check(data) { fatalError(problem) }
    return 0
}
