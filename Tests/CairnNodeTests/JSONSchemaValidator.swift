import CairnCore
import CairnRPC

/// Checks JSON values against the JSON Schema (draft 2020-12) subset the RPC schemas use:
/// `type` (a name or a list of names), `properties`, `required`, `additionalProperties` (a
/// boolean), `items`, `pattern` (Swift `Regex`, unanchored as in JSON Schema), `enum`, `const`,
/// `oneOf` and `minimum`. `problems(in:)` rejects every other keyword, so a misspelt keyword,
/// which a full validator would ignore, fails instead of silently checking nothing.
enum JSONSchemaValidator {
    static let keywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "pattern", "enum", "const", "oneOf", "minimum", "maximum",
    ]
    static let typeNames: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]

    // MARK: The schema itself

    /// What is wrong with `schema` as a schema of this subset (empty: nothing), with JSON Pointer-like paths.
    static func problems(in schema: JSONValue, at path: String = "#") -> [String] {
        guard let o = schema.objectValue else { return ["\(path): a schema must be an object, got \(schema.typeName)"] }
        var found: [String] = []
        for key in o.keys.sorted() where !keywords.contains(key) {
            found.append("\(path): unknown keyword '\(key)'")
        }
        if let type = o["type"] {
            let names = type.stringValue.map { [$0] } ?? type.arrayValue?.compactMap(\.stringValue)
            if let names, !names.isEmpty, names.count == (type.arrayValue?.count ?? 1), Set(names).count == names.count {
                for name in names where !typeNames.contains(name) { found.append("\(path)/type: unknown type '\(name)'") }
            } else {
                found.append("\(path)/type: must be a type name or a non-empty list of distinct type names")
            }
        }
        if let properties = o["properties"] {
            if let fields = properties.objectValue {
                for name in fields.keys.sorted() {
                    found += problems(in: fields[name]!, at: "\(path)/properties/\(name)")
                }
            } else {
                found.append("\(path)/properties: must be an object")
            }
        }
        if let required = o["required"] {
            if let names = required.arrayValue?.compactMap(\.stringValue), names.count == required.arrayValue?.count {
                if Set(names).count != names.count { found.append("\(path)/required: lists a field twice") }
                // A required field that additionalProperties: false forbids can never be present.
                if o["additionalProperties"] == false {
                    let declared = Set(o["properties"]?.objectValue?.keys.map { $0 } ?? [])
                    for name in names where !declared.contains(name) {
                        found.append("\(path)/required: '\(name)' is required but not among the properties")
                    }
                }
            } else {
                found.append("\(path)/required: must be a list of field names")
            }
        }
        if let additional = o["additionalProperties"], additional.boolValue == nil {
            found.append("\(path)/additionalProperties: only true or false is supported")
        }
        if let items = o["items"] { found += problems(in: items, at: "\(path)/items") }
        if let pattern = o["pattern"] {
            if let text = pattern.stringValue {
                do { _ = try Regex(text) } catch { found.append("\(path)/pattern: '\(text)' does not compile: \(error)") }
            } else {
                found.append("\(path)/pattern: must be a string")
            }
        }
        if let values = o["enum"], (values.arrayValue ?? []).isEmpty {
            found.append("\(path)/enum: must be a non-empty list")
        }
        for bound in ["minimum", "maximum"] where o[bound].map({ $0.doubleValue == nil }) ?? false {
            found.append("\(path)/\(bound): must be a number")
        }
        if let branches = o["oneOf"] {
            if let list = branches.arrayValue, !list.isEmpty {
                for (i, branch) in list.enumerated() { found += problems(in: branch, at: "\(path)/oneOf/\(i)") }
            } else {
                found.append("\(path)/oneOf: must be a non-empty list of schemas")
            }
        }
        return found
    }

    /// `schema` and every schema inside it (properties, items, oneOf branches), with their paths.
    static func subschemas(of schema: JSONValue, at path: String = "#") -> [(path: String, schema: JSONValue)] {
        var all = [(path, schema)]
        if let fields = schema["properties"]?.objectValue {
            for name in fields.keys.sorted() { all += subschemas(of: fields[name]!, at: "\(path)/properties/\(name)") }
        }
        if let items = schema["items"] { all += subschemas(of: items, at: "\(path)/items") }
        for (i, branch) in (schema["oneOf"]?.arrayValue ?? []).enumerated() {
            all += subschemas(of: branch, at: "\(path)/oneOf/\(i)")
        }
        return all
    }

    // MARK: Values

    /// Why `value` does not satisfy `schema` (empty: it does). `schema` must have no `problems`.
    static func errors(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        guard let o = schema.objectValue else { return ["\(path): invalid schema \(schema)"] }
        if let type = o["type"] {
            let names = type.stringValue.map { [$0] } ?? type.arrayValue?.compactMap(\.stringValue) ?? []
            guard names.contains(where: { Self.value(value, hasType: $0) }) else {
                return ["\(path): expected \(names.joined(separator: " or ")), got \(value.typeName) \(value)"]
            }
        }
        var found: [String] = []
        if let constant = o["const"], value != constant {
            found.append("\(path): expected \(constant), got \(value)")
        }
        if let values = o["enum"]?.arrayValue, !values.contains(value) {
            found.append("\(path): \(value) is not one of \(JSONValue.array(values))")
        }
        if let minimum = o["minimum"]?.doubleValue, let number = value.doubleValue {
            // Integers compare exactly; a Double would round those above 2^53.
            let below = if let i = value.integerValue, let m = o["minimum"]?.integerValue { i < m } else { number < minimum }
            if below { found.append("\(path): \(value) is below the minimum \(o["minimum"]!)") }
        }
        if let maximum = o["maximum"]?.doubleValue, let number = value.doubleValue {
            let above = if let i = value.integerValue, let m = o["maximum"]?.integerValue { i > m } else { number > maximum }
            if above { found.append("\(path): \(value) is above the maximum \(o["maximum"]!)") }
        }
        if let pattern = o["pattern"]?.stringValue, let text = value.stringValue {
            let matches = (try? Regex(pattern)).map { text.contains($0) } ?? false
            if !matches { found.append("\(path): \"\(text)\" does not match \(pattern)") }
        }
        if let object = value.objectValue {
            let properties = o["properties"]?.objectValue ?? [:]
            for name in (o["required"]?.arrayValue ?? []).compactMap(\.stringValue) where object[name] == nil {
                found.append("\(path): missing required field '\(name)'")
            }
            for name in object.keys.sorted() {
                if let fieldSchema = properties[name] {
                    found += errors(object[name]!, against: fieldSchema, at: "\(path).\(name)")
                } else if o["additionalProperties"] == false {
                    found.append("\(path): field '\(name)' is not allowed")
                }
            }
        }
        if let items = o["items"], let array = value.arrayValue {
            for (i, element) in array.enumerated() { found += errors(element, against: items, at: "\(path)[\(i)]") }
        }
        if let branches = o["oneOf"]?.arrayValue {
            let results = branches.map { errors(value, against: $0, at: path) }
            let matching = results.indices.filter { results[$0].isEmpty }
            if matching.isEmpty {
                found.append("\(path): matches none of the \(branches.count) oneOf schemas: "
                             + results.enumerated().map { "[\($0.offset)] \($0.element.joined(separator: "; "))" }.joined(separator: " | "))
            } else if matching.count > 1 {
                found.append("\(path): matches \(matching.count) of the oneOf schemas (\(matching.map(String.init).joined(separator: ", "))), must match exactly one")
            }
        }
        return found
    }

    static func value(_ value: JSONValue, hasType name: String) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer), ("number", .number),
             ("string", .string), ("array", .array), ("object", .object):
            true
        default:
            false
        }
    }
}
