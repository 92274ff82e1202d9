import CairnCore
import CairnCrypto
import CairnState
import CairnStorage
import Testing

/// A block built and signed by one node verifies on another; any change to it is caught by the
/// rule it breaks.
@Suite("Block verifier")
struct BlockVerifierTests {
    let genesis = makeGenesis(balances: [(TestKeys.alice.address, 1_000), (TestKeys.bob.address, 500)])

    var verifier: BlockVerifier {
        BlockVerifier(executor: executor)
    }

    func genesisTip(_ db: ChainDatabase) throws -> ChainTip { try #require(try db.tip()) }

    /// A block with two transfers on top of genesis, built by the proposer, and its commit.
    func built(_ db: ChainDatabase) throws -> (Block, Commit) {
        let candidates = [transfer(from: TestKeys.alice, to: TestKeys.carol.address, amount: 100, nonce: 0),
                          transfer(from: TestKeys.bob, to: TestKeys.alice.address, amount: 50, nonce: 0)]
        let b = try BlockBuilder(executor: executor)
            .build(parent: try genesisTip(db), time: genesis.genesisTime + 1_000, proposer: TestKeys.proposer.address,
                   candidates: candidates, database: db)
        return (b.block, sign(b.block))
    }

    func sign(_ block: Block, by key: PrivateKey = TestKeys.proposer) -> Commit {
        let payload = VoteSigningPayload(chainID: chainID, type: .precommit, height: block.header.height, round: 0, blockID: block.id)
        return Commit(height: block.header.height, round: 0, blockID: block.id,
                      signatures: [CommitSignature(validator: key.address, signature: key.sign(digest: payload.signingHash))])
    }

    func verify(_ block: Block, _ commit: Commit, _ db: ChainDatabase) throws -> BlockWrite {
        try verifier.verify(block, commit: commit, parent: try genesisTip(db), parentTime: genesis.genesisTime, validators: genesis.validators, database: db)
    }

    @Test func aBuiltBlockVerifiesAndCommits() throws {
        try withChain(genesis) { db in
            let (block, commit) = try built(db)
            let write = try verify(block, commit, db)
            #expect(write.transactionIDs == block.transactions.map(\.id))
            #expect(write.senders == [TestKeys.alice.address, TestKeys.bob.address])
            try db.commit(write)
            #expect(try db.account(TestKeys.carol.address) == Account(balance: 100, nonce: 0))
            #expect(try db.tip()?.stateRoot == block.header.stateRoot)
        }
    }

    /// Re-signs a changed header so only the rule under test can fail (not the commit).
    func expectRejected(_ change: (inout Block) -> Void, _ check: (BlockValidationError) -> Bool) throws {
        try withChain(genesis) { db in
            var (block, _) = try built(db)
            change(&block)
            #expect {
                _ = try verify(block, sign(block), db)
            } throws: { error in
                guard let e = error as? BlockValidationError else { return false }
                return check(e)
            }
            #expect(try db.tip()?.height == 0)
        }
    }

    @Test func headerRules() throws {
        try expectRejected({ $0.header.chainID = "other" }) { if case .wrongChain = $0 { true } else { false } }
        try expectRejected({ $0.header.protocolVersion = 2 }) { if case .wrongProtocolVersion = $0 { true } else { false } }
        try expectRejected({ $0.header.height = 2 }) { if case .wrongHeight = $0 { true } else { false } }
        try expectRejected({ $0.header.previousBlockID = .zero }) { if case .wrongPreviousBlock = $0 { true } else { false } }
        try expectRejected({ $0.header.time = genesis.genesisTime }) { if case .timeNotAfterParent = $0 { true } else { false } }
        try expectRejected({ $0.header.proposer = TestKeys.carol.address }) { if case .proposerNotValidator = $0 { true } else { false } }
        try expectRejected({ $0.header.transactionsRoot = .zero }) { if case .transactionsRootMismatch = $0 { true } else { false } }
        try expectRejected({ $0.header.attestationsRoot = .zero }) { if case .attestationsRootMismatch = $0 { true } else { false } }
        try expectRejected({ $0.header.stateRoot = .zero }) { if case .stateRootMismatch = $0 { true } else { false } }
    }

    /// The seed (Specs/depin/randomness.md §3): the proposer's own key, its VRF proof over the
    /// parent's seed and the height, and the proof's output. A proposer cannot pick another seed.
    @Test func sealRules() throws {
        let genesisSeed = BlockSeed.genesis(genesisHash: genesis.hash)
        func problem(_ expected: BlockSeal.Problem) -> (BlockValidationError) -> Bool {
            { if case .badSeal(let p) = $0 { p == expected } else { false } }
        }
        try expectRejected({ $0.header.seal = TestKeys.carol.seal(previousSeed: genesisSeed, height: 1) },
                           problem(.keyIsNotTheProposers(key: TestKeys.carol.address, proposer: TestKeys.proposer.address)))
        // A seal proved over another input (a ground previous seed, another height) does not verify.
        try expectRejected({ $0.header.seal = TestKeys.proposer.seal(previousSeed: .zero, height: 1) }) {
            if case .badSeal(.badProof) = $0 { true } else { false }
        }
        try expectRejected({ $0.header.seal = TestKeys.proposer.seal(previousSeed: genesisSeed, height: 2) }) {
            if case .badSeal(.badProof) = $0 { true } else { false }
        }
        // The right proof with a seed the proposer would prefer.
        try expectRejected({ block in
            block.header.seal.seed = .zero
        }, problem(.seedIsNotTheProofsOutput(seed: .zero, output: TestKeys.proposer.seal(previousSeed: genesisSeed, height: 1).seed)))
    }

    @Test func bodyRules() throws {
        // Dropping a transaction breaks the transactions root; reordering breaks execution (nonce
        // order) once the root is fixed to match.
        try expectRejected({ $0.transactions.removeLast() }) { if case .transactionsRootMismatch = $0 { true } else { false } }
        try expectRejected({ block in
            block.transactions.append(transfer(from: TestKeys.alice, to: TestKeys.bob.address, amount: 1, nonce: 5).transaction)
            block.header.transactionsRoot = MerkleRoot.of(block.transactions.map(\.id))
        }) { if case .invalidTransaction(let e) = $0 { e.index == 2 } else { false } }
        try expectRejected({ block in
            block.transactions.append(transfer(from: TestKeys.alice, to: TestKeys.bob.address, amount: 10_000, nonce: 1).transaction)
            block.header.transactionsRoot = MerkleRoot.of(block.transactions.map(\.id))
        }) { if case .invalidTransaction(let e) = $0 { e.rejection == .insufficientFunds(needed: 10_010, available: 900 + 50 - 10) } else { false } }
        // A tampered amount changes who the signature recovers as sender: that account has no funds.
        try expectRejected({ block in
            guard case .transfer(let to, _)? = try? BankModule.decode(block.transactions[0].operation) else { return }
            block.transactions[0].unsigned.operation = .transfer(to: to, amount: 99)
            block.header.transactionsRoot = MerkleRoot.of(block.transactions.map(\.id))
        }) { error in
            switch error {
            case .invalidTransaction, .badSignature: true
            default: false
            }
        }
    }

    /// The limits are the consensus parameters in the parent's state: the same block checked on
    /// a chain whose state says one transaction per block is too big.
    @Test func limits() throws {
        let (block, commit) = try withChain(genesis) { db in try built(db) }
        let tightGenesis = makeGenesis(balances: [(TestKeys.alice.address, 1_000), (TestKeys.bob.address, 500)],
                                       parameters: ConsensusParameters(maxBlockTransactions: 1, maxBlockBytes: 1 << 20, minTransactionFee: 10))
        try withChain(tightGenesis) { db in
            var elsewhere = block
            elsewhere.header.previousBlockID = tightGenesis.hash
            elsewhere.header.seal = sealer(of: block.header.proposer)
                .seal(previousSeed: BlockSeed.genesis(genesisHash: tightGenesis.hash), height: 1)
            #expect(throws: BlockValidationError.tooManyTransactions(count: 2, limit: 1)) {
                _ = try verifier.verify(elsewhere, commit: commit, parent: try genesisTip(db), parentTime: genesis.genesisTime,
                                        validators: genesis.validators, database: db)
            }
        }
    }

    @Test func commitRules() throws {
        try withChain(genesis) { db in
            let (block, commit) = try built(db)
            // Signed by a key outside the validator set.
            #expect {
                _ = try verify(block, sign(block, by: TestKeys.carol), db)
            } throws: { error in
                if case .invalidCommit(.unknownValidator) = error as? BlockValidationError { true } else { false }
            }
            // A commit for another block.
            var other = commit
            other.blockID = .zero
            #expect {
                _ = try verify(block, other, db)
            } throws: { error in
                if case .invalidCommit(.wrongBlock) = error as? BlockValidationError { true } else { false }
            }
            #expect(try db.tip()?.height == 0)
        }
    }
}
