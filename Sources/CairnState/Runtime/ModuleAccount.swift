import CairnCore
import CairnCrypto

/// Accounts that belong to a module rather than a key (Specs/runtime.md §6): the fee collector,
/// emission pools, escrow, the treasury. Each is an ordinary account entry, so its balance is
/// visible with `state_getAccount` and provable with `state_getProof`; no key can sign for it,
/// so only its module moves its tokens.
public enum ModuleAccount {
    /// address = the last 20 bytes of SHA-256(encode_string("cairn/module-account/v1") ‖ encode_string(name)).
    public static func address(_ name: String) -> Address {
        var writer = CanonicalWriter()
        writer.write(string: "cairn/module-account/v1")
        writer.write(string: name)
        return Address(unchecked: Array(Hash32.sha256(writer.bytes).bytes.suffix(20)))
    }

    /// Where every transaction's fee goes; modules that pay out fees (staking) sweep it.
    public static let feeCollectorName = "fee_collector"
    public static let feeCollector = address(feeCollectorName)
}
