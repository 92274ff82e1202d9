import CairnCore
import CairnCrypto
import CairnGeo
import Foundation
import Testing

/// `cairn maker` and `cairn device` as a maker and an owner run them, against a real devnet
/// process whose genesis (genesis/devnet.json) has the devnet maker.
@Suite("Device CLI against a devnet", .serialized)
struct DeviceCLITests: CLISuite {
    static let alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    static let bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
    static let maker = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"
    static let wallet = ["CAIRN_PASSPHRASE": "devices", "CAIRN_KEYSTORE_SCRYPT_N": "1024"]

    @Test func onboardLocateListTransferDeactivate() async throws {
        let home = temporaryDirectory("devices")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(NodeProcess.devnetArguments(home + "/node"), logPath: home + "/node.log")
        let rpc = ["--rpc", node.rpcURL], keyring = ["--home", home + "/wallet"]
        let send = keyring + rpc + ["--wait"]
        _ = try ok(["keys", "import", "alice"] + keyring, input: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d\n")
        _ = try ok(["keys", "import", "bob"] + keyring, input: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a\n")
        // The devnet maker's key, published in genesis/devnet-keys.json, kept in the keyring like a person's.
        let devnetKeys = try JSONText.parse(Array(try #require(FileManager.default.contents(atPath: NodeProcess.repoRoot + "/genesis/devnet-keys.json"))))
        let makerKey = try #require(devnetKeys["maker"]?["private_key"]?.stringValue)
        #expect(try ok(["keys", "import", "acme"] + keyring, input: makerKey + "\n").contains(Self.maker))

        let makers = try json(["device", "makers"] + rpc)
        #expect(makers["makers"]?[0]?["maker"]?.stringValue == Self.maker && makers["makers"]?[0]?["name"] == "devnet-maker", "\(makers)")
        #expect(makers["next"] == .null)

        // A hotspot's key file, and the maker's signature for alice on this chain.
        let hotspotFile = home + "/hotspot.json"
        let hotspot = try json(["device", "new-key", "--out", hotspotFile])
        let hotspotID = try #require(hotspot["device"]?.stringValue)
        let hotspotPublic = try #require(hotspot["public_key"]?.stringValue)
        #expect(try refused(["device", "new-key", "--out", hotspotFile]).contains("already exists"))
        let claim = ["--owner", Self.alice, "--kind", "hotspot", "--chain-id", "cairn-devnet"]
        let signature = try ok(["maker", "sign-device", "--maker", "acme", "--device-key-file", hotspotFile] + claim + keyring)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(signature.hasPrefix("0x") && signature.count == 132, "\(signature)")
        // Signing is deterministic (RFC 6979), so the public key alone gives the same signature.
        let signed = try json(["maker", "sign-device", "--maker", "acme", "--device-key", hotspotPublic] + claim + keyring)
        #expect(signed["maker_signature"]?.stringValue == signature && signed["device"]?.stringValue == hotspotID)
        #expect(signed["maker"]?.stringValue == Self.maker && signed["owner"]?.stringValue == Self.alice && signed["kind"] == "hotspot")

        // Every maker input is checked, and the message names the flag.
        let signWith = ["maker", "sign-device", "--maker", "acme"] + keyring
        #expect(try refused(signWith + ["--device-key", "0x1234"] + claim).contains("--device-key must be the device's 33-byte compressed public key"))
        #expect(try refused(signWith + ["--device-key", hotspotPublic, "--owner", "0x12", "--kind", "hotspot", "--chain-id", "cairn-devnet"])
            .contains("--owner '0x12'"))
        #expect(try refused(signWith + ["--device-key", hotspotPublic, "--owner", Self.alice, "--kind", "lamp", "--chain-id", "cairn-devnet"])
            .contains("--kind must be hotspot, storage or meter, not 'lamp'"))
        #expect(try refused(signWith + ["--device-key", hotspotPublic, "--owner", Self.alice, "--kind", "hotspot", "--chain-id", "Cairn_Devnet"])
            .contains("--chain-id"))
        #expect(try refused(["maker", "sign-device", "--device-key", hotspotPublic] + claim + keyring).contains("exactly one of --maker"))

        // Refused by the node with its reason: a key that is no maker, and a signature made for another owner.
        let impostorFile = home + "/impostor.json"
        _ = try ok(["device", "new-key", "--out", impostorFile])
        let forged = try ok(["maker", "sign-device", "--maker-key-file", impostorFile, "--device-key-file", hotspotFile] + claim)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let onboard = ["device", "onboard", "--from", "alice", "--device-key-file", hotspotFile, "--kind", "hotspot"] + send
        #expect(try refused(onboard + ["--maker-signature", forged]).contains("unknown_maker"))
        let forBob = try ok(["maker", "sign-device", "--maker", "acme", "--device-key-file", hotspotFile, "--owner", Self.bob,
                             "--kind", "hotspot", "--chain-id", "cairn-devnet"] + keyring).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try refused(onboard + ["--maker-signature", forBob]).contains("unknown_maker"))
        #expect(try refused(onboard + ["--maker-signature", "0xabcd"]).contains("--maker-signature '0xabcd'"))

        let onboarded = try json(onboard + ["--maker-signature", signature])
        #expect(onboarded["status"] == "committed" && onboarded["device"]?.stringValue == hotspotID, "\(onboarded)")
        #expect(try refused(onboard + ["--maker-signature", signature]).contains("device_exists"))

        // Locations the CLI refuses before anything is signed or sent: the nonce does not move.
        let nonce = try json(["query", "account", Self.alice] + rpc)["next_nonce"]
        let locate = ["device", "assert-location", "--from", "alice", "--device-key-file", hotspotFile] + send
        let sydney = ["--latitude", "-33.86882", "--longitude", "151.209296", "--elevation", "58", "--antenna-gain", "3.0"]
        let north = try refused(locate + ["--latitude", "91.0", "--longitude", "0", "--elevation", "0"])
        #expect(north.contains("--latitude '91.0' is out of range") && north.contains("beyond ±90°"), "\(north)")
        let precise = try refused(locate + ["--latitude", "-33.8688201", "--longitude", "151.209296", "--elevation", "58"])
        #expect(precise.contains("--latitude '-33.8688201'") && precise.contains("more than 6 decimal places"), "\(precise)")
        #expect(try refused(locate + ["--latitude", "1e5", "--longitude", "0", "--elevation", "0"]).contains("is not a decimal number"))
        #expect(try refused(locate + ["--latitude", "0", "--longitude", "-180.5", "--elevation", "0"]).contains("--longitude '-180.5' is out of range"))
        #expect(try refused(locate + sydney.dropLast(2) + ["--antenna-gain", "3.05"]).contains("--antenna-gain '3.05'"))
        #expect(try refused(locate + ["--latitude", "0", "--longitude", "0", "--elevation", "high"]).contains("--elevation must be whole metres"))
        #expect(try json(["query", "account", Self.alice] + rpc)["next_nonce"] == nonce)

        let located = try json(locate + sydney)
        #expect(located["status"] == "committed", "\(located)")
        let shown = try json(["device", "show", hotspotID] + rpc)
        #expect(shown["owner"]?.stringValue == Self.alice && shown["maker"]?.stringValue == Self.maker && shown["kind"] == "hotspot")
        #expect(shown["status"] == "active" && shown["location_nonce"] == .integer(1), "\(shown)")
        let location = try #require(shown["location"])
        #expect(location["latitude"] == .integer(-33_868_820) && location["longitude"] == .integer(151_209_296))
        #expect(location["elevation"] == .integer(58) && location["antenna_gain"] == .integer(30))
        let cellText = try #require(location["cell"]?.stringValue)
        let cell = try #require(CellID(string: cellText))
        let expectedCell = try CellID(containing: GeoPoint(latitude: -33_868_820, longitude: 151_209_296), resolution: 15)
        #expect(cell == expectedCell)
        let text = try ok(["device", "show", hotspotID] + rpc)
        #expect(text.contains("-33.868820, 151.209296, elevation 58 m, antenna 3.0 dBi"), "\(text)")

        // A second device, storage (no location), to page through.
        let diskFile = home + "/disk.json"
        let diskID = try #require(try json(["device", "new-key", "--out", diskFile])["device"]?.stringValue)
        let diskSignature = try ok(["maker", "sign-device", "--maker", "acme", "--device-key-file", diskFile, "--owner", Self.alice,
                                    "--kind", "storage", "--chain-id", "cairn-devnet"] + keyring).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try ok(["device", "onboard", "--from", "alice", "--device-key-file", diskFile, "--kind", "storage",
                    "--maker-signature", diskSignature] + send)

        let owned = try json(["device", "list", "--owner", Self.alice] + rpc)
        #expect(Set(owned["devices"]?.arrayValue?.compactMap { $0["device"]?.stringValue } ?? []) == [hotspotID, diskID], "\(owned)")
        let firstPage = try json(["device", "list", "--owner", Self.alice, "--limit", "1"] + rpc)
        #expect(firstPage["devices"]?.arrayValue?.count == 1 && firstPage["next"]?.stringValue != nil, "\(firstPage)")
        let second = try json(["device", "list", "--owner", Self.alice, "--limit", "1", "--cursor", firstPage["next"]?.stringValue ?? ""] + rpc)
        #expect(second["devices"]?.arrayValue?.count == 1 && second["devices"]?[0] != firstPage["devices"]?[0])
        let everything = try json(["device", "list", "--owner", Self.alice, "--limit", "1", "--all"] + rpc)
        #expect(everything["devices"]?.arrayValue?.count == 2 && everything["next"] == .null, "\(everything)")
        #expect(try ok(["device", "list", "--owner", Self.alice, "--limit", "1"] + rpc).contains("more: --cursor 0x"))
        #expect(try json(["device", "list", "--kind", "storage"] + rpc)["devices"]?[0]?["device"]?.stringValue == diskID)

        // By cell: the hotspot's own cell and a coarse parent hold it; a cell in Berlin does not.
        for inside in try [cell, cell.parent(at: 4)] {
            let page = try json(["device", "list", "--cell", inside.description] + rpc)
            #expect(page["devices"]?.arrayValue?.compactMap { $0["device"]?.stringValue } == [hotspotID], "\(inside): \(page)")
        }
        let berlin = try CellID(containing: GeoPoint(latitude: 52_520_008, longitude: 13_404_954), resolution: 4)
        #expect(try json(["device", "list", "--cell", berlin.description] + rpc)["devices"]?.arrayValue?.isEmpty == true)
        #expect(try ok(["device", "list", "--cell", berlin.description] + rpc).contains("No devices."))
        #expect(try refused(["device", "list"] + rpc).contains("exactly one of --owner"))
        #expect(try refused(["device", "list", "--cell", "sydney"] + rpc).contains("--cell must be a cell id"))
        #expect(try refused(["device", "list", "--kind", "hotspot", "--limit", "0"] + rpc).contains("--limit must be between 1 and 1000"))
        #expect(try refused(["device", "show", Self.bob] + rpc).contains("no device \(Self.bob)"))

        // Alice gives the hotspot to bob; then only bob may retire it, and a retired device leaves its cell.
        _ = try ok(["device", "transfer", "--from", "alice", "--device", hotspotID, "--to", Self.bob] + send)
        #expect(try json(["device", "show", hotspotID] + rpc)["owner"]?.stringValue == Self.bob)
        #expect(try refused(["device", "deactivate", "--from", "alice", "--device", hotspotID] + send).contains("not_owner"))
        _ = try ok(["device", "deactivate", "--from", "bob", "--device", hotspotID] + send)
        #expect(try json(["device", "show", hotspotID] + rpc)["status"] == "deactivated")
        #expect(try json(["device", "list", "--cell", cell.description] + rpc)["devices"]?.arrayValue?.isEmpty == true)
        #expect(node.terminate() == 0)
    }
}
