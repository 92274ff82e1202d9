import ArgumentParser
import CairnCrypto
import CairnGeo
import CairnNode
import CairnState
import Foundation

/// Reading the devices commands' flags. Every message names the flag, because one command
/// takes several addresses and keys and "invalid address" alone would not say which.
enum DeviceArgument {
    /// `body(text)`, with a failure reported as `flag 'text': why`.
    static func parse<T>(_ flag: String, _ text: String, _ body: (String) throws -> T) throws -> T {
        do { return try body(text) } catch let error as ValidationError { throw error } catch {
            throw ValidationError("\(flag) '\(text)': \(error)")
        }
    }

    static func address(_ flag: String, _ text: String) throws -> Address {
        try parse(flag, text) { try Address(hex: $0) }
    }

    static func kind(_ text: String, flag: String = "--kind") throws -> DeviceKind {
        guard let kind = DeviceKind(name: text) else {
            throw ValidationError("\(flag) must be hotspot, storage or meter, not '\(text)'")
        }
        return kind
    }

    /// A device's public key as devices.md's `key33`: SEC1 compressed, on the curve.
    static func publicKey(_ flag: String, _ text: String) throws -> [UInt8] {
        let bytes = try? Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard let bytes, bytes.count == 33, bytes[0] == 0x02 || bytes[0] == 0x03, (try? PublicKey(bytes: bytes)) != nil else {
            throw ValidationError("\(flag) must be the device's 33-byte compressed public key as 0x-hex (0x02… or 0x03…, 66 hex digits, a point on the curve)")
        }
        return bytes
    }

    /// The public key in `path`: a Cairn key file (the device's own), or the key as hex text, as
    /// a factory line might export it from the device's secure element.
    static func publicKey(file path: String, flag: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(flag): cannot read \(path)") }
        if data.first == UInt8(ascii: "{") {
            do { return try KeyFile.read(path).publicKey.compressed } catch { throw ValidationError("\(flag): \(error)") }
        }
        return try publicKey("\(flag) \(path)", String(decoding: data, as: UTF8.self))
    }

    static func signature(_ flag: String, _ text: String) throws -> RecoverableSignature {
        try parse(flag, text) { try RecoverableSignature(hex: $0) }
    }
}

/// The device's own key, which signs that the owner holds the device.
struct DeviceKeyOptions: ParsableArguments {
    @Option(help: "The device's key file ({\"address\", \"private_key\"}, as `cairn device new-key` writes it).")
    var deviceKeyFile: String?
    @Option(help: "Name of the device's key in the keyring, instead of --device-key-file.")
    var deviceKeyName: String?

    var choice: KeyChoice {
        KeyChoice(name: deviceKeyName, file: deviceKeyFile, nameFlag: "--device-key-name", fileFlag: "--device-key-file")
    }

    func validate() throws { try choice.check() }
}
