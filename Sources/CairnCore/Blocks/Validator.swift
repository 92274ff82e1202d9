import CairnCrypto

/// A validator as the chain sees it: an address (the key that signs votes) and its voting power.
public struct Validator: Sendable, Hashable {
    public var address: Address
    public var power: UInt64

    public init(address: Address, power: UInt64) {
        self.address = address
        self.power = power
    }
}

public enum CommitVerificationError: Error, Equatable, CustomStringConvertible {
    case wrongBlock(expected: Hash32, got: Hash32)
    case wrongHeight(expected: UInt64, got: UInt64)
    case unsortedOrDuplicate(Address)
    case unknownValidator(Address)
    case badSignature(Address)
    case insufficientPower(signed: UInt64, total: UInt64)

    public var description: String {
        switch self {
        case .wrongBlock(let e, let g): "commit is for block \(g), expected \(e)"
        case .wrongHeight(let e, let g): "commit is for height \(g), expected \(e)"
        case .unsortedOrDuplicate(let a): "commit signatures are not strictly sorted by validator (at \(a))"
        case .unknownValidator(let a): "commit is signed by \(a), which is not in the validator set"
        case .badSignature(let a): "commit signature of \(a) does not verify"
        case .insufficientPower(let s, let t): "commit carries \(s) of \(t) voting power; more than 2/3 is needed"
        }
    }
}

/// The validator set of a height.
public struct ValidatorSet: Sendable, Hashable, CanonicalCodable {
    /// Largest total voting power of any set, so that sums in commit checks and proposer
    /// priorities (which work with 1.125 × total) never overflow.
    public static let maxTotalPower: UInt64 = UInt64(Int64.max) / 8

    /// Sorted by address.
    public let validators: [Validator]
    public let totalPower: UInt64

    public init(_ validators: [Validator]) {
        self.validators = validators.sorted { $0.address < $1.address }
        self.totalPower = validators.reduce(0) { $0 + $1.power }
    }

    /// SHA-256(encode_string("cairn/validators/v1") ‖ list of (address, power)): what block
    /// headers carry to commit to the set that votes on a height.
    public var hash: Hash32 { domainHash("cairn/validators/v1") }

    /// Binary search: `validators` is sorted by address, and commits look up every signer.
    public func power(of address: Address) -> UInt64? {
        var low = 0, high = validators.count
        while low < high {
            let mid = (low + high) / 2
            if validators[mid].address < address { low = mid + 1 } else { high = mid }
        }
        return low < validators.count && validators[low].address == address ? validators[low].power : nil
    }

    /// A list of (address, power), sorted by address, no duplicates, every power positive.
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(varint: UInt64(validators.count))
        for v in validators {
            writer.write(address: v.address)
            writer.write(varint: v.power)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let count = try reader.readLength("validators", limit: Commit.maxSignatures)
        var list: [Validator] = []
        list.reserveCapacity(count)
        var total: UInt64 = 0
        for _ in 0..<count {
            let v = Validator(address: try reader.readAddress("validator.address"), power: try reader.readVarint("validator.power"))
            guard v.power > 0 else { throw .invalidValue(field: "validator.power", reason: "must be positive") }
            total = total.addingReportingOverflow(v.power).partialValue
            guard v.power <= Self.maxTotalPower, total <= Self.maxTotalPower else {
                throw .invalidValue(field: "validators", reason: "total power above \(Self.maxTotalPower)")
            }
            if let last = list.last, !(last.address < v.address) {
                throw .invalidValue(field: "validators", reason: "not strictly sorted by address")
            }
            list.append(v)
        }
        self.init(list)
    }

    /// Checks that `commit` finalises `blockID` at `height`: every signature is a valid precommit by a
    /// distinct member, and together they hold more than 2/3 of the power.
    public func verify(commit: Commit, chainID: String, height: UInt64, blockID: Hash32) throws(CommitVerificationError) {
        guard commit.height == height else { throw .wrongHeight(expected: height, got: commit.height) }
        guard commit.blockID == blockID else { throw .wrongBlock(expected: blockID, got: commit.blockID) }
        let digest = commit.payload(chainID: chainID).signingHash
        var signed: UInt64 = 0
        var previous: Address?
        for sig in commit.signatures {
            if let previous, !(previous < sig.validator) { throw .unsortedOrDuplicate(sig.validator) }
            previous = sig.validator
            guard let power = power(of: sig.validator) else { throw .unknownValidator(sig.validator) }
            guard (try? sig.signature.recoverAddress(digest: digest)) == sig.validator else {
                throw .badSignature(sig.validator)
            }
            signed += power
        }
        // signed > 2/3 total, in integers: 3·signed > 2·total.
        guard UInt128(signed) * 3 > UInt128(totalPower) * 2 else {
            throw .insufficientPower(signed: signed, total: totalPower)
        }
    }
}
