import CairnCore
import CairnCrypto

/// The key layout of a node's LevelDB (Specs/storage.md). One byte of prefix per table.
enum StorageKeys {
    static let genesisHash: [UInt8] = Array("m:genesis".utf8)
    static let tip: [UInt8] = Array("m:tip".utf8)

    static func blockID(height: UInt64) -> [UInt8] { [UInt8(ascii: "h")] + bigEndian(height) }
    /// Blocks by height, not by id: appended in key order, LevelDB moves them down its levels
    /// without rewriting them, where content-addressed keys would be merged again at every level.
    static func block(height: UInt64) -> [UInt8] { [UInt8(ascii: "B")] + bigEndian(height) }
    static func blockHeight(id: Hash32) -> [UInt8] { [UInt8(ascii: "H")] + id.bytes }
    /// Where earlier builds kept blocks; only looked for, to refuse such a directory clearly.
    static func blockByID(_ id: Hash32) -> [UInt8] { [UInt8(ascii: "b")] + id.bytes }
    static func commit(height: UInt64) -> [UInt8] { [UInt8(ascii: "c")] + bigEndian(height) }
    static func stateRoot(height: UInt64) -> [UInt8] { [UInt8(ascii: "r")] + bigEndian(height) }
    static func transaction(id: Hash32) -> [UInt8] { [UInt8(ascii: "t")] + id.bytes }
    static func blockResults(height: UInt64) -> [UInt8] { [UInt8(ascii: "R")] + bigEndian(height) }
    static func senders(height: UInt64) -> [UInt8] { [UInt8(ascii: "s")] + bigEndian(height) }
    /// The latest value of a state entry (the flat table beside the tree): one read per lookup.
    static func stateEntry(_ key: StateKey) -> [UInt8] { [UInt8(ascii: "e"), key.namespace] + key.key }
    /// A node index entry: written with its block, not part of the state tree.
    static func indexEntry(_ key: StateKey) -> [UInt8] { [UInt8(ascii: "i"), key.namespace] + key.key }
    static func validatorSchedule(height: UInt64) -> [UInt8] { [UInt8(ascii: "V")] + bigEndian(height) }
    static func treeNode(_ hash: Hash32) -> [UInt8] { [UInt8(ascii: "n")] + hash.bytes }
    static func treeValue(_ hash: Hash32) -> [UInt8] { [UInt8(ascii: "v")] + hash.bytes }

    /// Heights are big-endian so LevelDB's byte order is height order.
    static func bigEndian(_ value: UInt64) -> [UInt8] { value.bigEndianBytes }
}
