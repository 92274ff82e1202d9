import CairnCore
import CairnCrypto

/// Pending account changes on top of committed state, for executing one block.
/// Lookups go to the overlay first; `changes` lists touched accounts in address order.
public struct StateOverlay {
    private let base: any AccountReader
    private var dirty: [Address: Account] = [:]

    public init(base: any AccountReader) { self.base = base }

    public mutating func account(_ address: Address) throws -> Account {
        if let a = dirty[address] { return a }
        let a = try base.account(address)
        dirty[address] = a
        return a
    }

    public mutating func set(_ address: Address, _ account: Account) { dirty[address] = account }

    /// Touched accounts sorted by address: the order state commitment and storage use.
    public var changes: [(address: Address, account: Account)] {
        dirty.keys.sorted().map { ($0, dirty[$0]!) }
    }
}
