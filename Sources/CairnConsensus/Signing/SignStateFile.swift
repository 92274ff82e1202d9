import CairnCrypto
import Foundation

/// The sign-state file's text (Specs/validator-signing.md §3): small JSON an operator can read,
/// written in one fixed layout, and parsed strictly: a field that is missing, unknown or malformed
/// stops the validator instead of being guessed.
enum SignStateFile {
    static let fields: Set<String> = ["validator", "height", "round", "step", "signing_hash", "signature"]
    /// What was signed besides the position; files written before it was stored lack both.
    static let contentFields: Set<String> = ["block_id", "pol_round"]

    static func encode(_ record: SignRecord?, validator: Address) -> [UInt8] {
        let body: String
        if let record {
            body = """
              "height": "\(record.position.height)",
              "round": "\(record.position.round)",
              "step": "\(record.position.step)",
              "signing_hash": "\(record.signingHash.hex)",
              "signature": "\(record.signature.hex)"
            """ + (record.content.map { content in """
            ,
              "block_id": \(content.blockID.map { "\"\($0.hex)\"" } ?? "null"),
              "pol_round": \(content.polRound.map { "\"\($0)\"" } ?? "null")
            """ } ?? "")
        } else {
            body = """
              "height": "0",
              "round": "0",
              "step": "none",
              "signing_hash": null,
              "signature": null
            """
        }
        return Array("{\n  \"validator\": \"\(validator.checksummed)\",\n\(body)\n}\n".utf8)
    }

    static func decode(_ bytes: [UInt8], path: String, key: Address) throws(SignError) -> SignRecord? {
        func corrupt(_ reason: String) -> SignError { .corruptState(path: path, reason: reason) }
        guard !bytes.isEmpty else { throw corrupt("the file is empty (truncated by a crash or a full disk?)") }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw corrupt("the file is JSON but not an object")
            }
            object = parsed
        } catch let error as SignError {
            throw error
        } catch {
            throw corrupt("the file (\(bytes.count) bytes) is not valid JSON, it may be truncated or damaged: \(error.localizedDescription)")
        }
        for name in object.keys.sorted() where !fields.contains(name) && !contentFields.contains(name) {
            throw corrupt("unknown field \"\(name)\"")
        }
        for name in fields.sorted() where object[name] == nil { throw corrupt("missing field \"\(name)\"") }

        func string(_ name: String) throws(SignError) -> String {
            guard let s = object[name] as? String else { throw corrupt("field \"\(name)\" must be a string") }
            return s
        }
        func integer(_ name: String) throws(SignError) -> UInt64 {
            let s = try string(name)
            guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  s == "0" || !s.hasPrefix("0"), let v = UInt64(s) else {
                throw corrupt("field \"\(name)\" must be a decimal integer string below 2^64, found \"\(s)\"")
            }
            return v
        }

        let fileValidator: Address
        do { fileValidator = try Address(hex: try string("validator")) } catch let error as SignError {
            throw error
        } catch {
            throw corrupt("field \"validator\" is not an address: \(error)")
        }
        guard fileValidator == key else { throw .wrongValidator(path: path, file: fileValidator, key: key) }
        let height = try integer("height"), round = try integer("round")
        let stepName = try string("step")
        if stepName == "none" {
            guard height == 0, round == 0, object["signing_hash"] is NSNull, object["signature"] is NSNull else {
                throw corrupt("step \"none\" (nothing signed) requires height \"0\", round \"0\" and null signing_hash and signature")
            }
            return nil
        }
        let step: SignStep
        switch stepName {
        case "proposal": step = .proposal
        case "prevote": step = .prevote
        case "precommit": step = .precommit
        default: throw corrupt("field \"step\" must be none, proposal, prevote or precommit, found \"\(stepName)\"")
        }
        let hashText = try string("signing_hash"), signatureText = try string("signature")
        guard hashText.hasPrefix("0x"), let hash = try? Hash32(hex: hashText) else {
            throw corrupt("field \"signing_hash\" must be 0x and 64 hex digits, found \"\(hashText)\"")
        }
        guard signatureText.hasPrefix("0x"), let signature = try? RecoverableSignature(hex: signatureText) else {
            throw corrupt("field \"signature\" must be 0x and 130 hex digits of a valid signature, found \"\(signatureText)\"")
        }
        guard let signer = try? signature.recoverAddress(digest: hash), signer == key else {
            throw corrupt("the stored signature is not this validator's signature of the stored signing_hash")
        }
        func content(step: SignStep) throws(SignError) -> SignedContent? {
            let present = contentFields.filter { object[$0] != nil }
            if present.isEmpty { return nil }
            for name in contentFields.sorted() where object[name] == nil {
                throw corrupt("field \"\(name)\" is missing while \"\(present.sorted()[0])\" is present: both or neither")
            }
            var blockID: Hash32?
            if !(object["block_id"] is NSNull) {
                let text = try string("block_id")
                guard text.hasPrefix("0x"), let id = try? Hash32(hex: text) else {
                    throw corrupt("field \"block_id\" must be null or 0x and 64 hex digits, found \"\(text)\"")
                }
                blockID = id
            }
            var polRound: UInt64?
            if !(object["pol_round"] is NSNull) {
                guard step == .proposal else { throw corrupt("field \"pol_round\" must be null for a \(step)") }
                polRound = try integer("pol_round")
            }
            if step == .proposal, blockID == nil { throw corrupt("a proposal's \"block_id\" cannot be null") }
            return SignedContent(blockID: blockID, polRound: polRound)
        }
        return SignRecord(position: SignPosition(height: height, round: round, step: step), signingHash: hash,
                          signature: signature, content: try content(step: step))
    }
}
