import ArgumentParser
import CairnCore
import CairnCrypto
import CairnGeo
import CairnRPC

extension EnergyCommand {
    struct Meter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A registered meter: owner, capacity, technology, bond, location, last reading, energy and certificates.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The meter device's id.") var meter: String

        func run() async throws {
            let id = try DeviceArgument.address("meter", meter)
            let m = try await EnergyLookup.call(JSONRPCClient(url: client.rpc), "energy_getMeter", ["meter": .string(id.checksummed)])
            if client.json { return print(JSONText.string(m)) }
            print("meter:        \(m["meter"]?.stringValue ?? id.checksummed)")
            print("owner:        \(m["owner"]?.stringValue ?? "?") (device \(m["status"]?.stringValue ?? "?"))")
            print("capacity:     \(m["capacity"]?.integerValue ?? 0) W, \(m["technology"]?.stringValue ?? "?")")
            print("bond:         \(EnergyLookup.amount(m["bond"]))")
            if let w = m["withdrawal"]?.objectValue {
                print("withdrawal:   \(EnergyLookup.amount(w["amount"])) to \(w["recipient"]?.stringValue ?? "?") at height \(w["unlock_height"]?.integerValue ?? 0)")
            }
            let located = m["latitude"]?.integerValue.map { lat in
                "\(DecimalText.text(lat, decimals: 6)), \(DecimalText.text(m["longitude"]?.integerValue ?? 0, decimals: 6)), cell \(m["cell"]?.stringValue ?? "?")"
            }
            print("location:     \(located ?? "none asserted: its readings are refused (meter_not_located)")")
            print("registered:   height \(m["registered_at"]?.integerValue ?? 0)")
            if let last = m["last_reading"]?.objectValue {
                print("last reading: slot \(last["slot"]?.integerValue ?? 0), \(last["energy"]?.integerValue ?? 0) Wh, sequence \(last["sequence"]?.integerValue ?? 0)")
            } else {
                print("last reading: none (the first accepted reading is the baseline and credits nothing)")
            }
            print("energy:       \(m["total_energy"]?.integerValue ?? 0) Wh verified, \(m["certificates"]?.integerValue ?? 0) certificates, "
                  + "\(m["carried"]?.integerValue ?? 0) Wh carried")
            if let f = m["frozen"]?.objectValue {
                print("FROZEN:       at height \(f["height"]?.integerValue ?? 0) for slot \(f["slot"]?.integerValue ?? 0), reported by "
                      + "\(f["reporter"]?.stringValue ?? "?"), \(EnergyLookup.amount(f["slashed"])) slashed")
            }
        }
    }

    struct Readings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A meter's accepted readings, or with --rejected its refused ones with each reason, oldest slot first.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var paging: PageOptions
        @Argument(help: "The meter device's id.") var meter: String
        @Option(help: "Start at this slot.") var fromSlot: UInt64?
        @Flag(help: "List the refused readings, with the rule each broke.") var rejected = false

        func run() async throws {
            let id = try DeviceArgument.address("meter", meter)
            var params: [String: JSONValue] = ["meter": .string(id.checksummed)]
            if let fromSlot { params["from_slot"] = .integer(Int64(clamping: fromSlot)) }
            let method = rejected ? "energy_getRejectedReadings" : "energy_getReadings"
            let page = try await paging.read(method, params, list: "readings", rpc: JSONRPCClient(url: client.rpc))
            if client.json { return print(JSONText.string(page.json)) }
            if page.items.isEmpty { print(rejected ? "No refused readings." : "No accepted readings.") }
            for r in page.items {
                let common = "slot \(r["slot"]?.integerValue ?? 0)  \(r["energy"]?.integerValue ?? 0) Wh  sequence \(r["sequence"]?.integerValue ?? 0)  "
                    + "height \(r["height"]?.integerValue ?? 0)"
                if rejected {
                    print("\(common)  \(r["detail"]?.stringValue ?? r["reason"]?.stringValue ?? "?")")
                } else {
                    print("\(common)  credited \(r["credited"]?.integerValue ?? 0) Wh")
                }
            }
            page.printNext()
        }
    }

    struct Certificates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Certificate lots an address holds, a meter's energy made, or that were retired.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var paging: PageOptions
        @Option(help: "Lots this address holds (not retired).") var owner: String?
        @Option(help: "Lots this meter's energy made, wherever they are now.") var meter: String?
        @Flag(help: "Retired lots, oldest retirement first.") var retired = false
        @Option(help: "With --retired: from retirements at this height.") var fromHeight: UInt64?

        func validate() throws {
            guard [owner != nil, meter != nil, retired].filter({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --owner ADDRESS, --meter METER and --retired")
            }
            if fromHeight != nil, !retired { throw ValidationError("--from-height goes with --retired") }
        }

        func run() async throws {
            let method: String
            var params: [String: JSONValue] = [:]
            if let owner {
                method = "energy_listCertificatesByOwner"
                params["owner"] = .string(try DeviceArgument.address("--owner", owner).checksummed)
            } else if let meter {
                method = "energy_listCertificatesByMeter"
                params["meter"] = .string(try DeviceArgument.address("--meter", meter).checksummed)
            } else {
                method = "energy_listRetiredCertificates"
                if let fromHeight { params["from_height"] = .integer(Int64(clamping: fromHeight)) }
            }
            let page = try await paging.read(method, params, list: "lots", rpc: JSONRPCClient(url: client.rpc))
            if client.json { return print(JSONText.string(page.json)) }
            if page.items.isEmpty { print("No certificates.") }
            for lot in page.items {
                let first = lot["first_serial"]?.integerValue ?? 0, last = lot["last_serial"]?.integerValue ?? 0
                print("lot \(lot["lot"]?.integerValue ?? 0): serials \(first)…\(last) (\(lot["count"]?.integerValue ?? 0) kWh)  "
                      + "meter \(lot["meter"]?.stringValue ?? "?")  slots \(lot["first_slot"]?.integerValue ?? 0)…\(lot["last_slot"]?.integerValue ?? 0)  "
                      + "owner \(lot["owner"]?.stringValue ?? "?")  minted at \(lot["minted_at"]?.integerValue ?? 0)")
                if let r = lot["retirement"]?.objectValue {
                    print("  retired at \(r["height"]?.integerValue ?? 0) by \(r["by"]?.stringValue ?? "?") for '\(r["beneficiary"]?.stringValue ?? "")': "
                          + "\(r["purpose"]?.stringValue ?? "")")
                }
            }
            page.printNext()
        }
    }
}

/// The energy module's RPC, as the commands read it.
enum EnergyLookup {
    static func call(_ rpc: JSONRPCClient, _ method: String, _ params: [String: JSONValue]) async throws -> JSONValue {
        do { return try await rpc.call(method, .object(params)) } catch {
            if case .rpc(let rejection) = error, rejection.knownCode == RPCErrorCode.notFound { throw UserError(rejection.message) }
            throw error
        }
    }

    static func chainID(_ rpc: JSONRPCClient) async throws -> String {
        guard let id = try await rpc.call("node_status")["chain_id"]?.stringValue else { throw UserError("node_status returned no chain_id") }
        return id
    }

    static func minBond(_ rpc: JSONRPCClient) async throws -> Amount {
        let params = try await rpc.call("state_getParams", ["module": "energy"])
        guard let text = params["params"]?["energy"]?["min_bond"]?.stringValue, let bond = Amount(text) else {
            throw UserError("state_getParams returned no energy.min_bond; give --bond")
        }
        return bond
    }

    static func amount(_ value: JSONValue?) -> String { (value?.stringValue).flatMap { UInt128($0) }.map(AmountFormat.display) ?? "?" }
}
