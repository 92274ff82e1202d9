import CairnCore
import CairnCrypto

/// Minting, moving and retiring certificates (Specs/depin/energy.md §8). State holds lots (runs
/// of serials) and the owner index; the meter, serial-end and retirement indexes are node index.
/// Lots only ever split, never merge, and a lot id is never reused, so those write-once indexes
/// stay exact.
enum Certificates {
    /// Mints `count` certificates to `lot.owner` as a new lot; returns its id.
    static func mint(_ lot: CertificateLot, _ state: inout StateOverlay) throws -> UInt64 {
        var globals = try state.energyGlobals()
        let id = globals.nextSerial
        globals.nextSerial = IntegerMath.add(id, lot.count)
        state.set(EnergyKeys.globalsKey, globals)
        write(id, lot, new: true, &state)
        return id
    }

    /// Moves `range` to `to`.
    static func transfer(_ range: CertificateRange, to: Address, sender: Address, _ state: inout StateOverlay) throws {
        var lot = try carve(range, sender: sender, &state)
        guard to != sender else { throw EnergyRejection.alreadyOwner }
        lot.owner = to
        write(range.first, lot, new: range.first != range.lot, &state)
        state.emit(Event(module: EnergyModule.name, kind: "certificates_transferred", [
            "lot": String(range.first), "first": String(range.first), "count": String(range.count),
            "from": Event.value(sender), "to": Event.value(to),
        ]))
    }

    /// Retires `range` for good, as `sender`'s, for `beneficiary` and `purpose`.
    static func retire(_ range: CertificateRange, beneficiary: String, purpose: String, sender: Address, height: UInt64,
                       _ p: EnergyParameters, _ state: inout StateOverlay) throws {
        var lot = try carve(range, sender: sender, &state)
        guard beneficiary.utf8.count <= p.maxBeneficiaryLength else {
            throw EnergyRejection.beneficiaryTooLong(length: beneficiary.utf8.count, maximum: p.maxBeneficiaryLength)
        }
        guard purpose.utf8.count <= p.maxPurposeLength else {
            throw EnergyRejection.purposeTooLong(length: purpose.utf8.count, maximum: p.maxPurposeLength)
        }
        lot.retirement = CertificateRetirement(by: sender, beneficiary: beneficiary, purpose: purpose, height: height)
        write(range.first, lot, new: range.first != range.lot, &state)
        state.index(EnergyKeys.retired(height: height, range.first), IndexMark())
        state.emit(Event(module: EnergyModule.name, kind: "certificates_retired", [
            "lot": String(range.first), "first": String(range.first), "count": String(range.count), "by": Event.value(sender),
            "beneficiary": beneficiary, "purpose": purpose,
        ]))
    }

    /// Checks §8.2 rules 1–5 and splits `range` out of its lot: the serials before and after it
    /// stay with the owner as lots of their own. Returns the range's lot (id `range.first`), not
    /// yet written and out of the owner index, for the caller to finish.
    private static func carve(_ range: CertificateRange, sender: Address, _ state: inout StateOverlay) throws -> CertificateLot {
        guard range.count > 0 else { throw EnergyRejection.emptyRange }
        guard let lot = try state.get(CertificateLot.self, EnergyKeys.lot(range.lot)) else { throw EnergyRejection.unknownLot(range.lot) }
        let (rangeEnd, o1) = range.first.addingReportingOverflow(range.count)
        let (lotEnd, o2) = range.lot.addingReportingOverflow(lot.count)
        guard range.first >= range.lot, !o1, !o2, rangeEnd <= lotEnd else {
            throw EnergyRejection.rangeOutsideLot(lot: range.lot, count: lot.count)
        }
        guard lot.retirement == nil else { throw EnergyRejection.certificatesRetired(lot: range.lot) }
        guard lot.owner == sender else { throw EnergyRejection.notCertificateOwner(owner: lot.owner) }
        state.delete(EnergyKeys.ownerLot(lot.owner, range.lot))
        if range.first > range.lot {
            var head = lot
            head.count = range.first - range.lot
            write(range.lot, head, new: false, &state)
        }
        if rangeEnd < lotEnd {
            var tail = lot
            tail.count = lotEnd - rangeEnd
            write(rangeEnd, tail, new: true, &state)
        }
        var carved = lot
        carved.count = range.count
        return carved
    }

    /// Writes a lot with its owner entry (unless retired) and its serial-end line; a new lot also
    /// gets its meter line.
    private static func write(_ id: UInt64, _ lot: CertificateLot, new: Bool, _ state: inout StateOverlay) {
        state.set(EnergyKeys.lot(id), lot)
        if lot.retirement == nil { state.write(EnergyKeys.ownerLot(lot.owner, id), []) }
        state.index(EnergyKeys.lotEnd(id &+ lot.count &- 1), id)
        if new { state.index(EnergyKeys.meterLot(lot.meter, id), IndexMark()) }
    }
}
