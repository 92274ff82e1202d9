import CairnCore
import CairnRPC
import CairnState

/// What every simulator reads of the chain before it starts: its id, the parameters records,
/// the devices module's fees and the minimum transaction fee.
struct SimulationChain: Sendable {
    let chainID: String
    let params: JSONValue
    let devices: DevicesParameters
    let fee: Amount

    static func connect(_ node: SimulationNode) async throws -> SimulationChain {
        guard let chainID = try await node.call("node_status", [:])["chain_id"]?.stringValue else {
            throw SimulationError("node_status returned no chain_id")
        }
        let params = try await node.call("state_getParams", [:])["params"] ?? [:]
        let devices = try parameters(DevicesParameters.self, params["devices"] ?? [:])
        let fee = (params["consensus"]?["min_transaction_fee"]?.stringValue).flatMap { Amount($0) } ?? AmountFormat.unit / 1_000
        return SimulationChain(chainID: chainID, params: params, devices: devices, fee: fee)
    }

    /// A module's parameters record, failing when the node runs no such module.
    func module<P: TabularParameters>(_ type: P.Type, _ name: String) throws -> P {
        guard let json = params[name] else { throw SimulationError("the node has no \(name) module (state_getParams)") }
        return try Self.parameters(type, json)
    }

    /// The reward epoch's length (the emission record's), which the proof pools settle on.
    var rewardEpochLength: UInt64 { UInt64(params["emission"]?["epoch_length"]?.integerValue ?? 14_400) }

    static func parameters<P: TabularParameters>(_ type: P.Type, _ json: JSONValue) throws -> P {
        do { return try P(json: json, base: P.defaults) } catch { throw SimulationError("state_getParams: \(error)") }
    }
}
