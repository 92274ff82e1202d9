import ArgumentParser
import CairnCore
import CairnCrypto
import CairnGeo
import CairnRPC

extension DeviceCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A device: kind, owner, maker, status and asserted location.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The device id (its address).") var device: String

        func run() async throws {
            let id = try DeviceArgument.address("device", device)
            let d = try await DeviceLookup.device(id, rpc: JSONRPCClient(url: client.rpc))
            if client.json { return print(JSONText.string(d)) }
            print("device:     \(d["device"]?.stringValue ?? id.checksummed)")
            print("kind:       \(d["kind"]?.stringValue ?? "?")")
            print("status:     \(d["status"]?.stringValue ?? "?")")
            print("owner:      \(d["owner"]?.stringValue ?? "?")")
            print("maker:      \(d["maker"]?.stringValue ?? "?")")
            print("public key: \(d["public_key"]?.stringValue ?? "?")")
            print("onboarded:  height \(d["onboarded_at"]?.integerValue ?? 0)")
            print("location:   \(DeviceLookup.describeLocation(d["location"]))")
            print("next location nonce: \(d["location_nonce"]?.integerValue ?? 0)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Devices by owner, by kind, or inside a cell (any resolution), a page at a time or --all.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var paging: PageOptions
        @Option(help: "Devices this address owns.") var owner: String?
        @Option(help: "Devices of a kind, any status: hotspot, storage or meter.") var kind: String?
        @Option(help: "Active located devices inside this cell (16 lower-case hex digits, as `device show` prints).")
        var cell: String?

        func validate() throws {
            guard [owner, kind, cell].compactMap({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --owner ADDRESS, --kind KIND and --cell CELL")
            }
        }

        /// The list method and its selector.
        func selection() throws -> (String, [String: JSONValue]) {
            if let owner { return ("devices_listByOwner", ["owner": .string(try DeviceArgument.address("--owner", owner).checksummed)]) }
            if let kind { return ("devices_listByKind", ["kind": .string(try DeviceArgument.kind(kind).description)]) }
            let text = cell ?? ""
            guard CellID(string: text) != nil else {
                throw ValidationError("--cell must be a cell id (16 lower-case hex digits, e.g. from `cairn device show`), not '\(text)'")
            }
            return ("devices_listByCell", ["cell": .string(text)])
        }

        func run() async throws {
            let (method, params) = try selection()
            let page = try await paging.read(method, params, list: "devices", rpc: JSONRPCClient(url: client.rpc))
            if client.json { return print(JSONText.string(page.json)) }
            if page.items.isEmpty { print("No devices.") }
            for d in page.items {
                print("\(d["device"]?.stringValue ?? "?")  \(d["kind"]?.stringValue ?? "?")  \(d["status"]?.stringValue ?? "?")  "
                      + "owner \(d["owner"]?.stringValue ?? "?")  \(DeviceLookup.describeLocation(d["location"]))")
            }
            page.printNext()
        }
    }

    struct Makers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The makers whose signatures onboard devices.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var paging: PageOptions

        func run() async throws {
            let page = try await paging.read("devices_getMakers", [:], list: "makers", rpc: JSONRPCClient(url: client.rpc))
            if client.json { return print(JSONText.string(page.json)) }
            if page.items.isEmpty { print("No makers.") }
            for m in page.items {
                print("\(m["maker"]?.stringValue ?? "?")  \(m["name"]?.stringValue ?? "?")  "
                      + "\(m["active"]?.boolValue == true ? "active" : "inactive")  \(m["devices"]?.integerValue ?? 0) devices  "
                      + "key \(m["public_key"]?.stringValue ?? "?")")
            }
            page.printNext()
        }
    }
}

enum DeviceLookup {
    /// devices_getDevice, with "not found" said in terms of what to do about it.
    static func device(_ id: Address, rpc: JSONRPCClient) async throws -> JSONValue {
        do { return try await rpc.call("devices_getDevice", ["device": .string(id.checksummed)]) } catch {
            if case .rpc(let rejection) = error, rejection.knownCode == RPCErrorCode.notFound {
                throw UserError("no device \(id.checksummed) on the node at \(rpc.url): onboard it first (and let the onboarding commit)")
            }
            throw error
        }
    }

    static func describeLocation(_ location: JSONValue?) -> String {
        guard let l = location, l != .null else { return "none asserted" }
        func scaled(_ name: String, _ decimals: Int) -> String {
            DecimalText.text(l[name]?.integerValue ?? 0, decimals: decimals)
        }
        return "\(scaled("latitude", 6)), \(scaled("longitude", 6)), elevation \(l["elevation"]?.integerValue ?? 0) m, "
            + "antenna \(scaled("antenna_gain", 1)) dBi, cell \(l["cell"]?.stringValue ?? "?") (asserted at height \(l["asserted_at"]?.integerValue ?? 0))"
    }
}

/// The paging of the devices_* lists: one page from --cursor, or with --all every page.
struct PageOptions: ParsableArguments {
    @Option(help: "Entries per page, 1 to 1000 (the node's default: 100).") var limit: Int?
    @Option(help: "Start after this point: the `next` of a previous page.") var cursor: String?
    @Flag(help: "Read every page, following `next` until there is none.") var all = false

    func validate() throws {
        if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000, not \(limit)") }
        if let cursor, (try? Hex.decode(cursor)) == nil || !cursor.hasPrefix("0x") {
            throw ValidationError("--cursor must be the 0x-hex `next` of a previous page, not '\(cursor)'")
        }
    }

    struct Page {
        var items: [JSONValue]
        var next: JSONValue
        var height: JSONValue
        let list: String

        var json: JSONValue { .object([list: .array(items), "next": next, "height": height]) }

        func printNext() {
            if let next = next.stringValue { print("more: --cursor \(next)") }
        }
    }

    func read(_ method: String, _ params: [String: JSONValue], list: String, rpc: JSONRPCClient) async throws -> Page {
        var page = Page(items: [], next: cursor.map { .string($0) } ?? .null, height: .null, list: list)
        repeat {
            var query = params
            if let limit { query["limit"] = .integer(Int64(limit)) }
            if page.next != .null { query["cursor"] = page.next }
            let result = try await rpc.call(method, .object(query))
            page.items += result[list]?.arrayValue ?? []
            let next = result["next"] ?? .null
            // A node that hands back the cursor it was given would otherwise keep --all going for ever.
            guard next == .null || next != query["cursor"] else { throw UserError("\(method) returned the same cursor again") }
            page.next = next
            page.height = result["height"] ?? .null
        } while all && page.next != .null
        return page
    }
}
