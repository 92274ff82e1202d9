import ArgumentParser
import CairnCore
import CairnCrypto
import CairnGeo
import CairnNode
import CairnRPC
import CairnState
import Foundation

struct CoverageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage", abstract: "Proof-of-coverage: challenges, beacons, witness receipts and their verdicts (Specs/depin/coverage.md).",
        subcommands: [Challenges.self, Witness.self, Beacon.self, Witnesses.self, History.self, Rewards.self, Epoch.self, Cell.self])

    struct Challenges: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The hotspots a block challenged, with each beacon's payload, channel and the window to attest it in.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The challenge block's height (default: the latest committed).") var height: UInt64?

        func run() async throws {
            let rpc = JSONRPCClient(url: client.rpc)
            var at = height ?? 0
            if height == nil { at = try await CoverageLookup.latestHeight(rpc) }
            let c = try await rpc.call("coverage_getChallenges", ["height": .integer(Int64(clamping: at))])
            if client.json { return print(JSONText.string(c)) }
            let list = c["challenges"]?.arrayValue ?? []
            print("height \(at): \(list.count) challenge\(list.count == 1 ? "" : "s"); attest by height \(c["last_height"]?.integerValue ?? 0), "
                  + "beacons heard \(c["earliest_time"]?.integerValue ?? 0)…\(c["latest_time"]?.integerValue ?? 0) ms")
            for x in list {
                print("\(x["challengee"]?.stringValue ?? "?")  beacon \(x["beacon_id"]?.stringValue ?? "?")  channel \(x["channel"]?.integerValue ?? 0) "
                      + "(\(x["frequency"]?.integerValue ?? 0) Hz)  packet \(x["packet_hash"]?.stringValue ?? "?")"
                      + (x["attested"]?.boolValue == true ? "  attested" : ""))
            }
        }
    }

    /// What a witness's radio signs when it hears a beacon: printed as hex for the challengee's
    /// gateway to gather into its attestation.
    struct Witness: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a witness receipt of a beacon this hotspot heard; prints the signed receipt as hex for `coverage beacon --receipt`.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var device: DeviceKeyOptions
        @OptionGroup var home: HomeOption
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "The challenge block's height.") var height: UInt64
        @Option(help: "The challenged hotspot (its device id).") var challengee: String
        @Option(parsing: .unconditional, help: "RSSI heard, dBm with at most one decimal (e.g. -97.5).") var rssi: String
        @Option(parsing: .unconditional, help: "SNR heard, dB with at most one decimal.") var snr: String
        @Option(help: "Frequency heard, Hz (default: the beacon's channel).") var frequency: UInt64?
        @Option(help: "When it was heard, ms since the Unix epoch (default: now).") var time: UInt64?
        @Option(help: "SHA-256 of the payload heard, 0x-hex (default: the beacon's, from the node).") var packetHash: String?

        func run() async throws {
            let key = try device.choice.load(home: home, passphrase: passphrase)
            let target = try DeviceArgument.address("--challengee", challengee)
            let rssiTenths = try DeviceArgument.parse("--rssi", rssi) { try DecimalText.scaled($0, decimals: 1) }
            let snrTenths = try DeviceArgument.parse("--snr", snr) { try DecimalText.scaled($0, decimals: 1) }
            guard let r = Int32(exactly: rssiTenths), let s = Int32(exactly: snrTenths) else {
                throw ValidationError("--rssi and --snr must be within ±214 748 364.7")
            }
            let rpc = JSONRPCClient(url: client.rpc)
            let (chainID, beacon) = try await CoverageLookup.beacon(rpc, height: height, challengee: target)
            let packet = try packetHash.map { text in try DeviceArgument.parse("--packet-hash", text) { try Hash32(hex: $0) } }
                ?? Hash32(hex: beacon["packet_hash"]?.stringValue ?? "")
            let receipt = WitnessReceipt(witness: key.address, rssi: r, snr: s,
                                         frequency: frequency ?? UInt64(beacon["frequency"]?.integerValue ?? 0),
                                         time: time ?? UInt64(Date().timeIntervalSince1970 * 1000), packetHash: packet)
            let beaconID = CairnState.Beacon.id(height: height, challengee: target)
            let signed = SignedReceipt(receipt: receipt, signature: key.sign(digest: receipt.digest(chainID: chainID, beaconID: beaconID)))
            let hex = Hex.prefixed(signed.canonicalBytes)
            if client.json { return print(JSONText.string(["receipt": .string(hex), "witness": .string(key.address.checksummed)])) }
            print(hex)
        }
    }

    struct Beacon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "As the challenged hotspot: sign the beacon report and submit it with the witnesses' receipts as one attestation.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var device: DeviceKeyOptions
        @OptionGroup var home: HomeOption
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "The challenge block's height.") var height: UInt64
        @Option(help: "When the beacon was sent, ms since the Unix epoch (default: now).") var time: UInt64?
        @Option(help: "A signed receipt from `cairn coverage witness` (repeat for each).") var receipt: [String] = []

        func run() async throws {
            let key = try device.choice.load(home: home, passphrase: passphrase)
            let receipts = try receipt.enumerated().map { i, text in
                try DeviceArgument.parse("--receipt \(i + 1)", text) { try SignedReceipt(canonicalBytes: try Hex.decode($0)) }
            }
            let rpc = JSONRPCClient(url: client.rpc)
            let (chainID, _) = try await CoverageLookup.beacon(rpc, height: height, challengee: key.address)
            let sent = time ?? UInt64(Date().timeIntervalSince1970 * 1000)
            let id = CairnState.Beacon.id(height: height, challengee: key.address)
            let attestation = CoverageAttestation(
                challengeHeight: height, challengee: key.address, reportTime: sent,
                reportSignature: key.sign(digest: CoverageAttestation.reportDigest(chainID: chainID, beaconID: id, time: sent)),
                receipts: receipts).attestation
            let submitted: JSONValue
            do { submitted = try await rpc.call("attest_submit", [.string(Hex.prefixed(attestation.canonicalBytes))]) } catch {
                if case .rpc(let rejection) = error, let reason = rejection.data?["reason"]?.stringValue {
                    throw UserError("the node refused the attestation (\(reason)): \(rejection.message)")
                }
                throw error
            }
            if client.json {
                return print(JSONText.string(["attestation": submitted, "beacon_id": .string(id.hex), "receipts": .integer(Int64(receipts.count))]))
            }
            print("submitted attestation \(submitted.stringValue ?? "?") of beacon \(id.hex) with \(receipts.count) receipt\(receipts.count == 1 ? "" : "s")")
            print("verdicts, once included: cairn coverage witnesses \(id.hex)")
        }
    }

    struct Witnesses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A beacon's receipts and each one's verdict, with the reason a refused one broke.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The beacon id (from `coverage challenges`).") var beacon: String

        func run() async throws {
            let id = try DeviceArgument.parse("beacon", beacon) { try Hash32(hex: $0) }
            let rpc = JSONRPCClient(url: client.rpc)
            let b: JSONValue
            do { b = try await rpc.call("coverage_getWitnessResults", ["beacon_id": .string(id.hex)]) } catch {
                if case .rpc(let rejection) = error, rejection.knownCode == RPCErrorCode.notFound {
                    throw UserError("no accepted attestation of beacon \(id.hex) on the node at \(rpc.url) (yet)")
                }
                throw error
            }
            if client.json { return print(JSONText.string(b)) }
            print("beacon \(id.hex): \(b["challengee"]?.stringValue ?? "?") challenged at \(b["challenge_height"]?.integerValue ?? 0), "
                  + "included at \(b["included_at"]?.integerValue ?? 0)")
            for w in b["witnesses"]?.arrayValue ?? [] {
                print("  \(w["witness"]?.stringValue ?? "?")  \(w["detail"]?.stringValue ?? w["verdict"]?.stringValue ?? "?")")
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A device's beacons and receipts, oldest first, each with its verdict.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var paging: PageOptions
        @Argument(help: "The device id.") var device: String

        func run() async throws {
            let id = try DeviceArgument.address("device", device)
            let page = try await paging.read("coverage_getDeviceHistory", ["device": .string(id.checksummed)], list: "history",
                                             rpc: JSONRPCClient(url: client.rpc))
            if client.json { return print(JSONText.string(page.json)) }
            if page.items.isEmpty { print("No beacons or receipts.") }
            for h in page.items {
                let what = h["role"]?.stringValue == "beacon"
                    ? "beaconed: \(h["selected"]?.integerValue ?? 0) of \(h["receipts"]?.integerValue ?? 0) receipts selected"
                    : "witnessed: \(h["detail"]?.stringValue ?? "?")"
                print("height \(h["challenge_height"]?.integerValue ?? 0)  beacon \(h["beacon_id"]?.stringValue ?? "?")  \(what)")
            }
            page.printNext()
        }
    }

    struct Rewards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What a device earned per epoch from the coverage pool, and whom it was paid to.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var paging: PageOptions
        @Argument(help: "The device id.") var device: String

        func run() async throws {
            let id = try DeviceArgument.address("device", device)
            let page = try await paging.read("coverage_getDeviceRewards", ["device": .string(id.checksummed)], list: "rewards",
                                             rpc: JSONRPCClient(url: client.rpc))
            if client.json { return print(JSONText.string(page.json)) }
            if page.items.isEmpty { print("No rewards yet.") }
            for r in page.items {
                let amount = (r["amount"]?.stringValue).flatMap { UInt128($0) }.map(AmountFormat.display) ?? "?"
                print("epoch \(r["epoch"]?.integerValue ?? 0)  \(amount)  to \(r["owner"]?.stringValue ?? "?")  "
                      + "(\(r["beacons"]?.integerValue ?? 0) beacons, \(r["witnesses"]?.integerValue ?? 0) receipts selected)")
            }
            page.printNext()
        }
    }

    struct Epoch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An epoch's beacons and receipts, and once settled, what its pool paid.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The epoch number.") var epoch: UInt64

        func run() async throws {
            let e = try await JSONRPCClient(url: client.rpc).call("coverage_getEpoch", ["epoch": .integer(Int64(clamping: epoch))])
            if client.json { return print(JSONText.string(e)) }
            func amount(_ name: String) -> String { (e[name]?.stringValue).flatMap { UInt128($0) }.map(AmountFormat.display) ?? "?" }
            print("epoch \(epoch): heights \(e["first_height"]?.integerValue ?? 0)…\(e["last_height"]?.integerValue ?? 0)")
            print("beacons \(e["beacons"]?.integerValue ?? 0), receipts \(e["receipts"]?.integerValue ?? 0) "
                  + "(\(e["selected"]?.integerValue ?? 0) selected, \(e["rejected"]?.integerValue ?? 0) rejected)")
            if let settled = e["settled_at"]?.integerValue {
                print("settled at \(settled): pool \(amount("pool")), paid \(amount("paid")) to \(e["devices_paid"]?.integerValue ?? 0) devices, "
                      + "\(amount("remainder")) kept")
            } else {
                print("not settled yet")
            }
        }
    }

    struct Cell: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Coverage inside a cell as an epoch's settlement saw it: hotspots, HIP-17 densities, reward scale and beacons per resolution-8 cell.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var paging: PageOptions
        @Argument(help: "A cell id (16 lower-case hex digits, as `device show` prints).") var cell: String
        @Option(help: "A settled epoch.") var epoch: UInt64

        func run() async throws {
            guard CellID(string: cell) != nil else { throw ValidationError("the cell must be 16 lower-case hex digits, not '\(cell)'") }
            let page = try await paging.read("coverage_getCellCoverage", ["cell": .string(cell), "epoch": .integer(Int64(clamping: epoch))],
                                             list: "cells", rpc: JSONRPCClient(url: client.rpc))
            if client.json { return print(JSONText.string(page.json)) }
            if page.items.isEmpty { print("No hotspots or beacons there in epoch \(epoch).") }
            for c in page.items {
                let densities = (c["densities"]?.arrayValue ?? []).map {
                    "r\($0["resolution"]?.integerValue ?? 0) \($0["clipped"]?.integerValue ?? 0)/\($0["unclipped"]?.integerValue ?? 0)"
                }.joined(separator: ", ")
                print("\(c["cell"]?.stringValue ?? "?")  \(c["hotspots"]?.integerValue ?? 0) hotspots  scale "
                      + "\(DecimalText.text(c["scale"]?.integerValue ?? 0, decimals: 6))  (\(densities))  "
                      + "\(c["beacons"]?.integerValue ?? 0) beacons, \(c["witnesses"]?.integerValue ?? 0) witnesses")
            }
            page.printNext()
        }
    }
}

enum CoverageLookup {
    static func latestHeight(_ rpc: JSONRPCClient) async throws -> UInt64 {
        let status = try await rpc.call("node_status")
        guard let height = status["latest_height"]?.integerValue, height >= 0 else {
            throw UserError("node_status returned no height")
        }
        return UInt64(height)
    }

    /// The node's chain id and `challengee`'s challenge at `height`; says so when there is none.
    static func beacon(_ rpc: JSONRPCClient, height: UInt64, challengee: Address) async throws -> (String, JSONValue) {
        let status = try await rpc.call("node_status")
        guard let chainID = status["chain_id"]?.stringValue else { throw UserError("node_status returned no chain_id") }
        let challenges = try await rpc.call("coverage_getChallenges", ["height": .integer(Int64(clamping: height))])
        guard let beacon = challenges["challenges"]?.arrayValue?.first(where: { $0["challengee"]?.stringValue == challengee.checksummed }) else {
            throw UserError("\(challengee.checksummed) was not challenged at height \(height) (see `cairn coverage challenges --height \(height)`)")
        }
        return (chainID, beacon)
    }
}
