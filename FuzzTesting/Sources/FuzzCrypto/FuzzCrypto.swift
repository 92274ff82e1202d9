import CairnFuzzChecks

/// libFuzzer entry point for `CryptoChecks`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCrypto(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let problem = CryptoChecks.check(data) { fatalError(problem) }
    return 0
}
