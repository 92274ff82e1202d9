import CairnCore
import CairnCrypto

/// The property every canonical decoder must have on arbitrary bytes: it throws or returns, never
/// traps, and whatever it accepts is the one encoding of the value (re-encoding gives the input
/// back, and decoding that again gives an equal value). A violation is returned as a message so
/// the entry point can trap on it and libFuzzer records the input.
public enum CanonicalChecks {
    /// The types a client or peer can make a node decode, picked by the input's first byte.
    public static let typeNames = [
        "Transaction", "Block", "BlockHeader", "Commit", "Account",
        "UnsignedTransaction", "CommitSignature", "TransactionLocation", "TransactionResult",
    ]

    /// `data[0] % typeNames.count` picks the type, the rest is the encoding.
    public static func check(_ data: [UInt8]) -> String? {
        guard let selector = data.first else { return nil }
        let body = Array(data.dropFirst())
        switch Int(selector) % typeNames.count {
        case 0: return checkTransaction(body)
        case 1: return roundTrip(Block.self, body)
        case 2: return roundTrip(BlockHeader.self, body)
        case 3: return checkCommit(body)
        case 4: return roundTrip(Account.self, body)
        case 5: return roundTrip(UnsignedTransaction.self, body)
        case 6: return roundTrip(CommitSignature.self, body)
        case 7: return roundTrip(TransactionLocation.self, body)
        default: return roundTrip(TransactionResult.self, body)
        }
    }

    /// The path `tx_send` takes: size-limited decode, then sender recovery.
    static func checkTransaction(_ bytes: [UInt8]) -> String? {
        guard let tx = try? Transaction.decode(bytes) else { return nil }
        if let problem = compare(tx, bytes) { return problem }
        // Recovery must throw or succeed on any signature the decoder accepted.
        _ = try? VerifiedTransaction(tx, encoding: bytes)
        return nil
    }

    /// A commit arrives from a peer with a block: decode it, then verify it against a validator
    /// set made of its own signers, so verification walks every signature.
    static func checkCommit(_ bytes: [UInt8]) -> String? {
        guard let commit = try? Commit(canonicalBytes: bytes) else { return nil }
        if let problem = compare(commit, bytes) { return problem }
        let set = ValidatorSet(commit.signatures.map { Validator(address: $0.validator, power: 1) })
        _ = try? set.verify(commit: commit, chainID: "fuzz", height: commit.height, blockID: commit.blockID)
        return nil
    }

    static func roundTrip<T: CanonicalCodable & Equatable>(_ type: T.Type, _ bytes: [UInt8]) -> String? {
        guard let value = try? T(canonicalBytes: bytes) else { return nil }
        return compare(value, bytes)
    }

    static func compare<T: CanonicalCodable & Equatable>(_ value: T, _ bytes: [UInt8]) -> String? {
        let again = value.canonicalBytes
        guard again == bytes else {
            return "\(T.self): decoded \(Hex.encode(bytes)) but re-encodes as \(Hex.encode(again))"
        }
        guard let twice = try? T(canonicalBytes: again), twice == value else {
            return "\(T.self): the re-encoding \(Hex.encode(again)) does not decode to the same value"
        }
        return nil
    }
}
