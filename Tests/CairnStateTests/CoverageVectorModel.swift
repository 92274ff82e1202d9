import CairnCore
import CairnCrypto
import CairnGeo
import Foundation

/// Specs/depin/coverage.md re-read into plain code over bytes and integers, sharing nothing with
/// Sources/CairnState/Modules/Coverage but SHA-256 and CairnGeo's distance and path loss (which
/// geometry.json checks on its own).
enum CoverageModel {
    static func sha(_ bytes: [UInt8]) -> [UInt8] { Hash32.sha256(bytes).bytes }
    static func str(_ s: String) -> [UInt8] { leb(UInt64(s.utf8.count)) + Array(s.utf8) }
    static func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (56 - 8 * UInt64($0))) & 0xff) } }
    static func be32(_ v: Int32) -> [UInt8] { let u = UInt32(bitPattern: v); return (0..<4).map { UInt8((u >> (24 - 8 * UInt32($0))) & 0xff) } }
    static func leb(_ v: UInt64) -> [UInt8] { v < 128 ? [UInt8(v)] : [UInt8(v & 127) | 128] + leb(v >> 7) }
    static func first8(_ h: [UInt8]) -> UInt64 { h[0..<8].reduce(0) { $0 * 256 + UInt64($1) } }
    /// §3.1: accept w < ⌊(2^64 − 1) / n⌋ · n, then w mod n.
    static func accept(_ w: UInt64, _ n: UInt64) -> UInt64? { w < (UInt64.max / n) * n ? w % n : nil }

    static func challengees(seed: [UInt8], height: UInt64, located: UInt64, count: UInt64) -> [UInt64] {
        var out: [UInt64] = []
        var i: UInt64 = 0
        while out.count < Int(min(count, located)) {
            let w = first8(sha(str("cairn/coverage/challenge/v1") + seed + be64(height) + be64(i)))
            i += 1
            if let v = accept(w, located), !out.contains(v) { out.append(v) }
        }
        return out
    }

    static func beacon(seed: [UInt8], height: UInt64, challengee: [UInt8], channels: UInt64)
        -> (id: [UInt8], payload: [UInt8], packetHash: [UInt8], channel: UInt64) {
        let payload = sha(str("cairn/coverage/beacon-payload/v1") + seed + be64(height) + challengee)
        var attempt: UInt64 = 0, channel: UInt64? = nil
        while channel == nil {
            channel = accept(first8(sha(str("cairn/coverage/beacon-channel/v1") + seed + be64(height) + challengee + be64(attempt))), channels)
            attempt += 1
        }
        return (sha(str("cairn/coverage/beacon-id/v1") + be64(height) + challengee), payload, sha(payload), channel!)
    }

    static func receiptBytes(_ r: CoverageVectorFile.Receipt) throws -> [UInt8] {
        try Hex.decode(r.witness) + be32(r.rssi) + be32(r.snr) + leb(r.frequency) + leb(r.time) + Hex.decode(r.packetHash)
    }

    static func receiptDigest(chainID: String, beaconID: [UInt8], encoding: [UInt8]) -> [UInt8] {
        sha(str("cairn/coverage/receipt/v1") + str(chainID) + beaconID + encoding)
    }

    /// §6.2 in order, then §7.
    static func verdicts(_ c: CoverageVectorFile.VerdictCase, parameters p: [String: UInt64]) throws -> [String] {
        let seed = try Hex.decode(c.seed), challengee = try Hex.decode(c.challengee)
        let b = beacon(seed: seed, height: c.height, challengee: challengee, channels: p["channel_count"]!)
        let base = p["channel_base_frequency"]!, spacing = p["channel_spacing"]!, count = p["channel_count"]!
        let tolerance = Int64(p["frequency_tolerance"]!)
        let centre = Int64(base + spacing * b.channel)
        let origin = try GeoPoint(latitude: c.challengeePlace.latitude, longitude: c.challengeePlace.longitude)
        var signedBefore = Set<String>()
        var out: [String] = []
        for w in c.witnesses {
            let rightlySigned = w.signer == w.witness
            let duplicate = rightlySigned && signedBefore.contains(w.witness)
            if rightlySigned { signedBefore.insert(w.witness) }
            out.append(try {
                if !rightlySigned { return "bad_signature" }
                if !w.known { return "unknown_witness" }
                if w.kind != "hotspot" { return "witness_not_hotspot" }
                if w.status != "active" { return "witness_inactive" }
                guard let place = w.place else { return "witness_not_located" }
                if w.witness == c.challengee { return "self_witness" }
                if duplicate { return "duplicate_witness" }
                if try Hex.decode(w.packetHash) != b.packetHash { return "packet_mismatch" }
                let f = Int64(w.frequency)
                let onPlan = (0..<count).contains { abs(f - Int64(base + spacing * $0)) <= tolerance }
                if !onPlan { return "frequency_off_plan" }
                if abs(f - centre) > tolerance { return "wrong_channel" }
                let t = Int64(w.time), t0 = Int64(c.blockTime), slack = Int64(p["receipt_time_tolerance"]!)
                if t < t0 - slack { return "early_receipt" }
                if t > t0 + Int64(p["receipt_window"]!) + slack { return "late_receipt" }
                let d = GreatCircle.distance3D(origin, elevationA: c.challengeePlace.elevation,
                                               try GeoPoint(latitude: place.latitude, longitude: place.longitude), elevationB: place.elevation)
                if d < p["min_witness_distance"]! { return "too_close" }
                if d > p["max_witness_distance"]! { return "too_far" }
                if Int64(w.rssi) < -Int64(p["rssi_floor"]!) { return "rssi_too_low" }
                let loss = Int64(FreeSpacePathLoss.decibelsTenths(distanceMeters: d, frequencyHz: UInt64(centre)))
                let bound = Int64(p["beacon_transmit_power"]!) + Int64(c.challengeePlace.antennaGain) + Int64(place.antennaGain)
                    - loss + Int64(p["rssi_tolerance"]!)
                if Int64(w.rssi) > bound { return "rssi_too_high" }
                if Int64(w.snr) < -Int64(p["snr_floor"]!) || Int64(w.snr) > Int64(p["snr_ceiling"]!) { return "snr_out_of_range" }
                return "valid"
            }())
        }
        let valid = out.indices.filter { out[$0] == "valid" }
        if valid.count > Int(c.maxWitnesses) {
            let keyed = try valid.map { ($0, sha(str("cairn/coverage/select/v1") + seed + b.id + (try Hex.decode(c.witnesses[$0].witness)))) }
            for (i, _) in keyed.sorted(by: { $0.1.lexicographicallyPrecedes($1.1) }).dropFirst(Int(c.maxWitnesses)) { out[i] = "valid_not_selected" }
        }
        return out
    }

    /// §9 with HIP-15's units, as rows [owner, amount] then [remainder].
    static func split(_ d: CoverageVectorFile.DensityCase, parameters p: [String: UInt64]) throws -> [[String]] {
        let million: UInt128 = 1_000_000, n = UInt128(p["witness_redundancy"]!), r = UInt128(p["reward_decay"]!)
        var tx: [String: UInt128] = [:], rx: [String: UInt128] = [:]
        for b in d.beacons {
            let w = UInt128(b.witnesses.count)
            var t: UInt128 = 0, each: UInt128 = 0
            if w > 0 && w <= n { t = w * million / n; each = million }
            if w > n {
                var decayed = million
                for _ in 0..<Int(w - n) { decayed = decayed * r / million }
                t = min(2 * million - decayed, UInt128(p["transmit_unit_cap"]!))
                each = (n * million - (million - decayed)) / w
            }
            tx[b.challengee, default: 0] += t * UInt128(b.scale)
            for o in b.witnesses { rx[o, default: 0] += each * UInt128(b.scale) }
        }
        let pool = UInt128(d.pool)!
        var paid: [String: UInt128] = [:]
        for (share, weights) in [(p["challengee_share"]!, tx), (p["witness_share"]!, rx)] {
            let sub = pool * UInt128(share) / million
            let total = weights.values.reduce(0, +)
            if total == 0 { continue }
            for (o, wt) in weights { paid[o, default: 0] += sub * wt / total }
        }
        let rows = paid.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }
        return rows + [[String(pool - paid.values.reduce(0, +))]]
    }
}
