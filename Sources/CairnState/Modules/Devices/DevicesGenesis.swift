import CairnCore
import CairnCrypto

/// The devices module's genesis state: the makers the chain starts with (Specs/depin/devices.md §6).
public struct DevicesGenesis: Sendable, Hashable, CanonicalCodable {
    public struct Maker: Sendable, Hashable, CanonicalCodable {
        public var name: String
        /// SEC1 compressed, 33 bytes.
        public var publicKey: [UInt8]

        public init(name: String, publicKey: [UInt8]) {
            self.name = name
            self.publicKey = publicKey
        }

        public var address: Address { get throws { try PublicKey(bytes: publicKey).address } }

        public func encode(to writer: inout CanonicalWriter) {
            writer.write(string: name)
            writer.write(fixed: publicKey)
        }

        public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
            name = try reader.readString("maker.name", limit: MakerRecord.maxNameLength)
            publicKey = try reader.readFixed("maker.public_key", count: 33)
        }
    }

    public var makers: [Maker]

    public static let maxMakers = 4_096

    public init(makers: [Maker]) { self.makers = makers }

    public func encode(to writer: inout CanonicalWriter) { writer.write(list: makers) }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        makers = try reader.readList("makers", limit: Self.maxMakers)
    }

    /// The first rule the list breaks, naming the entry: names are 1–64 bytes of lower-case
    /// letters, digits, `-` and `_`, keys compressed points, neither listed twice.
    public var problem: ParameterProblem? {
        var names: Set<String> = []
        var keys: Set<[UInt8]> = []
        for (i, maker) in makers.enumerated() {
            let bytes = Array(maker.name.utf8)
            let allowed = bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F }
            guard !bytes.isEmpty, bytes.count <= MakerRecord.maxNameLength, allowed else {
                return ParameterProblem(field: "makers[\(i)].name", "must be 1 to \(MakerRecord.maxNameLength) lower-case letters, digits, '-' or '_'")
            }
            guard maker.publicKey.first == 0x02 || maker.publicKey.first == 0x03, (try? PublicKey(bytes: maker.publicKey)) != nil else {
                return ParameterProblem(field: "makers[\(i)].public_key", "must be a compressed secp256k1 public key (33 bytes, 0x02 or 0x03 first)")
            }
            guard names.insert(maker.name).inserted else { return ParameterProblem(field: "makers[\(i)].name", "'\(maker.name)' is listed twice") }
            guard keys.insert(maker.publicKey).inserted else { return ParameterProblem(field: "makers[\(i)].public_key", "is listed twice") }
        }
        return nil
    }

    /// `{"makers": [{"name": …, "public_key": "0x…"}]}`.
    public init(json: JSONValue) throws(ParameterProblem) {
        guard case .object(let o) = json else { throw ParameterProblem(field: "", "must be a JSON object") }
        if let unknown = o.keys.sorted().first(where: { $0 != "makers" }) {
            throw ParameterProblem(field: unknown, "is not part of the devices genesis state")
        }
        guard case .array(let list)? = o["makers"] ?? .array([]) else { throw ParameterProblem(field: "makers", "must be an array") }
        guard list.count <= Self.maxMakers else { throw ParameterProblem(field: "makers", "lists more than \(Self.maxMakers) makers") }
        var makers: [Maker] = []
        for (i, entry) in list.enumerated() {
            guard case .object(let m) = entry, let name = m["name"]?.stringValue, let key = m["public_key"]?.stringValue,
                  m.count == 2 else {
                throw ParameterProblem(field: "makers[\(i)]", "must be an object with exactly 'name' and 'public_key' strings")
            }
            guard let bytes = try? Hex.decode(key, count: 33) else {
                throw ParameterProblem(field: "makers[\(i)].public_key", "must be 0x-hex of 33 bytes")
            }
            makers.append(Maker(name: name, publicKey: bytes))
        }
        self.init(makers: makers)
        if let problem { throw problem }
    }
}
