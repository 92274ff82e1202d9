import CairnFuzzChecks

/// libFuzzer entry point for `MerkleChecks`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMerkle(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let problem = MerkleChecks.check(data) { fatalError(problem) }
    return 0
}
