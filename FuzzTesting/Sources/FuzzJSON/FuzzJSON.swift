import CairnRPC
import Dispatch

/// libFuzzer entry point for the JSON-RPC endpoint's input path: every HTTP body goes through
/// `JSONText.parse` and then `JSONRPCDispatcher.handle(body:)`.
///
/// Checks: parsing throws or returns, never traps; an accepted document serialises to JSON that
/// parses back to an equal value; the dispatcher (here with an empty registry, so every method
/// is unknown, which still walks the request-shape rules) answers with parseable JSON or nothing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let value = try? JSONText.parse(data) {
        let text = JSONText.bytes(value)
        guard let again = try? JSONText.parse(text), again == value else {
            fatalError("JSON \(String(decoding: data, as: UTF8.self)) serialises as \(String(decoding: text, as: UTF8.self)), which does not parse back to the same value")
        }
    }
    let done = DispatchSemaphore(value: 0)
    Task {
        if let response = await FuzzJSONDispatcher.shared.handle(body: data) {
            if (try? JSONText.parse(response)) == nil {
                fatalError("dispatcher answered \(String(decoding: data, as: UTF8.self)) with invalid JSON \(String(decoding: response, as: UTF8.self))")
            }
        }
        done.signal()
    }
    done.wait()
    return 0
}

enum FuzzJSONDispatcher {
    static let shared = JSONRPCDispatcher(registry: RPCRegistry())
}
