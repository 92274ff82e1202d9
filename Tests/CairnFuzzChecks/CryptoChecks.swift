import CairnCore
import CairnCrypto

/// Signatures, addresses and hex arrive from clients (RPC parameters, CLI arguments) and peers.
/// Amounts are parsed from the same places. `data[0] % 5` picks the parser; the rest is its input.
public enum CryptoChecks {
    public static func check(_ data: [UInt8]) -> String? {
        guard let selector = data.first else { return nil }
        let body = Array(data.dropFirst())
        switch selector % 5 {
        case 0: return signature(body)
        case 1: return address(String(decoding: body, as: UTF8.self))
        case 2: return hex(String(decoding: body, as: UTF8.self))
        case 3: return signatureHex(String(decoding: body, as: UTF8.self))
        default: return amount(String(decoding: body, as: UTF8.self))
        }
    }

    /// 65 signature bytes, then up to 32 digest bytes (zero-padded).
    static func signature(_ body: [UInt8]) -> String? {
        let raw = Array(body.prefix(65))
        guard let sig = try? RecoverableSignature(bytes: raw) else { return nil }
        guard sig.bytes == raw else { return "signature \(Hex.encode(raw)) stored as \(Hex.encode(sig.bytes))" }
        var digest = Array(body.dropFirst(65).prefix(32))
        digest += [UInt8](repeating: 0, count: 32 - digest.count)
        _ = try? sig.recoverAddress(digest: Hash32(unchecked: digest))
        _ = try? sig.recoverPublicKey(digest: Hash32(unchecked: digest))
        return nil
    }

    /// Whatever parses must print back to a form that parses to the same address.
    static func address(_ text: String) -> String? {
        guard let address = try? Address(hex: text) else { return nil }
        guard (try? Address(hex: address.checksummed)) == address else {
            return "address \(text) prints as \(address.checksummed), which does not parse back"
        }
        guard (try? Address(hex: Hex.prefixed(address.bytes))) == address else {
            return "address \(text): the lower-case form does not parse back"
        }
        return nil
    }

    static func hex(_ text: String) -> String? {
        guard let bytes = try? Hex.decode(text) else { return nil }
        guard (try? Hex.decode(Hex.encode(bytes))) == bytes, (try? Hex.decode(Hex.prefixed(bytes))) == bytes else {
            return "hex \(text) decodes to \(bytes) but its encoding does not decode back"
        }
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? String(text.dropFirst(2)) : text
        guard Hex.encode(bytes) == digits.lowercased() else {
            return "hex \(text) decodes to \(Hex.encode(bytes)), which is not its digits"
        }
        _ = try? Hex.decode(text, count: 32)
        return nil
    }

    static func signatureHex(_ text: String) -> String? {
        guard let sig = try? RecoverableSignature(hex: text) else { return nil }
        guard (try? RecoverableSignature(hex: sig.hex)) == sig else { return "signature hex \(text) does not print back" }
        _ = try? Hash32(hex: text)
        return nil
    }

    /// Base units have one spelling; any accepted amount survives display and parse.
    static func amount(_ text: String) -> String? {
        if let units = try? AmountFormat.parseBaseUnits(text), String(units) != text {
            return "amount \(text) parses as \(units) base units but prints differently"
        }
        guard let value = try? AmountFormat.parse(text) else { return nil }
        let shown = AmountFormat.display(value)
        guard (try? AmountFormat.parse(shown)) == value else {
            return "amount \(text) = \(value) displays as \(shown), which does not parse back"
        }
        return nil
    }
}
