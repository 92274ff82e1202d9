@testable import CairnConsensus
import CairnCore
import CairnCrypto
import Foundation
import Testing

/// The double-sign guard: refuses equivocation, re-signs identically, persists before answering,
/// and refuses to start from a damaged state file.
@Suite struct SignerTests {
    static let key = try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [11])
    static let otherKey = try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [12])
    static let chainID = "cairn-test"

    static func block(_ n: UInt8) -> Hash32 { Hash32(unchecked: [UInt8](repeating: n, count: 32)) }
    static func vote(_ type: VoteType, _ height: UInt64, _ round: UInt64, _ block: Hash32?) -> VoteSigningPayload {
        VoteSigningPayload(chainID: chainID, type: type, height: height, round: round, blockID: block)
    }
    static func proposal(_ height: UInt64, _ round: UInt64, _ block: Hash32) -> ProposalSigningPayload {
        ProposalSigningPayload(chainID: chainID, height: height, round: round, polRound: nil, blockID: block)
    }

    /// A fresh directory per test; the sign state lives in it.
    static func stateFile() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-signer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("priv_validator_state.json").path
    }

    @Test func signsAndPersistsBeforeAnswering() throws {
        let path = try Self.stateFile()
        let signer = try ValidatorSigner(key: Self.key, stateFile: path)
        #expect(signer.lastSigned == nil)
        #expect(FileManager.default.fileExists(atPath: path))
        let v = Self.vote(.prevote, 3, 0, Self.block(1))
        let signature = try signer.signVote(v)
        #expect(try signature.recoverAddress(digest: v.signingHash) == Self.key.address)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"height\": \"3\"") && text.contains("\"step\": \"prevote\"") && text.contains(signature.hex))
    }

    @Test func conflictingVoteIsRefused() throws {
        let signer = try ValidatorSigner(key: Self.key, stateFile: try Self.stateFile())
        _ = try signer.signVote(Self.vote(.prevote, 5, 0, Self.block(1)))
        let error = #expect(throws: SignError.self) { try signer.signVote(Self.vote(.prevote, 5, 0, Self.block(2))) }
        guard case .conflict(let position, _, _) = error else { Issue.record("expected a conflict, got \(String(describing: error))"); return }
        #expect(position == SignPosition(height: 5, round: 0, step: .prevote))
        #expect(error!.description.contains("prevote at height 5 round 0"))
        // Nil (no block) conflicts with a block, too.
        #expect(throws: SignError.self) { try signer.signVote(Self.vote(.prevote, 5, 0, nil)) }
    }

    @Test func sameMessageGetsTheSameSignature() throws {
        let path = try Self.stateFile()
        let signer = try ValidatorSigner(key: Self.key, stateFile: path)
        let p = Self.proposal(7, 2, Self.block(4))
        let first = try signer.signProposal(p)
        let fileBefore = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try signer.signProposal(p) == first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == fileBefore)
    }

    @Test func lowerPositionsAreRefused() throws {
        let signer = try ValidatorSigner(key: Self.key, stateFile: try Self.stateFile())
        _ = try signer.signVote(Self.vote(.precommit, 5, 1, Self.block(1)))
        let lowerVotes = [Self.vote(.prevote, 5, 1, Self.block(1)), Self.vote(.precommit, 5, 0, Self.block(1)),
                          Self.vote(.precommit, 4, 9, Self.block(1))]
        var errors = lowerVotes.map { v in #expect(throws: SignError.self) { try signer.signVote(v) } }
        errors.append(#expect(throws: SignError.self) { try signer.signProposal(Self.proposal(5, 1, Self.block(1))) })
        for error in errors {
            guard case .regression(_, let last) = error else { Issue.record("expected a regression"); continue }
            #expect(last == SignPosition(height: 5, round: 1, step: .precommit))
        }
        // Higher positions are fine: the next round's proposal, the next height's prevote.
        _ = try signer.signProposal(Self.proposal(5, 2, Self.block(2)))
        _ = try signer.signVote(Self.vote(.prevote, 6, 0, nil))
        #expect(signer.lastSigned?.position == SignPosition(height: 6, round: 0, step: .prevote))
    }

    @Test func stateSurvivesReopening() throws {
        let path = try Self.stateFile()
        let v = Self.vote(.precommit, 9, 3, Self.block(5))
        let signature = try ValidatorSigner(key: Self.key, stateFile: path).signVote(v)
        let reopened = try ValidatorSigner(key: Self.key, stateFile: path)
        #expect(reopened.lastSigned == SignRecord(position: SignPosition(height: 9, round: 3, step: .precommit),
                                                  signingHash: v.signingHash, signature: signature,
                                                  content: SignedContent(blockID: Self.block(5))))
        #expect(throws: SignError.self) { try reopened.signVote(Self.vote(.precommit, 9, 3, Self.block(6))) }
        #expect(throws: SignError.self) { try reopened.signVote(Self.vote(.prevote, 9, 3, Self.block(5))) }
        #expect(try reopened.signVote(v) == signature)
    }

    /// The file holds the whole signed message (with the chain id): block and proof-of-lock round.
    @Test func theSignedContentSurvivesReopening() throws {
        let path = try Self.stateFile()
        let p = ProposalSigningPayload(chainID: Self.chainID, height: 4, round: 2, polRound: 1, blockID: Self.block(7))
        _ = try ValidatorSigner(key: Self.key, stateFile: path).signProposal(p)
        #expect(try ValidatorSigner(key: Self.key, stateFile: path).lastSigned?.content == SignedContent(blockID: Self.block(7), polRound: 1))
        let nilVote = Self.vote(.prevote, 4, 3, nil)
        _ = try ValidatorSigner(key: Self.key, stateFile: path).signVote(nilVote)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"block_id\": null") && text.contains("\"pol_round\": null"))
        #expect(try ValidatorSigner(key: Self.key, stateFile: path).lastSigned?.content == SignedContent(blockID: nil))
    }

    /// Files written before the content was stored load, without it.
    @Test func aFileWithoutTheContentLoads() throws {
        let path = try Self.stateFile()
        _ = try ValidatorSigner(key: Self.key, stateFile: path).signVote(Self.vote(.precommit, 8, 1, Self.block(3)))
        let good = try String(contentsOfFile: path, encoding: .utf8)
        let legacy = good.replacingOccurrences(of: #",\n  "block_id": "[^"]*",\n  "pol_round": null"#, with: "", options: .regularExpression)
        #expect(legacy != good && !legacy.contains("block_id"))
        try legacy.write(toFile: path, atomically: false, encoding: .utf8)
        let signer = try ValidatorSigner(key: Self.key, stateFile: path)
        #expect(signer.lastSigned?.position == SignPosition(height: 8, round: 1, step: .precommit))
        #expect(signer.lastSigned?.content == nil)
    }

    @Test func fileIsOwnerOnly() throws {
        let path = try Self.stateFile()
        let signer = try ValidatorSigner(key: Self.key, stateFile: path)
        func mode() throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue }
        #expect(try mode() == 0o600)
        _ = try signer.signVote(Self.vote(.prevote, 1, 0, nil))
        #expect(try mode() == 0o600)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    /// Every damaged file stops the validator with a message that says what is wrong.
    @Test func damagedFilesAreRefused() throws {
        let path = try Self.stateFile()
        _ = try ValidatorSigner(key: Self.key, stateFile: path).signVote(Self.vote(.prevote, 12, 0, Self.block(1)))
        let good = try String(contentsOfFile: path, encoding: .utf8)
        let cases: [(String, String)] = [
            ("", "empty"),
            (String(good.prefix(good.count / 2)), "not valid JSON"),
            (good.replacingOccurrences(of: "\"prevote\"", with: "\"vote\""), "\"step\""),
            (good.replacingOccurrences(of: "\"12\"", with: "\"012\""), "\"height\""),
            (good.replacingOccurrences(of: "\"height\": \"12\",", with: ""), "missing field \"height\""),
            (good.replacingOccurrences(of: "\"round\"", with: "\"rnd\""), "unknown field \"rnd\""),
            (good.replacingOccurrences(of: Self.vote(.prevote, 12, 0, Self.block(1)).signingHash.hex,
                                       with: Self.vote(.prevote, 12, 0, Self.block(2)).signingHash.hex), "not this validator's signature"),
            ("[1, 2]", "not an object"),
            (good.replacingOccurrences(of: ",\n  \"pol_round\": null", with: ""), "\"pol_round\" is missing"),
            (good.replacingOccurrences(of: Self.block(1).hex, with: "0x12"), "\"block_id\" must be null or 0x"),
            (good.replacingOccurrences(of: "\"pol_round\": null", with: "\"pol_round\": \"0\""), "\"pol_round\" must be null for a prevote"),
        ]
        for (text, expected) in cases {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let error = #expect(throws: SignError.self, "\(expected)") { try ValidatorSigner(key: Self.key, stateFile: path) }
            guard case .corruptState(let p, let reason) = error else { Issue.record("\(expected): got \(String(describing: error))"); continue }
            #expect(p == path)
            #expect(reason.contains(expected), "\(reason)")
            #expect(error!.description.contains("Refusing to start"))
        }
        // A file of another validator.
        try good.write(toFile: path, atomically: false, encoding: .utf8)
        let error = #expect(throws: SignError.self) { try ValidatorSigner(key: Self.otherKey, stateFile: path) }
        #expect(error == .wrongValidator(path: path, file: Self.key.address, key: Self.otherKey.address))
    }

    /// If the new state cannot be made durable, no signature leaves and the old state stays.
    @Test func failedPersistReturnsNothing() throws {
        let path = try Self.stateFile()
        let signer = try ValidatorSigner(key: Self.key, stateFile: path)
        _ = try signer.signVote(Self.vote(.prevote, 1, 0, nil))
        // A directory where the temporary file goes makes the write fail (even as root).
        try FileManager.default.createDirectory(atPath: path + ".tmp", withIntermediateDirectories: false)
        let error = #expect(throws: SignError.self) { try signer.signVote(Self.vote(.prevote, 2, 0, Self.block(1))) }
        guard case .storage(let failure) = error else { Issue.record("expected a storage error"); return }
        #expect(failure.path == path + ".tmp")
        #expect(signer.lastSigned?.position == SignPosition(height: 1, round: 0, step: .prevote))
        #expect(try ValidatorSigner(key: Self.key, stateFile: path).lastSigned?.position.height == 1)
        // Nothing was signed at height 2, so a different message there is not a conflict.
        try FileManager.default.removeItem(atPath: path + ".tmp")
        _ = try signer.signVote(Self.vote(.prevote, 2, 0, Self.block(2)))
    }

    @Test func missingDirectoryIsAnError() {
        #expect(throws: SignError.self) { try ValidatorSigner(key: Self.key, stateFile: "/nonexistent-cairn/dir/state.json") }
    }

    /// Two callers racing to sign different blocks at the same position: exactly one wins.
    @Test func concurrentConflictingRequestsSignOnce() async throws {
        let signer = try ValidatorSigner(key: Self.key, stateFile: try Self.stateFile())
        let successes = await withTaskGroup(of: Bool.self) { group in
            for n in UInt8(1)...8 {
                group.addTask { (try? signer.signVote(Self.vote(.prevote, 2, 0, Self.block(n)))) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
    }
}
