import CairnCore
import CairnCrypto

/// Pending account changes on top of committed state, for executing one block.
/// Reads are cached apart from writes, so only accounts a transaction actually set count as
/// changes; `atomically` undoes a failed transaction's writes.
public struct StateOverlay {
    private let base: any AccountReader
    private var read: [Address: Account] = [:]
    private var dirty: [Address: Account] = [:]
    /// Previous dirty values of what the running `atomically` body set, to roll back on failure.
    private var undo: [(Address, Account?)] = []

    public init(base: any AccountReader) { self.base = base }

    public mutating func account(_ address: Address) throws -> Account {
        if let a = dirty[address] ?? read[address] { return a }
        let a = try base.account(address)
        read[address] = a
        return a
    }

    public mutating func set(_ address: Address, _ account: Account) {
        undo.append((address, dirty[address]))
        dirty[address] = account
    }

    /// Runs `body`; if it throws, every `set` it made is undone. Cost ∝ what the body set,
    /// never the size of the overlay.
    public mutating func atomically<T>(_ body: (inout StateOverlay) throws -> T) rethrows -> T {
        undo.removeAll(keepingCapacity: true)
        do {
            return try body(&self)
        } catch {
            for (address, previous) in undo.reversed() { dirty[address] = previous }
            undo.removeAll(keepingCapacity: true)
            throw error
        }
    }

    /// Accounts set so far, sorted by address: the order state commitment and storage use.
    public var changes: [(address: Address, account: Account)] {
        dirty.keys.sorted().map { ($0, dirty[$0]!) }
    }
}
