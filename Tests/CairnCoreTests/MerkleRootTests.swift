import CairnCore
import CairnCrypto
import Testing

@Suite("MerkleRoot")
struct MerkleRootTests {
    /// Leaves 0x0101…, 0x0202…, …; expected roots computed with Python hashlib (RFC 6962 shape).
    private static let leaves = (1...7).map { Hash32(unchecked: [UInt8](repeating: UInt8($0), count: 32)) }

    @Test func emptyListIsSHA256OfEmptyString() throws {
        #expect(MerkleRoot.of([]) == (try Hash32(hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")))
    }

    @Test func singleLeafIsPrefixedHash() throws {
        #expect(MerkleRoot.of([Self.leaves[0]]) == (try Hash32(hex: "dcffe786ded16d283c663846ad0c4ff26558fccde36ca9d30b2ea19eade9fc0e")))
        #expect(MerkleRoot.of([Self.leaves[0]]) != Self.leaves[0])
    }

    @Test(arguments: [
        (2, "3a066e0f40c6a1981ebfa60d2411625d0517ae22c2fc8c7c1784ff8a75c78565"),
        (3, "df896896c799531f1fd1e556cea26a6989ab06853bcbfdd3e4f5097a611f658f"),
        (5, "c51042bb8b9d81dfc115ef99d0e2cecf1954cfc078d70032d187b46615f01b90"),
        (7, "a01b0568e97f4a883e53549ff9e936845853334158de367ad483d981b3142f4a"),
    ])
    func fixedVectors(count: Int, expected: String) throws {
        #expect(MerkleRoot.of(Array(Self.leaves.prefix(count))) == (try Hash32(hex: expected)))
    }

    @Test func splitsAtLargestPowerOfTwoBelowCount() {
        let l = Self.leaves
        let three = MerkleRoot.nodeHash(
            left: MerkleRoot.nodeHash(left: MerkleRoot.leafHash(l[0]), right: MerkleRoot.leafHash(l[1])),
            right: MerkleRoot.leafHash(l[2]))
        #expect(MerkleRoot.of(Array(l.prefix(3))) == three)
    }

    @Test func duplicatingTheLastLeafChangesTheRoot() {
        let l = Array(Self.leaves.prefix(3))
        #expect(MerkleRoot.of(l) != MerkleRoot.of(l + [l[2]]))
    }

    @Test func orderMatters() {
        let l = Array(Self.leaves.prefix(4))
        #expect(MerkleRoot.of(l) != MerkleRoot.of(l.reversed()))
    }
}
