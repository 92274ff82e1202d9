import CairnCore
#if canImport(FoundationEssentials)
import FoundationEssentials  // JSONDecoder without the rest of Foundation
#else
import Foundation
#endif

/// The `params` of one request, read by name or by position.
///
/// JSON-RPC lets clients pass parameters as an array (by position) or an object (by name); every
/// accessor takes both the name and the position from the method's declaration so handlers do
/// not care which form was used. Failures throw `invalidParams` naming the parameter, so a
/// client sees "parameter 'height': expected unsigned integer, got string" rather than a
/// generic error. An explicit `null` counts as absent.
public struct RPCParams: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        case absent
        case positional([JSONValue])
        case named([String: JSONValue])
    }

    public let storage: Storage

    public init(_ storage: Storage) {
        self.storage = storage
    }

    /// `params` as found in a request; anything but an array, an object or absence is invalid.
    public init(json: JSONValue?) throws(RPCError) {
        switch json {
        case nil: storage = .absent
        case .array(let elements)?: storage = .positional(elements)
        case .object(let members)?: storage = .named(members)
        case let other?: throw .invalidRequest("params must be an array or an object, got \(other.typeName)")
        }
    }

    public static let none = RPCParams(.absent)

    /// The raw value, `nil` when absent or `null`.
    public func value(_ name: String, at position: Int) -> JSONValue? {
        let found: JSONValue?
        switch storage {
        case .absent: found = nil
        case .positional(let elements): found = elements.indices.contains(position) ? elements[position] : nil
        case .named(let members): found = members[name]
        }
        if let found, !found.isNull { return found }
        return nil
    }

    /// Checks the shape against the declared parameters: no unknown names, no extra positions,
    /// every required parameter present.
    public func validate(against specs: [RPCParamSpec]) throws(RPCError) {
        switch storage {
        case .absent:
            break
        case .positional(let elements):
            if elements.count > specs.count {
                throw .invalidParams("too many parameters: expected at most \(specs.count), got \(elements.count)")
            }
        case .named(let members):
            let known = Set(specs.map(\.name))
            let unknown = members.keys.filter { !known.contains($0) }.sorted()
            if !unknown.isEmpty {
                let list = unknown.map { "'\($0)'" }.joined(separator: ", ")
                throw .invalidParams("unknown parameter\(unknown.count == 1 ? "" : "s"): \(list)")
            }
        }
        for (position, spec) in specs.enumerated() where spec.required {
            if value(spec.name, at: position) == nil {
                throw .invalidParams("missing required parameter '\(spec.name)'")
            }
        }
    }

    // MARK: Typed accessors

    private func required(_ name: String, _ position: Int) throws(RPCError) -> JSONValue {
        guard let found = value(name, at: position) else {
            throw .invalidParams("missing required parameter '\(name)'")
        }
        return found
    }

    private static func mismatch(_ name: String, expected: String, got value: JSONValue) -> RPCError {
        .invalidParams("parameter '\(name)': expected \(expected), got \(value.typeName)")
    }

    public func optionalString(_ name: String, at position: Int) throws(RPCError) -> String? {
        guard let found = value(name, at: position) else { return nil }
        guard let text = found.stringValue else { throw Self.mismatch(name, expected: "string", got: found) }
        return text
    }

    public func string(_ name: String, at position: Int) throws(RPCError) -> String {
        let found = try required(name, position)
        guard let text = found.stringValue else { throw Self.mismatch(name, expected: "string", got: found) }
        return text
    }

    public func optionalUInt64(_ name: String, at position: Int) throws(RPCError) -> UInt64? {
        guard let found = value(name, at: position) else { return nil }
        guard let integer = found.integerValue, let unsigned = UInt64(exactly: integer) else {
            if let integer = found.integerValue {
                throw .invalidParams("parameter '\(name)': expected unsigned integer, got \(integer)")
            }
            throw Self.mismatch(name, expected: "unsigned integer", got: found)
        }
        return unsigned
    }

    public func uint64(_ name: String, at position: Int) throws(RPCError) -> UInt64 {
        _ = try required(name, position)
        return try optionalUInt64(name, at: position)!
    }

    public func optionalBool(_ name: String, at position: Int) throws(RPCError) -> Bool? {
        guard let found = value(name, at: position) else { return nil }
        guard let flag = found.boolValue else { throw Self.mismatch(name, expected: "boolean", got: found) }
        return flag
    }

    public func bool(_ name: String, at position: Int) throws(RPCError) -> Bool {
        let found = try required(name, position)
        guard let flag = found.boolValue else { throw Self.mismatch(name, expected: "boolean", got: found) }
        return flag
    }

    public func optionalObject(_ name: String, at position: Int) throws(RPCError) -> [String: JSONValue]? {
        guard let found = value(name, at: position) else { return nil }
        guard let members = found.objectValue else { throw Self.mismatch(name, expected: "object", got: found) }
        return members
    }

    public func object(_ name: String, at position: Int) throws(RPCError) -> [String: JSONValue] {
        let found = try required(name, position)
        guard let members = found.objectValue else { throw Self.mismatch(name, expected: "object", got: found) }
        return members
    }

    public func optionalArray(_ name: String, at position: Int) throws(RPCError) -> [JSONValue]? {
        guard let found = value(name, at: position) else { return nil }
        guard let elements = found.arrayValue else { throw Self.mismatch(name, expected: "array", got: found) }
        return elements
    }

    public func array(_ name: String, at position: Int) throws(RPCError) -> [JSONValue] {
        let found = try required(name, position)
        guard let elements = found.arrayValue else { throw Self.mismatch(name, expected: "array", got: found) }
        return elements
    }

    /// A parameter decoded into a `Decodable` type, for structured arguments.
    public func decode<T: Decodable>(_ type: T.Type, _ name: String, at position: Int) throws(RPCError) -> T {
        let found = try required(name, position)
        do {
            let data = Data(JSONText.bytes(.array([found])))
            return try JSONDecoder().decode([T].self, from: data)[0]
        } catch {
            throw .invalidParams("parameter '\(name)': cannot be read as \(T.self): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            let path = context.codingPath.dropFirst().map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "field '\(path)': \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
