import CairnCore

/// One numeric field of a parameters record, for records whose JSON form is a flat object of
/// integers and amounts: the JSON name, and where the value lives.
public enum ParameterField<P>: @unchecked Sendable {
    /// An integer below 2^64, written as a JSON integer.
    case integer(String, WritableKeyPath<P, UInt64>)
    /// An amount of base units, written as a decimal string.
    case amount(String, WritableKeyPath<P, Amount>)

    var name: String {
        switch self {
        case .integer(let n, _), .amount(let n, _): n
        }
    }
}

/// Parameters whose JSON form is their field table.
public protocol TabularParameters: ModuleParameters {
    static var fields: [ParameterField<Self>] { get }
}

extension TabularParameters {
    public static var jsonSchema: JSONValue {
        QuerySchema.object(Dictionary(uniqueKeysWithValues: fields.map { field -> (String, JSONValue) in
            switch field {
            case .integer(let name, _): (name, QuerySchema.integer)
            case .amount(let name, _): (name, QuerySchema.amount)
            }
        }))
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        for field in Self.fields {
            switch field {
            case .integer(let name, let path): o[name] = .integer(Int64(clamping: self[keyPath: path]))
            case .amount(let name, let path): o[name] = .string(String(self[keyPath: path]))
            }
        }
        return .object(o)
    }

    public init(json: JSONValue, base: Self) throws(ParameterProblem) {
        guard case .object(let o) = json else { throw ParameterProblem(field: "", "must be a JSON object") }
        let known = Set(Self.fields.map(\.name))
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) }) {
            throw ParameterProblem(field: unknown, "is not a parameter of this module")
        }
        var p = base
        for field in Self.fields {
            guard let value = o[field.name] else { continue }
            switch field {
            case .integer(let name, let path):
                guard case .integer(let v) = value, v >= 0 else {
                    throw ParameterProblem(field: name, "must be a non-negative integer")
                }
                p[keyPath: path] = UInt64(v)
            case .amount(let name, let path):
                guard case .string(let text) = value else {
                    throw ParameterProblem(field: name, "must be a decimal string of base units")
                }
                do { p[keyPath: path] = try AmountFormat.parseBaseUnits(text) } catch {
                    throw ParameterProblem(field: name, "\(error)")
                }
            }
        }
        self = p
    }
}

extension TabularParameters {
    /// The canonical encoding of a table: every field in table order, as a varint (amounts as
    /// 128-bit varints).
    public func encode(to writer: inout CanonicalWriter) {
        for field in Self.fields {
            switch field {
            case .integer(_, let path): writer.write(varint: self[keyPath: path])
            case .amount(_, let path): writer.write(varint: self[keyPath: path])
            }
        }
    }

    /// Reads `encode(to:)`'s fields over the defaults; errors name the field as `owner.field`.
    public static func decodeTable(_ reader: inout CanonicalReader, owner: String) throws(CanonicalDecodingError) -> Self {
        var p = Self.defaults
        for field in fields {
            switch field {
            case .integer(let name, let path): p[keyPath: path] = try reader.readVarint("\(owner).\(name)")
            case .amount(let name, let path): p[keyPath: path] = try reader.readVarint128("\(owner).\(name)")
            }
        }
        return p
    }
}
