import CairnCore

/// Events as the node's JSON gives them (`{module, kind, attributes: [{key, value}]}`).
enum ChainEvents {
    static func attributes(_ event: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        for a in event["attributes"]?.arrayValue ?? [] {
            if let k = a["key"]?.stringValue, let v = a["value"]?.stringValue { out[k] = v }
        }
        return out
    }

    /// The attributes of each event of `kind`, in order.
    static func all(_ events: [JSONValue], kind: String) -> [[String: String]] {
        events.filter { $0["kind"]?.stringValue == kind }.map(attributes)
    }
}
