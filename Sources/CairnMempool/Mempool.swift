import CairnCore
import CairnCrypto
import CairnState

/// The node's mempool: a `TransactionPool` behind an actor, fed from RPC and peers.
///
/// Signature recovery, the expensive part of admission, runs outside the actor in `verify`, so
/// concurrent submitters use every core, and so do the committed-id lookup and the module's check;
/// the actor only does the ordered part (pending check, account read, `TransactionPool.add`). Each transaction's signature is checked once and
/// the resulting `VerifiedTransaction` is what blocks are built from.
public actor Mempool {
    private var pool: TransactionPool
    private let state: any AccountReader
    private nonisolated let isCommitted: @Sendable (Hash32) throws -> UInt64?
    /// The runtime's stateful check against committed state (the module's rules: a delegation
    /// to a validator that exists, an unjail of a jailed one); returns the transaction's cost.
    /// Throws `TransactionRejection`.
    private nonisolated let admit: @Sendable (VerifiedTransaction) throws -> Amount
    /// Copied out of the pool so `verify` can check it without entering the actor.
    private nonisolated let maxTransactionBytes: Int

    /// `isCommitted` returns the height of the block holding a transaction id, or nil.
    public init(pool: TransactionPool, state: any AccountReader,
                isCommitted: @escaping @Sendable (Hash32) throws -> UInt64?,
                admit: @escaping @Sendable (VerifiedTransaction) throws -> Amount) {
        self.pool = pool
        self.state = state
        self.isCommitted = isCommitted
        self.admit = admit
        self.maxTransactionBytes = pool.limits.maxTransactionBytes
    }

    /// Size check, then the one signature check. Needs no pool state, so it runs on the caller's thread.
    public nonisolated func verify(_ tx: Transaction) throws(MempoolError) -> VerifiedTransaction {
        try verify(tx, encoding: tx.canonicalBytes)
    }

    /// Decodes a transaction received as bytes, then verifies it. Decoding is canonical, so the
    /// bytes are the encoding and are not rebuilt.
    public nonisolated func verify(encoded bytes: [UInt8]) throws(MempoolError) -> VerifiedTransaction {
        guard bytes.count <= maxTransactionBytes else { throw .tooLarge(size: bytes.count, limit: maxTransactionBytes) }
        let tx: Transaction
        do { tx = try Transaction.decode(bytes) } catch { throw .malformed(error.description) }
        return try verify(tx, encoding: bytes)
    }

    private nonisolated func verify(_ tx: Transaction, encoding: [UInt8]) throws(MempoolError) -> VerifiedTransaction {
        guard encoding.count <= maxTransactionBytes else { throw .tooLarge(size: encoding.count, limit: maxTransactionBytes) }
        do {
            return try VerifiedTransaction(tx, encoding: encoding)
        } catch {
            throw .invalidSignature(error.description)
        }
    }

    /// Decodes, verifies and runs the module's check off the actor, then admits. Returns the
    /// transaction id.
    @concurrent
    public nonisolated func submit(encoded bytes: [UInt8]) async throws(MempoolError) -> Hash32 {
        let vtx = try verify(encoded: bytes)
        return try await admit(checked: vtx, cost: try check(vtx))
    }

    /// Verifies and runs the module's check off the actor, then admits. Returns the transaction id.
    @concurrent
    public nonisolated func submit(_ tx: Transaction) async throws(MempoolError) -> Hash32 {
        let vtx = try verify(tx)
        return try await admit(checked: vtx, cost: try check(vtx))
    }

    /// The module's stateful check against committed state. It reads state only, so it runs on
    /// the caller's thread, in parallel with other submitters; a block committed meanwhile is
    /// caught by the pool's recheck and by block building. The committed-id lookup runs here
    /// too: committed ids only accumulate, and one committed after it is still refused on the
    /// actor, by its used nonce.
    private nonisolated func check(_ vtx: VerifiedTransaction) throws(MempoolError) -> Amount {
        do {
            if let height = try isCommitted(vtx.id) { throw MempoolError.alreadyCommitted(vtx.id, height: height) }
            return try admit(vtx)
        } catch let error as MempoolError {
            throw error
        } catch let rejection as TransactionRejection {
            throw .rejected(rejection)
        } catch {
            throw .stateUnavailable(String(describing: error))
        }
    }

    /// Admits an already verified transaction: the module's check, then what `admit(checked:)` does.
    @discardableResult
    public func submit(verified vtx: VerifiedTransaction) throws(MempoolError) -> Hash32 {
        try admit(checked: vtx, cost: try check(vtx))
    }

    /// Admits a verified and checked transaction: not pending, then `TransactionPool.add`
    /// against the sender's committed account. Returns the transaction id.
    private func admit(checked vtx: VerifiedTransaction, cost: Amount) throws(MempoolError) -> Hash32 {
        let account: Account
        do {
            // A resubmission is reported as such, not as a nonce the pool already holds.
            if pool.contains(vtx.id) { throw MempoolError.alreadyPending(vtx.id) }
            account = try state.account(vtx.sender)
        } catch let error as MempoolError {
            throw error
        } catch {
            throw .stateUnavailable(String(describing: error))
        }
        try pool.add(vtx, senderAccount: account, cost: cost)
        return vtx.id
    }

    public func reap(maxTransactions: Int, maxBytes: Int) -> [VerifiedTransaction] {
        pool.reap(maxTransactions: maxTransactions, maxBytes: maxBytes)
    }

    /// Called by the consensus driver after it commits a block, with the block's ids and its
    /// senders' new accounts; only those senders are rechecked. Returns the dropped ids.
    /// With `height` and `rules`, the pool also takes the rules in force after the block and
    /// expires what waited too long.
    @discardableResult
    public func blockCommitted(_ committedIDs: [Hash32], senderAccounts: [(Address, Account)],
                               height: UInt64? = nil, rules: AdmissionRules? = nil) -> [Hash32] {
        pool.blockCommitted(committedIDs, senderAccounts: senderAccounts, height: height, rules: rules)
    }

    /// Removes transactions a block builder found no longer apply (and their senders' later
    /// ones), recording the reason. Returns the removed ids.
    @discardableResult
    public func drop(_ skipped: [(id: Hash32, reason: TransactionRejection)]) -> [Hash32] {
        skipped.flatMap { pool.drop($0.id, reason: $0.reason.reason, "left out of a block: \($0.reason)") }
    }

    /// Why `id` left the pool uncommitted, while the pool remembers it.
    public func droppedReason(_ id: Hash32) -> DroppedTransaction? { pool.droppedReason(id) }

    /// The rules admission uses now.
    public var rules: AdmissionRules { pool.rules }

    public var count: Int { pool.count }
    public var bytes: Int { pool.bytes }
    /// Senders of the pooled transactions among `ids`: a proposal made of transactions this node
    /// already admitted is checked without recovering their signatures again.
    public func knownSenders(of ids: [Hash32]) -> [Hash32: Address] {
        var senders: [Hash32: Address] = [:]
        for id in ids {
            if let vtx = pool.transaction(id) { senders[id] = vtx.sender }
        }
        return senders
    }

    /// Counts for status and metrics.
    public var size: (transactions: Int, bytes: Int) { (pool.count, pool.bytes) }

    public func contains(_ id: Hash32) -> Bool { pool.contains(id) }
    public func transaction(_ id: Hash32) -> VerifiedTransaction? { pool.transaction(id) }
    public func nextNonce(for sender: Address, accountNonce: UInt64) -> UInt64 {
        pool.nextNonce(for: sender, accountNonce: accountNonce)
    }
    public func pending(for sender: Address) -> [VerifiedTransaction] { pool.pending(for: sender) }
}
