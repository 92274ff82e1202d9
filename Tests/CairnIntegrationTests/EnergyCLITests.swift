import CairnCore
import Foundation
import Testing

/// `cairn energy` as a meter's owner, the meter itself and a certificate buyer run it against a
/// real devnet process: a wind meter onboarded, located, registered and bonded; its signed
/// readings judged on chain (one refused, with its reason); the certificates they mint moved,
/// retired and refused once retired; and the meter frozen by evidence of two readings of one slot.
@Suite("Energy CLI against a devnet", .serialized)
struct EnergyCLITests: CLISuite {
    static let alice = DevnetAccounts.alice, bob = DevnetAccounts.bob
    static let wallet = ["CAIRN_PASSPHRASE": "energy", "CAIRN_KEYSTORE_SCRYPT_N": "1024"]
    static let cairnUnit: UInt128 = 1_000_000_000_000_000_000

    @Test func aMeterReportsMintsMovesRetiresAndIsFrozen() async throws {
        let home = temporaryDirectory("energy")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let node = try await NodeProcess(NodeProcess.devnetArguments(home + "/node"), logPath: home + "/node.log")
        let rpc = ["--rpc", node.rpcURL], keyring = ["--home", home + "/wallet"]
        let send = keyring + rpc + ["--wait"]
        try importDevnetKeys(keyring)

        // A meter onboarded by alice with the devnet maker's signature, located in Berlin.
        let meterFile = home + "/meter.json"
        let meter = try onboardDevnetDevice(file: meterFile, kind: "meter", owner: Self.alice, from: "alice", keyring: keyring, send: send)
        _ = try ok(["device", "assert-location", "--from", "alice", "--device-key-file", meterFile, "--latitude", "52.520008",
                    "--longitude", "13.404954", "--elevation", "34"] + send)
        let device = try json(["device", "show", meter] + rpc)
        #expect(device["kind"] == "meter" && device["owner"]?.stringValue == Self.alice, "\(device)")
        #expect(device["location"]?["latitude"] == .integer(52_520_008) && device["location"]?["longitude"] == .integer(13_404_954), "\(device)")

        // Registration: flags checked before anything is signed, the node's rules with their reason
        // codes, then a 50 kW wind meter with the chain's min_bond (50 CAIRN on the devnet).
        let register = ["energy", "register-meter", "--from", "alice", "--meter", meter] + send
        #expect(try refused(register + ["--capacity", "50000", "--technology", "tidal"]).contains("--technology must be solar, wind or other"))
        #expect(try refused(register + ["--capacity", "50000", "--technology", "wind", "--bond", "lots"]).contains("--bond 'lots'"))
        #expect(try refused(register + ["--capacity", "6000000", "--technology", "wind"]).contains("capacity_out_of_range"))
        #expect(try refused(register + ["--capacity", "50000", "--technology", "wind", "--bond", "1cairn"]).contains("bond_too_low"))
        #expect(try refused(["energy", "register-meter", "--from", "bob", "--meter", meter, "--capacity", "50000", "--technology", "wind"] + send)
            .contains("not_owner"))
        #expect(try json(register + ["--capacity", "50000", "--technology", "wind"])["status"] == "committed")
        #expect(try refused(register + ["--capacity", "50000", "--technology", "wind"]).contains("meter_registered"))
        var shown = try json(["energy", "meter", meter] + rpc)
        #expect(shown["capacity"] == .integer(50_000) && shown["technology"] == "wind" && shown["owner"]?.stringValue == Self.alice, "\(shown)")
        #expect(shown["bond"]?.stringValue == String(50 * Self.cairnUnit) && shown["last_reading"] == .null, "\(shown)")
        #expect(shown["latitude"] == .integer(52_520_008), "\(shown)")

        // Readings of slots that ended 100 to 70 minutes before the latest block: neither future
        // nor older than the 2-day submission window. 50 kW over a 300 s slot allows 4 375 Wh; the
        // baseline credits nothing, the fifth reading goes backwards and is refused, the sixth is
        // judged against the fourth (8 000 Wh over two slots).
        let now = try #require(try json(["query", "block", "latest"] + rpc)["header"]?["time"]?.integerValue) / 1_000
        let base = now / 300 - 20
        let readings: [(Int64, Int64, Int64)] = [(base, 1_000_000, 1), (base + 1, 1_004_000, 2), (base + 2, 1_008_000, 3),
                                                  (base + 3, 1_012_000, 4), (base + 4, 1_011_000, 5), (base + 5, 1_020_000, 6)]
        let report = ["energy", "report", "--device-key-file", meterFile] + rpc
        #expect(try refused(report + ["--reading", "\(base):1000000"]).contains("--reading 1 '\(base):1000000' must be SLOT:CUMULATIVE_WH:SEQUENCE"))
        let submitted = try json(report + readings.flatMap { ["--reading", "\($0.0):\($0.1):\($0.2)"] })
        #expect(submitted["readings"] == .integer(6) && submitted["meter"]?.stringValue == meter, "\(submitted)")
        let batch = try #require(submitted["batch"]?.stringValue)

        let accepted = try await eventually("the readings to be included", timeout: .seconds(90)) { () -> [JSONValue]? in
            let list = try json(["energy", "readings", meter] + rpc)["readings"]?.arrayValue ?? []
            return list.isEmpty ? nil : list
        }
        #expect(accepted.map { $0["slot"]?.integerValue ?? -1 } == [base, base + 1, base + 2, base + 3, base + 5], "\(accepted)")
        #expect(accepted.map { $0["credited"]?.integerValue ?? -1 } == [0, 4_000, 4_000, 4_000, 8_000], "\(accepted)")
        let rejected = try json(["energy", "readings", meter, "--rejected"] + rpc)["readings"]?.arrayValue ?? []
        #expect(rejected.count == 1 && rejected.first?["reason"] == "energy_decreased" && rejected.first?["slot"] == .integer(base + 4), "\(rejected)")
        #expect(try ok(["energy", "readings", meter, "--rejected"] + rpc).contains("energy_decreased: cumulative 1011000 Wh is below the last accepted 1012000 Wh"))
        shown = try json(["energy", "meter", meter] + rpc)
        #expect(shown["total_energy"] == .integer(20_000) && shown["certificates"] == .integer(20) && shown["carried"] == .integer(0), "\(shown)")
        #expect(shown["last_reading"]?["slot"] == .integer(base + 5), "\(shown)")
        // The same attestation again adds nothing: the node refuses it with the replay rule's reason.
        #expect(try refused(report + readings.flatMap { ["--reading", "\($0.0):\($0.1):\($0.2)"] }).contains("no_accepted_readings"))

        // Twenty kWh certificates in one lot, alice's, made by the meter.
        let lots = try json(["energy", "certificates", "--owner", Self.alice] + rpc)["lots"]?.arrayValue ?? []
        #expect(lots.count == 1 && lots.first?["count"] == .integer(20) && lots.first?["meter"]?.stringValue == meter, "\(lots)")
        let lot = try #require(lots.first?["lot"]?.integerValue)
        #expect(try json(["energy", "certificates", "--meter", meter] + rpc)["lots"]?[0]?["lot"] == .integer(lot))
        #expect(try refused(["energy", "certificates"] + rpc).contains("exactly one of --owner"))

        // Six go to bob, three are retired for a beneficiary; a retired range never moves again.
        let certificates = ["--from", "alice", "--lot", String(lot)] + send
        #expect(try refused(["energy", "transfer-certificate", "--first", String(lot), "--count", "0", "--to", Self.bob] + certificates)
            .contains("--count must be at least 1"))
        #expect(try refused(["energy", "transfer-certificate", "--first", String(lot + 18), "--count", "5", "--to", Self.bob] + certificates)
            .contains("range_outside_lot"))
        _ = try ok(["energy", "transfer-certificate", "--first", String(lot + 14), "--count", "6", "--to", Self.bob] + certificates)
        let bobs = try json(["energy", "certificates", "--owner", Self.bob] + rpc)["lots"]?.arrayValue ?? []
        #expect(bobs.map { [$0["lot"]?.integerValue, $0["count"]?.integerValue] } == [[lot + 14, 6]], "\(bobs)")
        #expect(try refused(["energy", "retire", "--from", "bob", "--lot", String(lot), "--first", String(lot), "--count", "1",
                             "--beneficiary", "x", "--purpose", "y"] + send).contains("not_certificate_owner"))
        _ = try ok(["energy", "retire", "--first", String(lot + 2), "--count", "3", "--beneficiary", "Bäckerei Schmidt",
                    "--purpose", "2026 scope 2, Berlin"] + certificates)
        let retired = try json(["energy", "certificates", "--retired"] + rpc)["lots"]?.arrayValue ?? []
        #expect(retired.count == 1 && retired.first?["lot"] == .integer(lot + 2) && retired.first?["count"] == .integer(3), "\(retired)")
        #expect(retired.first?["retirement"]?["beneficiary"] == "Bäckerei Schmidt" && retired.first?["retirement"]?["by"]?.stringValue == Self.alice)
        let held = try json(["energy", "certificates", "--owner", Self.alice] + rpc)["lots"]?.arrayValue ?? []
        #expect(held.map { [$0["lot"]?.integerValue, $0["count"]?.integerValue] } == [[lot, 2], [lot + 5, 9]], "\(held)")
        let moveRetired = try refused(["energy", "transfer-certificate", "--lot", String(lot + 2), "--first", String(lot + 2), "--count", "1",
                                       "--to", Self.bob, "--from", "alice"] + send)
        #expect(moveRetired.contains("certificates_retired"), "\(moveRetired)")
        #expect(try ok(["energy", "certificates", "--retired"] + rpc).contains("for 'Bäckerei Schmidt': 2026 scope 2, Berlin"))

        // Bonds: a top-up, a withdrawal that would leave less than min_bond, one that leaves enough.
        _ = try ok(["energy", "bond", "top-up", "--from", "alice", "--meter", meter, "--amount", "10cairn"] + send)
        #expect(try refused(["energy", "bond", "withdraw", "--from", "alice", "--meter", meter, "--amount", "20cairn"] + send)
            .contains("bond_below_minimum"))
        _ = try ok(["energy", "bond", "withdraw", "--from", "alice", "--meter", meter, "--amount", "10cairn"] + send)
        shown = try json(["energy", "meter", meter] + rpc)
        #expect(shown["bond"]?.stringValue == String(50 * Self.cairnUnit) && shown["withdrawal"]?["amount"]?.stringValue == String(10 * Self.cairnUnit),
                "\(shown)")

        // The meter signs a second, different reading of its last slot: bob reports the two batches
        // (one from a file), the pending withdrawal returns to the bond (60 CAIRN) and half is slashed.
        let conflicting = try ok(["energy", "report", "--device-key-file", meterFile, "--sign-only",
                                  "--reading", "\(base + 5):1019000:6"] + rpc).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(conflicting.hasPrefix("0x"), "\(conflicting)")
        let evidenceFile = home + "/second.hex"
        try conflicting.write(toFile: evidenceFile, atomically: true, encoding: .utf8)
        let equivocation = ["energy", "report-equivocation", "--from", "bob", "--first", batch] + send
        #expect(try refused(equivocation + ["--second", batch]).contains("carry no slot with two different readings"))
        #expect(try refused(equivocation + ["--second", "0x1234"]).contains("--second '0x1234'"))
        #expect(try json(equivocation + ["--second-file", evidenceFile])["status"] == "committed")
        shown = try json(["energy", "meter", meter] + rpc)
        #expect(shown["frozen"]?["slot"] == .integer(base + 5) && shown["frozen"]?["reporter"]?.stringValue == Self.bob, "\(shown)")
        #expect(shown["frozen"]?["slashed"]?.stringValue == String(30 * Self.cairnUnit) && shown["bond"]?.stringValue == String(30 * Self.cairnUnit),
                "\(shown)")
        #expect(shown["withdrawal"] == .null, "\(shown)")
        #expect(try refused(equivocation + ["--second-file", evidenceFile]).contains("already_reported"))
        #expect(try ok(["energy", "meter", meter] + rpc).contains("FROZEN"))
        // A frozen meter's readings are all refused, so its next attestation is refused whole.
        #expect(try refused(report + ["--reading", "\(base + 6):1024000:7"]).contains("no_accepted_readings"))
        #expect(node.terminate() == 0)
    }
}
