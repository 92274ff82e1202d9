import CairnCore
import CairnCrypto

/// A verdict as the beacon record stores it (Specs/depin/coverage.md §11.2): a code byte, then the
/// numbers the broken rule compared (signed bounds as i32: every one is within ±10^5), so a query can say why without re-running the rules.
extension WitnessVerdict: CanonicalCodable {
    /// Codes in rule order: 0 valid, 1 valid but not selected, 2 … 18 the witness rules 1 … 17.
    public var code: UInt8 {
        switch self {
        case .valid: 0
        case .validNotSelected: 1
        case .invalid(let r):
            switch r {
            case .badSignature: 2
            case .unknownWitness: 3
            case .witnessNotHotspot: 4
            case .witnessInactive: 5
            case .witnessNotLocated: 6
            case .selfWitness: 7
            case .duplicateWitness: 8
            case .packetMismatch: 9
            case .frequencyOffPlan: 10
            case .wrongChannel: 11
            case .earlyReceipt: 12
            case .lateReceipt: 13
            case .tooClose: 14
            case .tooFar: 15
            case .rssiTooLow: 16
            case .rssiTooHigh: 17
            case .snrOutOfRange: 18
            }
        }
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(fixed: [code])
        guard case .invalid(let r) = self else { return }
        switch r {
        case .badSignature(let signer):
            writer.write(fixed: [signer == nil ? 0 : 1])
            if let signer { writer.write(address: signer) }
        case .unknownWitness, .witnessNotLocated, .selfWitness: break
        case .witnessNotHotspot(let kind): writer.write(fixed: [kind.rawValue])
        case .witnessInactive(let status): writer.write(fixed: [status.rawValue])
        case .duplicateWitness(let first): writer.write(varint: UInt64(first))
        case .packetMismatch(let expected): writer.write(hash: expected)
        case .frequencyOffPlan(let f, let channel, let offset):
            writer.write(varint: f)
            writer.write(varint: channel)
            writer.write(varint: offset)
        case .wrongChannel(let expected, let offset):
            writer.write(varint: expected)
            writer.write(varint: offset)
        case .earlyReceipt(let a, let b), .lateReceipt(let a, let b), .tooClose(let a, let b), .tooFar(let a, let b):
            writer.write(varint: a)
            writer.write(varint: b)
        case .rssiTooLow(let rssi, let floor):
            writer.write(int32: rssi)
            writer.write(int32: Int32(clamping: floor))
        case .rssiTooHigh(let rssi, let bound, let loss):
            writer.write(int32: rssi)
            writer.write(int32: Int32(clamping: bound))
            writer.write(int32: loss)
        case .snrOutOfRange(let snr, let low, let high):
            writer.write(int32: snr)
            writer.write(int32: Int32(clamping: low))
            writer.write(int32: Int32(clamping: high))
        }
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalDecodingError) {
        let code = try reader.readByte("verdict.code")
        func pair() throws(CanonicalDecodingError) -> (UInt64, UInt64) {
            (try reader.readVarint("verdict.value"), try reader.readVarint("verdict.limit"))
        }
        let rejection: WitnessRejection
        switch code {
        case 0: self = .valid; return
        case 1: self = .validNotSelected; return
        case 2:
            let present = try reader.readByte("verdict.signer_present")
            guard present <= 1 else { throw .invalidValue(field: "verdict.signer_present", reason: "must be 0 or 1") }
            rejection = .badSignature(signer: present == 1 ? try reader.readAddress("verdict.signer") : nil)
        case 3: rejection = .unknownWitness
        case 4:
            let raw = try reader.readByte("verdict.kind")
            guard let kind = DeviceKind(rawValue: raw) else { throw .unknownTag(type: "device kind", tag: UInt64(raw)) }
            rejection = .witnessNotHotspot(kind: kind)
        case 5:
            let raw = try reader.readByte("verdict.status")
            guard let status = DeviceStatus(rawValue: raw) else { throw .unknownTag(type: "device status", tag: UInt64(raw)) }
            rejection = .witnessInactive(status: status)
        case 6: rejection = .witnessNotLocated
        case 7: rejection = .selfWitness
        case 8: rejection = .duplicateWitness(first: Int(clamping: try reader.readVarint("verdict.first")))
        case 9: rejection = .packetMismatch(expected: try reader.readHash("verdict.expected"))
        case 10:
            rejection = .frequencyOffPlan(frequency: try reader.readVarint("verdict.frequency"),
                                          nearestChannel: try reader.readVarint("verdict.channel"), offset: try reader.readVarint("verdict.offset"))
        case 11: rejection = .wrongChannel(expected: try reader.readVarint("verdict.channel"), offset: try reader.readVarint("verdict.offset"))
        case 12: let (a, b) = try pair(); rejection = .earlyReceipt(time: a, earliest: b)
        case 13: let (a, b) = try pair(); rejection = .lateReceipt(time: a, latest: b)
        case 14: let (a, b) = try pair(); rejection = .tooClose(distance: a, minimum: b)
        case 15: let (a, b) = try pair(); rejection = .tooFar(distance: a, maximum: b)
        case 16: rejection = .rssiTooLow(rssi: try reader.readInt32("verdict.rssi"), floor: Int64(try reader.readInt32("verdict.floor")))
        case 17:
            rejection = .rssiTooHigh(rssi: try reader.readInt32("verdict.rssi"), bound: Int64(try reader.readInt32("verdict.bound")),
                                     pathLoss: try reader.readInt32("verdict.path_loss"))
        case 18:
            rejection = .snrOutOfRange(snr: try reader.readInt32("verdict.snr"), low: Int64(try reader.readInt32("verdict.low")),
                                       high: Int64(try reader.readInt32("verdict.high")))
        default: throw .unknownTag(type: "witness verdict", tag: UInt64(code))
        }
        self = .invalid(rejection)
    }
}
