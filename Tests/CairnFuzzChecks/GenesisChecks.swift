import CairnState
import CairnCore

/// A genesis file is operator input, but a node must still reject a bad one with an error, not a
/// crash. Accepted files are also hashed, as `cairn init`/`start` do.
public enum GenesisChecks {
    public static func check(_ data: [UInt8]) -> String? {
        guard let genesis = try? GenesisFile.parse(data) else { return nil }
        _ = genesis.hash
        guard !genesis.validators.validators.isEmpty else { return "genesis accepted with no validators" }
        return nil
    }
}
