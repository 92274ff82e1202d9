import CairnCore

/// `cairn simulate all`: the three simulations' reports as one.
public struct FleetReport: Sendable {
    public var coverage: SimulationReport?
    public var storage: StorageReport?
    public var energy: EnergyReport?
    public var seconds = 0.0

    public init() {}

    public var lines: [String] {
        var out: [String] = []
        for part in [coverage?.lines, storage?.lines, energy?.lines].compactMap({ $0 }) {
            if !out.isEmpty { out += ["", String(repeating: "─", count: 72), ""] }
            out += part
        }
        return out + ["", "All simulations: \(Int(seconds)) s"]
    }

    public var json: JSONValue {
        ["coverage": coverage?.json ?? .null, "storage": storage?.json ?? .null, "energy": energy?.json ?? .null,
         "seconds": ReportText.fraction(seconds, digits: 1)]
    }
}
