import CairnCore
import CairnCrypto
@testable import CairnState
import CairnStorage
import Foundation
import Testing

/// The storage module through the real builder, verifier and database (Specs/depin/storage.md):
/// providers, deals with escrow, challenges drawn from the seed, proofs checked against the data
/// root, payments, faults with their reasons, termination and the pool's settlement.
@Suite("Storage module")
struct StorageModuleTests {
    static let maker = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-storage-maker".utf8)).bytes)
    static let device = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-storage-device".utf8)).bytes)
    static let stranger = try! PrivateKey(bytes: Hash32.sha256(Array("cairn-storage-stranger".utf8)).bytes)
    static let client = TestKeys.alice, provider = TestKeys.bob
    static let storage = StorageParameters(chunkSize: 64, challenges: 3, provingPeriod: 6, proofWindow: 3, proposalLifetime: 4,
                                           maxDealSize: 1 << 20, maxDealPeriods: 10, faultSlash: 250_000, faultClientShare: 400_000,
                                           maxConsecutiveFaults: 2, minDealCollateral: 100_000, providerCollateralPerGiB: 1_000)
    static let emission = EmissionParameters(epochLength: 6, perEpoch: 6_000_000, shares: [EmissionShare(pool: "storage", ppm: 1_000_000)])
    /// 1 000 bytes: 16 chunks of 64, the last zero-padded.
    static let data: [UInt8] = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    static let otherData: [UInt8] = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
    static let price: Amount = 1_000
    static let dealCollateral: Amount = 4_000

    static func genesis() -> Genesis {
        let state = DevicesGenesis(makers: [.init(name: "acme", publicKey: maker.publicKey.compressed)])
        let base = makeGenesis(balances: [(client.address, 1_000_000), (provider.address, 1_000_000)],
                               more: [ModuleRecord(DevicesModule.self, DevicesParameters(onboardingFee: 10, locationFee: 1, locationInterval: 1)),
                                      ModuleRecord(StorageModule.self, storage), .emission(emission)])
        return Genesis(chainID: base.chainID, genesisTime: base.genesisTime, protocolVersion: 1, parameters: base.parameters,
                       allocations: base.allocations, validators: base.validators,
                       moduleStates: [ModuleRecord(module: DevicesModule.name, encoded: state.canonicalBytes)])
    }

    /// A transaction of `key` with its account's next nonce: each block here carries at most one per sender.
    static func tx(_ op: CairnCore.Operation, from key: PrivateKey, on chain: RuntimeChain, fee: Amount = 10) throws -> VerifiedTransaction {
        let nonce = try chain.database.account(key.address).nonce
        return try VerifiedTransaction(UnsignedTransaction(chainID: chainID, nonce: nonce, fee: fee, operation: op).signed(with: key))
    }

    static func chunks(_ data: [UInt8], size: Int = 64) -> [[UInt8]] {
        stride(from: 0, to: data.count, by: size).map { start in
            let piece = Array(data[start..<min(start + size, data.count)])
            return piece + [UInt8](repeating: 0, count: size - piece.count)
        }
    }
    static func tree(_ data: [UInt8]) -> DataTreeLevels { DataTreeLevels(leaves: chunks(data).map(DataTree.leafHash)) }

    /// A chain at height 4: the device onboarded (1), the provider registered (2), deal 1 proposed
    /// (3) and accepted (4), so period 0 is challenged at height 7 and due at height 10.
    static func chain(accept: Bool = true) throws -> RuntimeChain {
        let chain = try RuntimeChain(runtime: .standard, genesis: genesis())
        let claim = OnboardingClaim(chainID: chainID, publicKey: device.publicKey.compressed, owner: provider.address, kind: .storage)
        let onboard = DeviceOnboarding(claim, makerSignature: claim.makerSignature(maker), deviceKey: device)
        #expect(try chain.commitNext([tx(.device(.onboard(onboard)), from: provider, on: chain)]).skipped.isEmpty)
        #expect(try chain.commitNext([tx(.storage(.registerProvider(device: device.address, capacity: 1 << 30, collateral: 1_000)),
                                         from: provider, on: chain)]).skipped.isEmpty)
        let proposal = DealProposal(provider: device.address, dataRoot: tree(data).root, size: UInt64(data.count), pricePerPeriod: price,
                                    periods: 3, collateral: dealCollateral)
        #expect(try chain.commitNext([tx(.storage(.proposeDeal(proposal)), from: client, on: chain)]).skipped.isEmpty)
        if accept {
            #expect(try chain.commitNext([tx(.storage(.acceptDeal(deal: 1, collateral: dealCollateral)), from: provider, on: chain)]).skipped.isEmpty)
        }
        return chain
    }

    static func deal(_ chain: RuntimeChain, _ id: UInt64 = 1) throws -> DealRecord {
        try #require(try chain.database.entry(DealRecord.self, StorageKeys.deal(id)))
    }

    static func advance(_ chain: RuntimeChain, to height: UInt64) throws {
        while try chain.database.tip()!.height < height { try chain.commitNext() }
    }

    static func balance(_ chain: RuntimeChain, _ a: Address) throws -> Amount { try chain.database.account(a).balance }

    /// A proof of deal 1's current period from `data`, signed by `signer`.
    static func proof(_ chain: RuntimeChain, data: [UInt8] = data, signer: PrivateKey = device, period: UInt64? = nil,
                      answers: Int? = nil) throws -> VerifiedAttestation {
        let d = try deal(chain)
        let seed = try chain.database.entry(ChallengeSeed.self, StorageKeys.challengeSeed(d.challengeHeight))?.seed ?? .zero
        let indices = StorageChallenge.indices(seed: seed, deal: 1, period: d.period, count: d.chunkCount, challenges: d.challenges)
        let levels = tree(data), pieces = chunks(data)
        var list = indices.map { ChunkAnswer(chunk: pieces[Int($0)], path: levels.path($0)) }
        if let answers { list = Array(list.prefix(answers)) }
        let p = StorageProof(chainID: chainID, deal: 1, period: period ?? d.period, answers: list, deviceKey: signer)
        return try Runtime.standard.latest.verifyAttestation(p.attestation, chainID: chainID)
    }

    static func query(_ chain: RuntimeChain, _ name: String, _ args: [String: JSONValue]) throws -> JSONValue {
        let query = try #require(StorageModule().queries().first { $0.name == name })
        var view = StateView(Latest(database: chain.database))
        return try query.handler(QueryArguments(args), &view)
    }

    static func reason(_ built: BuiltBlock) -> [String] { built.skippedAttestations.map(\.reason.reason) }

    /// RFC 6962 §2.1's MTH over leaf hashes, written from the RFC as an independent model.
    static func rfc6962(_ leaves: ArraySlice<Hash32>) -> Hash32 {
        if leaves.count == 1 { return leaves.first! }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let mid = leaves.startIndex + k
        return Hash32.sha256([0x01] + rfc6962(leaves[..<mid]).bytes + rfc6962(leaves[mid...]).bytes)
    }

    @Test func dataTreeRootsAndPathsAgreeForEveryShape() {
        for n in 1...40 {
            let leaves = (0..<n).map { Hash32.sha256([UInt8(n), UInt8($0)]) }
            let levels = DataTreeLevels(leaves: leaves)
            #expect(levels.root == Self.rfc6962(leaves[...]), "n = \(n)")
            var builder = DataRootBuilder()
            for leaf in leaves { builder.append(leaf: leaf) }
            #expect(builder.root == levels.root && builder.count == UInt64(n))
            for i in 0..<UInt64(n) {
                let path = levels.path(i)
                #expect(path.count == DataTree.pathLength(index: i, count: UInt64(n)))
                #expect(DataTree.verify(root: levels.root, index: i, count: UInt64(n), leaf: leaves[Int(i)], path: path))
                // The same path fails for the neighbouring index and for any other leaf. (Under another count
                // whose tree has the same shape along the path it verifies too: the deal fixes the count.)
                #expect(!DataTree.verify(root: levels.root, index: (i + 1) % UInt64(n), count: UInt64(n), leaf: leaves[Int(i)], path: path) || n == 1)
                #expect(!DataTree.verify(root: levels.root, index: i, count: UInt64(n), leaf: Hash32.zero, path: path))
            }
        }
    }

    @Test func honestProofsPayEachPeriodAndTheDealCompletes() throws {
        let chain = try Self.chain()
        var d = try Self.deal(chain)
        #expect(d.status == .active && d.startedAt == 4 && d.challengeHeight == 7 && d.deadline == 10 && d.chunkCount == 16)
        #expect(try Self.balance(chain, StorageModule.escrow) == 3 * Self.price)
        #expect(try Self.balance(chain, StorageModule.collateral) == 1_000 + Self.dealCollateral)
        let start = try Self.balance(chain, Self.provider.address)
        for period in 0..<UInt64(3) {
            try Self.advance(chain, to: 7 + 6 * period)
            let built = try chain.commitNext(attestations: [try Self.proof(chain)])
            #expect(built.skippedAttestations.isEmpty, "\(Self.reason(built))")
            d = try Self.deal(chain)
            #expect(d.periodState == .proven && d.proven == period + 1 && d.paid == Self.price * Amount(period + 1))
        }
        try Self.advance(chain, to: 22)
        d = try Self.deal(chain)
        #expect(d.status == .completed && d.endedAt == 22 && d.escrow == 0 && d.collateralLeft == 0 && d.faults == 0)
        // Three payments, the collateral back, and the pool's rewards for proven byte-periods.
        let rewards = try Self.balance(chain, Self.provider.address) - start - 3 * Self.price - Self.dealCollateral
        #expect(rewards > 0)
        #expect(try Self.balance(chain, StorageModule.escrow) == 0)
        #expect(try Self.balance(chain, StorageModule.collateral) == 1_000)
        let provider = try #require(try chain.database.entry(ProviderRecord.self, StorageKeys.provider(Self.device.address)))
        #expect(provider.committed == 0 && provider.activeDeals == 0)
        let periods = try Self.query(chain, "getDealPeriods", ["deal": 1])["periods"]?.arrayValue ?? []
        #expect(periods.map { $0["outcome"]?.stringValue } == ["proven", "proven", "proven"])
        let listed = try Self.query(chain, "listDeals", ["status": "completed"])["deals"]?.arrayValue ?? []
        #expect(listed.map { $0["deal"]?.integerValue } == [1])
        #expect(try Self.query(chain, "listDeals", ["status": "active"])["deals"]?.arrayValue?.isEmpty == true)
    }

    @Test func proofsOutsideTheRulesAreRefusedWithTheirReasonsAndChangeNothing() throws {
        let chain = try Self.chain()
        // Before the challenge block's seed exists.
        try Self.advance(chain, to: 6)
        var built = try chain.buildNext(attestations: [try Self.proof(chain)])
        #expect(Self.reason(built) == ["challenge_not_open"])
        try Self.advance(chain, to: 7)
        let refused = [try Self.proof(chain, signer: Self.stranger), try Self.proof(chain, period: 1), try Self.proof(chain, answers: 2)]
        // The pool refuses exactly what the block refuses.
        for a in refused {
            var overlay = StateOverlay(base: Latest(database: chain.database))
            #expect(throws: AttestationRejection.self) {
                try Runtime.standard.latest.admit(a, context: BlockContext(chainID: chainID, height: 8, proposer: .zero), &overlay)
            }
        }
        let before = try Self.deal(chain)
        built = try chain.commitNext(attestations: refused)
        #expect(Self.reason(built) == ["signer_mismatch", "wrong_period", "wrong_answer_count"])
        #expect(try Self.deal(chain) == before)
        #expect(try chain.commitNext(attestations: [try Self.proof(chain)]).skippedAttestations.isEmpty)
        built = try chain.buildNext(attestations: [try Self.proof(chain)])
        #expect(Self.reason(built) == ["already_proven"])
    }

    @Test func aProofFromOtherDataIsAFaultThatSlashesAndRefunds() throws {
        let chain = try Self.chain()
        try Self.advance(chain, to: 7)
        let clientBefore = try Self.balance(chain, Self.client.address)
        let burnedBefore = try #require(try chain.database.entry(SupplyRecord.self, SupplyRecord.key)).burned
        let built = try chain.commitNext(attestations: [try Self.proof(chain, data: Self.otherData)])
        #expect(built.skippedAttestations.isEmpty)
        let d = try Self.deal(chain)
        let slash = Self.dealCollateral / 4, toClient = slash * 4 / 10
        #expect(d.periodState == .faulted && d.faults == 1 && d.slashed == slash && d.collateralLeft == Self.dealCollateral - slash)
        #expect(try Self.balance(chain, Self.client.address) == clientBefore + toClient + Self.price)
        #expect(try #require(try chain.database.entry(SupplyRecord.self, SupplyRecord.key)).burned == burnedBefore + slash - toClient)
        let events = built.executed.outcome.blockResults.attestations[0].events
        #expect(events.contains { $0.kind == "fault" && $0.attributes.contains(.init("reason", "invalid_proof")) })
        let periods = try Self.query(chain, "getDealPeriods", ["deal": 1])["periods"]?.arrayValue ?? []
        #expect(periods.first?["reason"]?.stringValue == "invalid_proof")
    }

    @Test func missedPeriodsAreFaultsAndEnoughOfThemTerminateTheDeal() throws {
        let chain = try Self.chain()
        let clientBefore = try Self.balance(chain, Self.client.address)
        try Self.advance(chain, to: 10)
        var d = try Self.deal(chain)
        #expect(d.faults == 1 && d.consecutiveFaults == 1 && d.period == 1 && d.status == .active)
        try Self.advance(chain, to: 16)
        d = try Self.deal(chain)
        #expect(d.status == .terminated && d.faults == 2 && d.endedAt == 16 && d.escrow == 0 && d.collateralLeft == 0)
        // Two periods' price back and the third's escrow refunded; the collateral forfeited, a share to the client.
        let slash = Self.dealCollateral / 4
        let toClient = 2 * (slash * 4 / 10) + (Self.dealCollateral - 2 * slash) * 4 / 10
        #expect(try Self.balance(chain, Self.client.address) == clientBefore + 3 * Self.price + toClient)
        #expect(d.slashed == Self.dealCollateral)
        let periods = try Self.query(chain, "getDealPeriods", ["deal": 1])["periods"]?.arrayValue ?? []
        #expect(periods.map { $0["reason"]?.stringValue } == ["missed_proof", "missed_proof"])
        let provider = try #require(try chain.database.entry(ProviderRecord.self, StorageKeys.provider(Self.device.address)))
        #expect(provider.committed == 0)
    }

    @Test func unacceptedProposalsExpireOrAreCancelledWithTheEscrowBack() throws {
        let chain = try Self.chain(accept: false)
        let before = try Self.balance(chain, Self.client.address)
        // Proposed at 3, acceptable up to 7; the client cancels nothing, the proposal expires at 7.
        try Self.advance(chain, to: 7)
        #expect(try Self.deal(chain).status == .expired)
        #expect(try Self.balance(chain, Self.client.address) == before + 3 * Self.price)
        let late = try chain.buildNext([try Self.tx(.storage(.acceptDeal(deal: 1, collateral: Self.dealCollateral)), from: Self.provider, on: chain)])
        #expect(late.skipped.map(\.reason.reason) == ["deal_not_proposed"])
        let proposal = DealProposal(provider: Self.device.address, dataRoot: Self.tree(Self.data).root, size: 1_000, pricePerPeriod: 5,
                                    periods: 2, collateral: 1)
        #expect(try chain.commitNext([try Self.tx(.storage(.proposeDeal(proposal)), from: Self.client, on: chain)]).skipped.isEmpty)
        let wrong = try chain.buildNext([try Self.tx(.storage(.cancelDeal(deal: 2)), from: Self.provider, on: chain)])
        #expect(wrong.skipped.map(\.reason.reason) == ["not_client"])
        #expect(try chain.commitNext([try Self.tx(.storage(.cancelDeal(deal: 2)), from: Self.client, on: chain)]).skipped.isEmpty)
        #expect(try Self.deal(chain, 2).status == .cancelled)
    }

    @Test func operationsOutsideTheRulesAreRefusedWithTheirReasons() throws {
        let chain = try Self.chain(accept: false)
        let root = Self.tree(Self.data).root
        func propose(size: UInt64 = 1_000, periods: UInt64 = 3, collateral: Amount = 300, provider: Address = Self.device.address) -> CairnCore.Operation {
            .storage(.proposeDeal(DealProposal(provider: provider, dataRoot: root, size: size, pricePerPeriod: 1_000, periods: periods,
                                               collateral: collateral)))
        }
        let cases: [(CairnCore.Operation, PrivateKey, String)] = [
            (.storage(.registerProvider(device: Self.device.address, capacity: 1 << 31, collateral: 0)), Self.provider,
             "insufficient_provider_collateral"),
            (.storage(.registerProvider(device: Self.device.address, capacity: 1, collateral: 0)), Self.client, "not_owner"),
            (.storage(.registerProvider(device: Self.stranger.address, capacity: 1, collateral: 0)), Self.provider, "unknown_device"),
            (propose(size: 0), Self.client, "invalid_deal_size"),
            (propose(size: (1 << 20) + 1), Self.client, "invalid_deal_size"),
            (propose(periods: 11), Self.client, "invalid_deal_periods"),
            (propose(collateral: 299), Self.client, "collateral_too_low"),
            (propose(provider: Self.stranger.address), Self.client, "unknown_device"),
            (.storage(.acceptDeal(deal: 1, collateral: 1)), Self.provider, "collateral_mismatch"),
            (.storage(.acceptDeal(deal: 1, collateral: Self.dealCollateral)), Self.client, "not_owner"),
            (.storage(.acceptDeal(deal: 9, collateral: 1)), Self.provider, "unknown_deal"),
        ]
        for (op, key, expected) in cases {
            let built = try chain.buildNext([try Self.tx(op, from: key, on: chain)])
            #expect(built.skipped.map(\.reason.reason) == [expected])
        }
    }

    @Test func theEpochPaysTheStoragePoolForProvenBytes() throws {
        let chain = try Self.chain()
        try Self.advance(chain, to: 7)
        try chain.commitNext(attestations: [try Self.proof(chain)])
        let ownerBefore = try Self.balance(chain, Self.provider.address)
        // After block 8: epoch 0 carried 6 000 000, blocks 7 and 8 minted 1 000 000 each.
        let pool = try Self.balance(chain, ModuleAccount.address("storage"))
        try Self.advance(chain, to: 12)
        // Epoch 1 (heights 7–12) counted the proof of 1 000 bytes: the whole pool goes to the one provider.
        let record = try #require(try chain.database.entry(EpochPoolRecord.self, EpochRewards.poolKey(epoch: 1, pool: "storage")))
        #expect(record.work == 1_000 && record.unit == "byte_periods" && record.devices == 1 && record.paid == record.balance)
        #expect(record.balance == pool + 4 * 1_000_000)
        let reward = try #require(try chain.database.entry(DeviceEpochReward.self,
                                                          EpochRewards.deviceKey(Self.device.address, epoch: 1, pool: "storage")))
        #expect(reward.owner == Self.provider.address && reward.amount == record.paid && reward.work == 1_000)
        #expect(try Self.balance(chain, Self.provider.address) == ownerBefore + record.paid)
        // Epoch 0 had no proof: its emission was carried, not paid.
        let first = try #require(try chain.database.entry(EpochPoolRecord.self, EpochRewards.poolKey(epoch: 0, pool: "storage")))
        #expect(first.paid == 0 && first.carried == first.balance && first.balance == 6_000_000)
    }

    /// The pool's check of a proof's answers is remembered for the block; the block's verdict is
    /// the same whether it finds it or not (an invalid proof admitted through the pool is still a fault).
    @Test func theBlockReusesThePoolsCheckOfTheAnswersAndDecidesAlike() throws {
        let memo = ProofCheckMemo(capacity: 2)
        let key = ProofCheckMemo.Key(signature: [1], dataRoot: .zero, chunkSize: 64, chunkCount: 16, challenges: 3, seed: .zero,
                                     deal: 1, period: 0)
        #expect(memo.failure(key) { "bad" } == "bad")
        #expect(memo.failure(key) { Issue.record("computed twice"); return nil } == "bad")
        let other = ProofCheckMemo.Key(signature: [2], dataRoot: .zero, chunkSize: 64, chunkCount: 16, challenges: 3, seed: .zero,
                                       deal: 1, period: 0)
        #expect(memo.failure(other) { nil } == nil && memo.failure(other) { "recomputed" } == nil)
        // Past its capacity the memo starts over: the first key is computed again.
        _ = memo.failure(ProofCheckMemo.Key(signature: [3], dataRoot: .zero, chunkSize: 64, chunkCount: 16, challenges: 3,
                                            seed: .zero, deal: 1, period: 0)) { nil }
        #expect(memo.failure(key) { "again" } == "again")

        // Through the pool's admission, then the block: the invalid proof is a fault, the valid one proven.
        let chain = try Self.chain()
        try Self.advance(chain, to: 7)
        let bad = try Self.proof(chain, data: Self.otherData)
        var overlay = StateOverlay(base: Latest(database: chain.database))
        try Runtime.standard.latest.admit(bad, context: BlockContext(chainID: chainID, height: 8, proposer: .zero), &overlay)
        #expect(try chain.commitNext(attestations: [bad]).skippedAttestations.isEmpty)
        #expect(try Self.deal(chain).periodState == .faulted)
    }

    @Test func parametersWhoseProofsCannotFitAnAttestationAreRefused() {
        #expect(StorageParameters.defaults.problem == nil && StorageParameters.defaults.largestProof == 9_399)
        // A real proof of the largest default deal stays within the bound.
        let big = StorageParameters(chunkSize: 4_096)
        #expect(big.problem?.field == "challenges", "\(String(describing: big.problem))")
        #expect(StorageParameters(chunkSize: 4_096, challenges: 3).problem == nil)
        #expect(StorageParameters(challenges: 9).problem?.field == "challenges")
    }

    @Test func detectionProbabilityMatchesTheFormula() {
        // A provider that lost 20% of 4 096 chunks, challenged with c = 5 over 4 000 seeded periods.
        let count: UInt64 = 4_096, c: UInt64 = 5
        let lost = Set((0..<count).filter { Hash32.sha256($0.bigEndianBytes).bytes[0] < 51 })
        var caught = 0
        let periods = 4_000
        for period in 0..<UInt64(periods) {
            let seed = Hash32.sha256(Array("period \(period)".utf8))
            if StorageChallenge.indices(seed: seed, deal: 7, period: period, count: count, challenges: c).contains(where: lost.contains) {
                caught += 1
            }
        }
        let f = Double(lost.count) / Double(count)
        let expected = 1 - pow(1 - f, Double(c))
        let sigma = (expected * (1 - expected) / Double(periods)).squareRoot()
        #expect(abs(Double(caught) / Double(periods) - expected) < 4 * sigma, "caught \(caught) of \(periods), expected \(expected)")
        #expect(StorageChallenge.detectionPPM(missingPPM: 200_000, challenges: 5) == 672_320)
    }
}
