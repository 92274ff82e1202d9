import CairnCore
import CairnRPC
import Testing

/// The validator RPCSchemaTests relies on: it must reject what the schemas forbid, and refuse
/// schemas it does not understand.
@Suite("JSON Schema validator")
struct JSONSchemaValidatorTests {
    static let hash: JSONValue = ["type": "string", "pattern": "^0x[0-9a-f]{64}$"]
    static let point: JSONValue = [
        "type": "object",
        "properties": ["x": ["type": "integer", "minimum": 0], "label": ["type": ["string", "null"]]],
        "required": ["x", "label"],
        "additionalProperties": false,
    ]

    func accepts(_ value: JSONValue, _ schema: JSONValue) -> Bool {
        #expect(JSONSchemaValidator.problems(in: schema).isEmpty, "\(schema)")
        return JSONSchemaValidator.errors(value, against: schema).isEmpty
    }

    @Test func typesIncludingListsOfTypes() {
        #expect(accepts(["x": 1, "label": "a"], Self.point))
        #expect(accepts(["x": 1, "label": nil], Self.point))
        #expect(!accepts(["x": "1", "label": "a"], Self.point))
        #expect(!accepts(["x": 1, "label": 5], Self.point))
        #expect(!accepts([1, 2], Self.point))
        #expect(!accepts(nil, Self.point))
        #expect(accepts(5, ["type": "number"]), "an integer is a number")
        #expect(!accepts(1.5, ["type": "integer"]))
        #expect(!accepts(true, ["type": "integer"]))
        #expect(!accepts(0, ["type": "boolean"]))
    }

    @Test func missingRequiredAndExtraFields() {
        let missing = JSONSchemaValidator.errors(["x": 1], against: Self.point)
        #expect(missing == ["$: missing required field 'label'"])
        let extra = JSONSchemaValidator.errors(["x": 1, "label": nil, "y": 2], against: Self.point)
        #expect(extra == ["$: field 'y' is not allowed"])
        // Without additionalProperties: false, other fields are fine.
        #expect(accepts(["x": 1, "y": 2], ["type": "object", "properties": ["x": ["type": "integer"]], "required": ["x"]]))
        // Errors inside nested objects and arrays name where they are.
        let nested: JSONValue = ["type": "array", "items": Self.point]
        #expect(JSONSchemaValidator.errors([["x": 1, "label": nil], ["x": -1, "label": nil]], against: nested)
                == ["$[1].x: -1 is below the minimum 0"])
        let page: JSONValue = ["type": "integer", "minimum": 1, "maximum": 1_000]
        #expect(accepts(1_000, page) && !accepts(1_001, page) && !accepts(0, page))
    }

    @Test func patterns() {
        func hex(_ digits: String, _ count: Int, then tail: String = "") -> JSONValue {
            .string("0x" + String(repeating: digits, count: count) + tail)
        }
        #expect(accepts(hex("ab", 32), Self.hash))
        #expect(!accepts(hex("AB", 32), Self.hash), "upper case")
        #expect(!accepts(hex("ab", 31), Self.hash), "short")
        #expect(!accepts(hex("ab", 32, then: "\n"), Self.hash), "$ is the end, not a line end")
        #expect(!accepts(hex("ab", 33), Self.hash), "long")
        // Unanchored patterns match anywhere, as in JSON Schema.
        #expect(accepts("abc", ["type": "string", "pattern": "b"]))
        // A pattern constrains strings only.
        #expect(accepts(5, ["pattern": "^x$"]))
        let amount: JSONValue = ["type": "string", "pattern": "^(0|[1-9][0-9]*)$"]
        #expect(accepts("0", amount) && accepts("1500000000000000000", amount))
        #expect(!accepts("01", amount) && !accepts("", amount) && !accepts("-1", amount) && !accepts("1e3", amount))
    }

    @Test func oneOfNeedsExactlyOneMatch() {
        let either: JSONValue = ["oneOf": [["type": "integer", "minimum": 1], Self.hash, ["const": "latest"]]]
        #expect(accepts(3, either))
        #expect(accepts("latest", either))
        let none = JSONSchemaValidator.errors(0, against: either)
        #expect(none.count == 1 && none[0].hasPrefix("$: matches none of the 3 oneOf schemas"), "\(none)")
        let overlapping: JSONValue = ["oneOf": [["type": "integer"], ["type": "integer", "minimum": 0]]]
        #expect(accepts(-1, overlapping))
        let two = JSONSchemaValidator.errors(1, against: overlapping)
        #expect(two.count == 1 && two[0].hasPrefix("$: matches 2 of the oneOf schemas"), "\(two)")
    }

    @Test func constEnumAndMinimum() {
        #expect(accepts("ok", ["const": "ok"]) && !accepts("OK", ["const": "ok"]))
        #expect(accepts(true, ["const": true]) && !accepts(false, ["const": true]))
        let step: JSONValue = ["type": "string", "enum": ["propose", "prevote"]]
        #expect(accepts("prevote", step) && !accepts("precommit", step))
        #expect(accepts(0, ["type": "integer", "minimum": 0]) && !accepts(-1, ["type": "integer", "minimum": 0]))
        #expect(accepts(.integer(.max), ["type": "integer", "minimum": .integer(.max)]), "exact for large integers")
        #expect(!accepts(.integer(.max - 1), ["type": "integer", "minimum": .integer(.max)]))
    }

    @Test func schemasOutsideTheSubsetAreProblems() {
        #expect(JSONSchemaValidator.problems(in: ["type": "string", "patern": "^x$"]) == ["#: unknown keyword 'patern'"])
        #expect(JSONSchemaValidator.problems(in: ["type": "object", "properties": ["a": ["maxLength": 3]]])
                == ["#/properties/a: unknown keyword 'maxLength'"])
        #expect(JSONSchemaValidator.problems(in: ["type": "str"]) == ["#/type: unknown type 'str'"])
        #expect(!JSONSchemaValidator.problems(in: ["type": []]).isEmpty)
        #expect(!JSONSchemaValidator.problems(in: ["type": "string", "pattern": "^(x$"]).isEmpty, "does not compile")
        #expect(!JSONSchemaValidator.problems(in: ["items": "string"]).isEmpty, "a schema is an object")
        #expect(!JSONSchemaValidator.problems(in: ["oneOf": []]).isEmpty)
        #expect(!JSONSchemaValidator.problems(in: ["additionalProperties": ["type": "string"]]).isEmpty)
        #expect(JSONSchemaValidator.problems(in: [
            "type": "object", "properties": ["a": ["type": "integer"]], "required": ["a", "b"], "additionalProperties": false,
        ]) == ["#/required: 'b' is required but not among the properties"])
        #expect(JSONSchemaValidator.problems(in: ["oneOf": [Self.point, ["$ref": "#/x"]]]) == ["#/oneOf/1: unknown keyword '$ref'"])
    }
}
