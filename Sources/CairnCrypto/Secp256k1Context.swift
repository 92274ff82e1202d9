import CSecp256k1

/// The one libsecp256k1 context the process uses. Creating a context per call is expensive, so
/// it is made once, randomized once (side-channel blinding for signing) and shared.
///
/// `@unchecked Sendable`: libsecp256k1 documents a context as safe for concurrent use by any
/// number of threads once created and randomized; only `secp256k1_context_randomize` and
/// `secp256k1_context_destroy` need exclusive access, and they run only in `init` and `deinit`.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create failed")
        }
        var rng = SystemRandomNumberGenerator()
        var seed = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        guard secp256k1_context_randomize(context, &seed) == 1 else {
            fatalError("secp256k1_context_randomize failed")
        }
        pointer = context
    }

    deinit { secp256k1_context_destroy(pointer) }
}
