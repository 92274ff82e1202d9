import CairnCore
import CairnCrypto

/// Why an energy operation or attestation cannot apply (Specs/depin/energy.md §5.2, §7).
/// `reason` is stable: it is the RPC `data.reason`.
public enum EnergyRejection: ModuleRejection, Equatable {
    // Attestations.
    case tooManyBatches(count: Int, maximum: UInt64)
    case emptyBatch(index: Int)
    case tooManyReadings(index: Int, count: Int, maximum: UInt64)
    case noAcceptedReadings(readings: Int)
    // Meters and bonds.
    case unknownDevice(Address)
    case notAMeter(Address, DeviceKind)
    case notOwner(device: Address, owner: Address)
    case deviceInactive(Address, DeviceStatus)
    case meterRegistered(Address)
    case capacityOutOfRange(got: UInt64, maximum: UInt64)
    case bondTooLow(got: Amount, minimum: Amount)
    case meterNotRegistered(Address)
    case meterFrozen(Address, since: UInt64)
    case zeroAmount
    case withdrawalPending(unlockAt: UInt64)
    case amountExceedsBond(amount: Amount, bond: Amount)
    case bondBelowMinimum(remaining: Amount, minimum: Amount)
    // Equivocation evidence.
    case differentMeters
    case readingIndexOutOfRange(index: UInt64, count: Int)
    case differentSlots(UInt64, UInt64)
    case identicalReadings
    case badEvidenceSignature(signer: Address?)
    case alreadyReported(slot: UInt64)
    // Certificates.
    case emptyRange
    case unknownLot(UInt64)
    case rangeOutsideLot(lot: UInt64, count: UInt64)
    case certificatesRetired(lot: UInt64)
    case notCertificateOwner(owner: Address)
    case alreadyOwner
    case beneficiaryTooLong(length: Int, maximum: UInt64)
    case purposeTooLong(length: Int, maximum: UInt64)

    public var reason: String {
        switch self {
        case .tooManyBatches: "too_many_batches"
        case .emptyBatch: "empty_batch"
        case .tooManyReadings: "too_many_readings"
        case .noAcceptedReadings: "no_accepted_readings"
        case .unknownDevice: "unknown_device"
        case .notAMeter: "not_a_meter"
        case .notOwner: "not_owner"
        case .deviceInactive: "device_inactive"
        case .meterRegistered: "meter_registered"
        case .capacityOutOfRange: "capacity_out_of_range"
        case .bondTooLow: "bond_too_low"
        case .meterNotRegistered: "meter_not_registered"
        case .meterFrozen: "meter_frozen"
        case .zeroAmount: "zero_amount"
        case .withdrawalPending: "withdrawal_pending"
        case .amountExceedsBond: "amount_exceeds_bond"
        case .bondBelowMinimum: "bond_below_minimum"
        case .differentMeters: "different_meters"
        case .readingIndexOutOfRange: "reading_index_out_of_range"
        case .differentSlots: "different_slots"
        case .identicalReadings: "identical_readings"
        case .badEvidenceSignature: "bad_evidence_signature"
        case .alreadyReported: "already_reported"
        case .emptyRange: "empty_range"
        case .unknownLot: "unknown_lot"
        case .rangeOutsideLot: "range_outside_lot"
        case .certificatesRetired: "certificates_retired"
        case .notCertificateOwner: "not_certificate_owner"
        case .alreadyOwner: "already_owner"
        case .beneficiaryTooLong: "beneficiary_too_long"
        case .purposeTooLong: "purpose_too_long"
        }
    }

    public var description: String {
        switch self {
        case .tooManyBatches(let n, let max): "the attestation carries \(n) batches, more than max_batches \(max)"
        case .emptyBatch(let i): "batch \(i) has no readings"
        case .tooManyReadings(let i, let n, let max): "batch \(i) carries \(n) readings, more than max_batch_readings \(max)"
        case .noAcceptedReadings(let n): "none of the attestation's \(n) readings is accepted: it would record nothing new"
        case .unknownDevice(let d): "no device \(d.checksummed)"
        case .notAMeter(let d, let kind): "device \(d.checksummed) is a \(kind), not a meter"
        case .notOwner(let d, let o): "meter \(d.checksummed) belongs to \(o.checksummed)"
        case .deviceInactive(let d, let s): "device \(d.checksummed) is \(s)"
        case .meterRegistered(let d): "meter \(d.checksummed) is already registered"
        case .capacityOutOfRange(let got, let max): "capacity \(got) W is outside 1 … \(max) W"
        case .bondTooLow(let got, let min): "a bond of \(got) is below min_bond \(min)"
        case .meterNotRegistered(let d): "meter \(d.checksummed) is not registered"
        case .meterFrozen(let d, let h): "meter \(d.checksummed) was frozen for equivocation at height \(h)"
        case .zeroAmount: "the amount must be above 0"
        case .withdrawalPending(let h): "a withdrawal is already pending until height \(h)"
        case .amountExceedsBond(let a, let b): "\(a) is more than the bond \(b)"
        case .bondBelowMinimum(let r, let m): "the withdrawal would leave \(r), below min_bond \(m); withdraw all or leave at least the minimum"
        case .differentMeters: "the two batches are signed for different meters"
        case .readingIndexOutOfRange(let i, let n): "reading index \(i) is beyond the batch's \(n) readings"
        case .differentSlots(let a, let b): "the readings are for slots \(a) and \(b), not one slot"
        case .identicalReadings: "the two readings are the same reading"
        case .badEvidenceSignature(let s): "a batch signature recovers \(s.map { Hex.prefixed($0.bytes) } ?? "no key"), not the meter"
        case .alreadyReported(let slot): "the meter was already frozen for its readings of slot \(slot)"
        case .emptyRange: "the range holds no certificate"
        case .unknownLot(let id): "no certificate lot \(id)"
        case .rangeOutsideLot(let lot, let count): "the range is not inside lot \(lot) (serials \(lot) … \(lot &+ count &- 1))"
        case .certificatesRetired(let lot): "lot \(lot) is retired and can never move again"
        case .notCertificateOwner(let o): "the certificates belong to \(o.checksummed)"
        case .alreadyOwner: "the recipient already owns the certificates"
        case .beneficiaryTooLong(let n, let max): "the beneficiary is \(n) bytes, more than \(max)"
        case .purposeTooLong(let n, let max): "the purpose is \(n) bytes, more than \(max)"
        }
    }
}

/// State the energy module wrote or relies on that does not hold together: a local fault.
enum EnergyFault: Error, CustomStringConvertible {
    case signerCount(Int, Int)
    case missingOpenMeter(UInt64)
    case missingDevice(Address)

    var description: String {
        switch self {
        case .signerCount(let got, let expected): "\(got) recovered signers for an attestation with \(expected) signatures"
        case .missingOpenMeter(let index): "the open work list has no meter at position \(index)"
        case .missingDevice(let id): "energy names device \(id.checksummed), which has no record"
        }
    }
}
