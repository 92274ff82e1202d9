import ArgumentParser
import CairnCore
import CairnCrypto
import CairnState

struct MakerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maker", abstract: "What a device maker runs on its factory line.",
        subcommands: [SignDevice.self])

    struct SignDevice: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-device",
            abstract: "Vouch for one device: sign its onboarding claim with the maker key (offline).",
            discussion: """
            The claim names the device's public key, its future owner, its kind and the chain \
            (Specs/depin/devices.md §4.1), so the signature onboards that device for that owner only. \
            The owner passes it to `cairn device onboard --maker-signature`.
            """)
        @OptionGroup var home: HomeOption
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "Name of the maker key in the keyring.") var maker: String?
        @Option(help: "The maker's key file, instead of --maker.") var makerKeyFile: String?
        @Option(help: "The device's public key: 33 bytes compressed, 0x-hex.") var deviceKey: String?
        @Option(help: "The device's key file, or a file holding its public key as hex, instead of --device-key.")
        var deviceKeyFile: String?
        @Option(help: "Address of the account that will own the device and send its onboarding.") var owner: String
        @Option(help: "hotspot, storage or meter.") var kind: String
        @Option(help: "Chain id the device is onboarded on (e.g. cairn-devnet).") var chainId: String
        @Flag(help: "Print JSON: the claim's fields and the signature.") var json = false

        var makerKey: KeyChoice { KeyChoice(name: maker, file: makerKeyFile, nameFlag: "--maker", fileFlag: "--maker-key-file") }

        func validate() throws {
            try makerKey.check()
            guard (deviceKey == nil) != (deviceKeyFile == nil) else {
                throw ValidationError("give exactly one of --device-key HEX and --device-key-file FILE")
            }
            if let problem = ChainID.validate(chainId) { throw ValidationError("--chain-id: \(problem)") }
        }

        func run() throws {
            let publicKey = if let deviceKeyFile {
                try DeviceArgument.publicKey(file: deviceKeyFile, flag: "--device-key-file")
            } else {
                try DeviceArgument.publicKey("--device-key", deviceKey ?? "")
            }
            let claim = OnboardingClaim(chainID: chainId, publicKey: publicKey, owner: try DeviceArgument.address("--owner", owner),
                                        kind: try DeviceArgument.kind(kind))
            let key = try makerKey.load(home: home, passphrase: passphrase)
            let signature = claim.makerSignature(key)
            guard json else { return print(signature.hex) }
            let device = try PublicKey(bytes: publicKey).address
            print(JSONText.string([
                "chain_id": .string(claim.chainID), "device": .string(device.checksummed), "public_key": .string(Hex.prefixed(publicKey)),
                "owner": .string(claim.owner.checksummed), "kind": .string(claim.kind.description),
                "maker": .string(key.address.checksummed), "maker_signature": .string(signature.hex),
            ]))
        }
    }
}
